import { useEffect, useState } from 'preact/hooks';
import { session } from './api/session';
import type { User } from './api/types';
import { Link, navigate, usePath } from './lib/router';
import { Account } from './pages/Account';
import { Report } from './pages/Report';
import { Runs } from './pages/Runs';
import { Register, SignIn } from './pages/SignIn';
import { Users } from './pages/Users';

/** Re-renders whenever the session changes (sign in, sign out, expiry). */
function useSession() {
  const [, setTick] = useState(0);
  useEffect(() => session.subscribe(() => setTick((t) => t + 1)), []);
  return session;
}

export function App({ ready }: { ready: boolean }) {
  const s = useSession();
  const path = usePath();

  if (!ready) {
    return (
      <main class="auth-page" id="main" aria-busy="true">
        <p class="loading">Loading…</p>
      </main>
    );
  }
  if (!s.signedIn) return path === '/app/register' ? <Register /> : <SignIn />;
  return <SignedIn path={path} />;
}

const pages = [
  { href: '/app/runs', label: 'Runs' },
  { href: '/app/report', label: 'Weekly report' },
  { href: '/app/users', label: 'Users', staff: true },
  { href: '/app/account', label: 'Account' },
];

function SignedIn({ path }: { path: string }) {
  const role = session.role;
  const staff = role === 'manager' || role === 'admin';
  // Whose runs an admin is looking at; shared by the runs and report pages.
  const [subject, setSubject] = useState<User | null>(null);

  useEffect(() => {
    // The sign-in and sign-up addresses, /app/ itself and pages this role
    // may not see lead to the runs.
    if (!pages.some((p) => p.href === path && (!p.staff || staff))) navigate('/app/runs', true);
  }, [path, staff]);

  const signOut = async () => {
    await session.logout();
    navigate('/app/', true);
  };

  let page;
  if (path === '/app/report') page = <Report subject={subject} onSubject={setSubject} />;
  else if (path === '/app/users' && staff) page = <Users />;
  else if (path === '/app/account') page = <Account />;
  else page = <Runs subject={subject} onSubject={setSubject} />;

  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand" aria-hidden="true">jogtrack</span>
        <nav aria-label="Main">
          <ul>
            {pages
              .filter((p) => !p.staff || staff)
              .map((p) => (
                <li key={p.href}>
                  <Link href={p.href} aria-current={path === p.href ? 'page' : undefined}>
                    {p.label}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <div class="who">
          <span class="who-name">
            {session.me?.name || session.me?.username}
            {role !== 'user' && <span class="badge">{role}</span>}
          </span>
          <button type="button" class="secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      {page}
    </>
  );
}
