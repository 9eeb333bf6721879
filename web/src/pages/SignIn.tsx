import { useState } from 'preact/hooks';
import { ApiError, request } from '../api/http';
import { session } from '../api/session';
import { ErrorAlert, toApiError } from '../components/ErrorAlert';
import { Link } from '../lib/router';
import { usePageTitle } from '../lib/usePageTitle';

export function SignIn() {
  usePageTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | string | null>(session.notice);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.login(username.trim(), password);
    } catch (err) {
      const apiErr = toApiError(err);
      setError(apiErr.status === 401 ? 'Wrong username or password.' : apiErr);
      setBusy(false);
    }
  };

  return (
    <main class="auth-page" id="main">
      <h1 tabIndex={-1}>Sign in to jogtrack</h1>
      <form class="card stack" onSubmit={submit} aria-busy={busy}>
        <ErrorAlert error={error} />
        <div class="field">
          <label for="si-username">Username</label>
          <input id="si-username" type="text" autocomplete="username" required value={username}
            onInput={(e) => setUsername(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="si-password">Password</label>
          <input id="si-password" type="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      <p class="auth-switch">
        New here? <Link href="/app/register">Create an account</Link>
      </p>
    </main>
  );
}

const registerLabels = { username: 'Username', password: 'Password', email: 'Email', name: 'Name' };

export function Register() {
  usePageTitle('Create an account');
  const [form, setForm] = useState({ username: '', password: '', email: '', name: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, string> = { username: form.username.trim(), password: form.password };
    if (form.email.trim()) body.email = form.email.trim();
    if (form.name.trim()) body.name = form.name.trim();
    try {
      await request('POST', '/users', { body });
      // Straight in: making people type what they just chose helps no one.
      await session.login(body.username, body.password);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <main class="auth-page" id="main">
      <h1 tabIndex={-1}>Create an account</h1>
      <form class="card stack" onSubmit={submit} aria-busy={busy}>
        <ErrorAlert error={error} labels={registerLabels} />
        <div class="field">
          <label for="rg-username">Username</label>
          <input id="rg-username" type="text" autocomplete="username" required minLength={3} maxLength={64}
            aria-describedby="rg-username-hint" value={form.username} onInput={set('username')} />
          <p class="hint" id="rg-username-hint">3–64 letters, digits or . _ @ + -</p>
        </div>
        <div class="field">
          <label for="rg-password">Password</label>
          <input id="rg-password" type="password" autocomplete="new-password" required minLength={8} maxLength={128}
            aria-describedby="rg-password-hint" value={form.password} onInput={set('password')} />
          <p class="hint" id="rg-password-hint">At least 8 characters; a common password is refused.</p>
        </div>
        <div class="field">
          <label for="rg-email">Email</label>
          <input id="rg-email" type="email" autocomplete="email" value={form.email} onInput={set('email')} />
        </div>
        <div class="field">
          <label for="rg-name">Name</label>
          <input id="rg-name" type="text" autocomplete="name" value={form.name} onInput={set('name')} />
        </div>
        <button type="submit" disabled={busy}>Create account</button>
      </form>
      <p class="auth-switch">
        Already have an account? <Link href="/app/">Sign in</Link>
      </p>
    </main>
  );
}
