import { render } from 'preact';
import { session } from './api/session';
import { App } from './App';
import './styles.css';

const root = document.getElementById('app')!;

// Show "Loading…" while a refresh cookie, if any, signs the person back in.
render(<App ready={false} />, root);
session
  .restore()
  .catch(() => undefined)
  .finally(() => render(<App ready />, root));

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') session.wake();
});
