import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { ApiError } from '../api/http';
import { session } from '../api/session';
import { scopesForRole, type Role, type User } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorAlert, toApiError } from '../components/ErrorAlert';
import { FilterBox } from '../components/FilterBox';
import { Pager } from '../components/Pager';
import { RowActions } from '../components/RowActions';
import { SortHeader } from '../components/SortHeader';
import { formatTimestampDate } from '../lib/format';
import { column, type SortColumn } from '../lib/listState';
import { useList } from '../lib/useList';
import { usePageTitle } from '../lib/usePageTitle';

const roles: Role[] = ['user', 'manager', 'admin'];

export function Users() {
  usePageTitle('Users');
  const admin = session.role === 'admin';
  const list = useList<User>((q) => api<User[]>('GET', '/users', { query: q }), '', 'username');
  const [editing, setEditing] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const sort = (c: SortColumn) => list.dispatch({ type: 'sort', column: c });
  const s = list.state.sort;
  const me = session.me!;

  const changeRole = async (u: User, role: Role) => {
    setActionError(null);
    setStatus('');
    try {
      await api('PATCH', `/users/${u.user_id}/scopes`, { body: { scopes: scopesForRole(role) } });
      setStatus(`${u.username} is now ${role === 'admin' ? 'an admin' : `a ${role}`}.`);
      if (u.user_id === me.user_id) await session.loadMe();
    } catch (e) {
      setActionError(toApiError(e));
    }
    list.reload();
  };

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    try {
      await api('DELETE', `/users/${deleting.user_id}`);
      if (deleting.user_id === me.user_id) {
        session.expire('Your account has been deleted.');
        return;
      }
      setActionError(null);
      setStatus(`${deleting.username} has been deleted.`);
      list.reload();
    } catch (e) {
      setActionError(toApiError(e));
    }
    setBusy(false);
    setDeleting(null);
  };

  return (
    <main id="main">
      <div class="page-head">
        <h1 tabIndex={-1}>Users</h1>
      </div>
      {editing && (
        <UserForm
          key={editing.user_id}
          user={editing}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setStatus(`${editing.username} has been saved.`);
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <FilterBox
        state={list.state}
        dispatch={list.dispatch}
        fields="user_id, username, email, name, role, created_at"
        example="role eq 'manager'"
      />
      {!editing && <ErrorAlert error={actionError ?? list.error} />}
      <p class="status" role="status">{status}</p>
      <div class="table-wrap" aria-busy={list.loading}>
        {/* Explicit roles: on phones the rows are cards (see styles.css). */}
        <table class="users" role="table">
          <caption class="sr-only">Accounts</caption>
          <thead role="rowgroup">
            <tr role="row">
              <SortHeader label="Username" col={column('username')} sort={s} onSort={sort} />
              <SortHeader label="Name" col={column('name')} sort={s} onSort={sort} />
              <SortHeader label="Email" col={column('email')} sort={s} onSort={sort} />
              <SortHeader label="Role" col={column('role')} sort={s} onSort={sort} />
              <SortHeader label="Created" col={column('created_at')} sort={s} onSort={sort} />
              <th scope="col" role="columnheader">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {list.items?.map((u) => (
              <tr key={u.user_id} role="row">
                <td role="cell" class="c-user nowrap">{u.username}</td>
                <td role="cell" class="c-name">{u.name ?? ''}</td>
                <td role="cell" class="c-email">{u.email ?? ''}</td>
                <td role="cell" class="c-role">
                  {admin ? (
                    <select
                      aria-label="Role"
                      value={u.role}
                      onChange={(e) => changeRole(u, e.currentTarget.value as Role)}
                    >
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    u.role
                  )}
                </td>
                <td role="cell" class="c-created nowrap">{formatTimestampDate(u.created_at)}</td>
                <RowActions onEdit={() => setEditing(u)} onDelete={() => setDeleting(u)} />
              </tr>
            ))}
          </tbody>
        </table>
        {list.loading && list.items === null && !list.error && <p class="empty">Loading users…</p>}
        {list.items?.length === 0 && <p class="empty">No users match.</p>}
      </div>
      <Pager info={list.info} noun={['user', 'users']} onPage={(p) => list.dispatch({ type: 'page', page: p })} />
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.username}?`}
          message="The account can no longer sign in and its runs are hidden. This cannot be undone here."
          confirmLabel="Delete user"
          busy={busy}
          onConfirm={remove}
          onCancel={() => setDeleting(null)}
        />
      )}
    </main>
  );
}

/** A manager or admin changes someone's name, e-mail or sets a new password. */
function UserForm({ user, onSaved, onCancel }: { user: User; onSaved: () => void; onCancel: () => void }) {
  const [name, setName] = useState(user.name ?? '');
  const [email, setEmail] = useState(user.email ?? '');
  const [password, setPassword] = useState('');
  const [current, setCurrent] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  // Changing one's own password needs the current one, even for an admin.
  const self = user.user_id === session.me?.user_id;
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, string | null> = {};
    if (name.trim() !== (user.name ?? '')) body.name = name.trim() || null;
    if (email.trim() !== (user.email ?? '')) body.email = email.trim() || null;
    if (password) body.password = password;
    if (password && self) body.current_password = current;
    setBusy(true);
    try {
      if (Object.keys(body).length) await api('PATCH', `/users/${user.user_id}`, { body });
      // A new password of one's own revoked this browser's refresh cookie too.
      if (self && password) await session.login(user.username, password);
      onSaved();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <section
      class="card"
      aria-labelledby="user-form-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h2 id="user-form-title">Edit {user.username}</h2>
      <form class="grid-form" onSubmit={submit} aria-busy={busy}>
        <ErrorAlert error={error} labels={{ name: 'Name', email: 'Email', password: 'New password', current_password: 'Current password' }} />
        <div class="field">
          <label for="uf-name">Name</label>
          <input ref={first} id="uf-name" type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="uf-email">Email</label>
          <input id="uf-email" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="uf-password">New password</label>
          <input id="uf-password" type="password" autocomplete="new-password" aria-describedby="uf-password-hint"
            value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          <p class="hint" id="uf-password-hint">Leave empty to keep the current password.</p>
        </div>
        {self && password !== '' && (
          <div class="field">
            <label for="uf-current">Current password</label>
            <input id="uf-current" type="password" autocomplete="current-password" value={current}
              onInput={(e) => setCurrent(e.currentTarget.value)} />
          </div>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>Save</button>
          <button type="button" class="secondary" onClick={onCancel}>Cancel</button>
        </div>
      </form>
    </section>
  );
}
