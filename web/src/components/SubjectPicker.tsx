import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { session } from '../api/session';
import type { User } from '../api/types';

/**
 * Admins only: whose runs and report the page shows. Lists the accounts from
 * GET /users (the first 1000 by username, plenty for a club).
 */
export function SubjectPicker({ subject, onSubject }: { subject: User | null; onSubject: (u: User | null) => void }) {
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => {
    api<User[]>('GET', '/users', { query: { count: 1000, sort: 'username' } })
      .then((r) => setUsers(r.data))
      .catch(() => setUsers([]));
  }, []);
  const me = session.me!;
  const current = subject?.user_id ?? me.user_id;
  return (
    <div class="field subject">
      <label for="subject">User</label>
      <select
        id="subject"
        value={String(current)}
        onChange={(e) => {
          const id = Number(e.currentTarget.value);
          onSubject(id === me.user_id ? null : (users.find((u) => u.user_id === id) ?? null));
        }}
      >
        <option value={String(me.user_id)}>{me.username} (me)</option>
        {users
          .filter((u) => u.user_id !== me.user_id)
          .map((u) => (
            <option key={u.user_id} value={String(u.user_id)}>
              {u.username}
              {u.name ? ` (${u.name})` : ''}
            </option>
          ))}
      </select>
    </div>
  );
}
