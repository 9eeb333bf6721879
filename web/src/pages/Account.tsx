import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { ApiError } from '../api/http';
import { session } from '../api/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorAlert, toApiError } from '../components/ErrorAlert';
import { formatTimestampDate } from '../lib/format';
import { navigate } from '../lib/router';
import { usePageTitle } from '../lib/usePageTitle';

export function Account() {
  usePageTitle('Account');
  const me = session.me!;
  const [name, setName] = useState(me.name ?? '');
  const [email, setEmail] = useState(me.email ?? '');
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const patch = async (body: Record<string, string | null>, done: string) => {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      await api('PATCH', `/users/${me.user_id}`, { body });
      setStatus(done);
      return true;
    } catch (e) {
      setError(toApiError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const saveProfile = async (e: Event) => {
    e.preventDefault();
    const body: Record<string, string | null> = {};
    if (name.trim() !== (me.name ?? '')) body.name = name.trim() || null;
    if (email.trim() !== (me.email ?? '')) body.email = email.trim() || null;
    if (!Object.keys(body).length) {
      setStatus('Nothing to save: the name and email are unchanged.');
      return;
    }
    if (await patch(body, 'Your name and email have been saved.')) await session.loadMe();
  };

  const changePassword = async (e: Event) => {
    e.preventDefault();
    if (!current || !password) {
      setError('Enter your current password and the new one.');
      return;
    }
    if (await patch({ current_password: current, password }, 'Your password has been changed.')) {
      setCurrent('');
      setPassword('');
      // The change revoked every refresh token, this browser's too: sign in
      // again with the new password so the session does not end at the next
      // refresh.
      try {
        await session.login(me.username, password);
      } catch {
        session.expire('Your password has been changed. Please sign in with the new one.');
      }
    }
  };

  const deleteAccount = async () => {
    setBusy(true);
    try {
      await api('DELETE', `/users/${me.user_id}`);
      await session.logout('Your account has been deleted.');
      navigate('/app/', true);
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <main id="main">
      <div class="page-head">
        <h1 tabIndex={-1}>Account</h1>
      </div>
      <p class="muted">
        Signed in as <strong>{me.username}</strong> ({session.role}), member since {formatTimestampDate(me.created_at)}.
      </p>
      {!confirming && <ErrorAlert error={error} labels={{ name: 'Name', email: 'Email', password: 'New password', current_password: 'Current password' }} />}
      <p class="status" role="status">{status}</p>
      <div class="cards">
        <section class="card" aria-labelledby="profile-title">
          <h2 id="profile-title">Profile</h2>
          <form class="stack" onSubmit={saveProfile} aria-busy={busy}>
            <div class="field">
              <label for="ac-name">Name</label>
              <input id="ac-name" type="text" autocomplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="ac-email">Email</label>
              <input id="ac-email" type="email" autocomplete="email" value={email}
                onInput={(e) => setEmail(e.currentTarget.value)} />
            </div>
            <button type="submit" disabled={busy}>Save changes</button>
          </form>
        </section>
        <section class="card" aria-labelledby="password-title">
          <h2 id="password-title">Password</h2>
          <form class="stack" onSubmit={changePassword} aria-busy={busy}>
            <input type="text" autocomplete="username" value={me.username} hidden readOnly />
            <div class="field">
              <label for="ac-current">Current password</label>
              <input id="ac-current" type="password" autocomplete="current-password" value={current}
                onInput={(e) => setCurrent(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="ac-password">New password</label>
              <input id="ac-password" type="password" autocomplete="new-password" aria-describedby="ac-password-hint"
                value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
              <p class="hint" id="ac-password-hint">At least 8 characters. Other signed-in devices will be signed out.</p>
            </div>
            <button type="submit" disabled={busy}>Change password</button>
          </form>
        </section>
        <section class="card danger-zone" aria-labelledby="delete-title">
          <h2 id="delete-title">Delete account</h2>
          <p>Your runs will no longer be visible and you will be signed out.</p>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete my account
          </button>
        </section>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Delete your account?"
          message="You will be signed out and will not be able to sign in again with this account."
          confirmLabel="Delete account"
          busy={busy}
          onConfirm={deleteAccount}
          onCancel={() => setConfirming(false)}
        />
      )}
    </main>
  );
}
