// The signed-in session. The access token lives in this module's memory only
// (never localStorage or sessionStorage, where any injected script could read
// it); the refresh token is the HttpOnly cookie `jogtrack_refresh`
// (Path=/auth), which the browser sends to /auth/refresh and /auth/logout and
// no script can read.

import { ApiError, request } from './http';
import { RefreshTimer } from '../lib/refreshTimer';
import { highestRole, type Me, type Role, type Tokens } from './types';

type Listener = () => void;

class Session {
  accessToken: string | null = null;
  me: Me | null = null;
  /** Shown on the sign-in page after the session ended on its own. */
  notice: string | null = null;

  private listeners = new Set<Listener>();
  private inflight: Promise<boolean> | null = null;
  private timer = new RefreshTimer(() => void this.renewInBackground());
  // The cookie is shared by every tab of this browser: signing out in one
  // signs all of them out, at once rather than at their next request.
  private tabs = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('jogtrack-session') : null;

  constructor() {
    this.tabs?.addEventListener('message', (e: MessageEvent) => {
      if (e.data === 'signed-out') this.expire('You signed out in another tab.');
    });
  }

  get role(): Role {
    return highestRole(this.me?.scopes ?? []);
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async login(username: string, password: string): Promise<void> {
    const { data } = await request<Tokens>('POST', '/auth', {
      body: { username, password, session: 'cookie' },
    });
    this.accept(data);
    await this.loadMe();
  }

  /** On page load: a still-valid refresh cookie signs the person in again. */
  async restore(): Promise<void> {
    if (await this.refresh()) {
      try {
        await this.loadMe();
      } catch {
        this.clear();
      }
    }
    this.emit();
  }

  /**
   * Gets a new access token with the refresh cookie. Concurrent callers share
   * one request, and tabs take turns (Web Locks): the server rotates the
   * cookie on each refresh and treats a rotated one presented again as theft,
   * revoking the whole session, so two refreshes must never race.
   */
  refresh(): Promise<boolean> {
    this.inflight ??= this.lockedRefresh().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Ends the session here and on the server; `notice` is shown on the sign-in page. */
  async logout(notice: string | null = null): Promise<void> {
    this.timer.cancel();
    try {
      await request('POST', '/auth/logout', { body: {} });
    } catch {
      // Signing out locally must work even when the server cannot be reached.
    }
    this.tabs?.postMessage('signed-out');
    this.clear();
    this.notice = notice;
    this.emit();
  }

  /** The server no longer accepts us: back to the sign-in page, saying why. */
  expire(message = 'Your session has ended. Please sign in again.'): void {
    if (!this.me && !this.accessToken) return;
    this.clear();
    this.notice = message;
    this.emit();
  }

  /** Signed in, with the profile loaded: the app shows its signed-in pages. */
  get signedIn(): boolean {
    return this.accessToken !== null && this.me !== null;
  }

  async loadMe(): Promise<void> {
    const { data } = await request<{ me: Me }>('GET', '/auth/me', { token: this.accessToken });
    this.me = data.me;
    this.notice = null;
    this.emit();
  }

  /** Visible again after being hidden: renew now if the timer is overdue. */
  wake(): void {
    this.timer.wake();
  }

  private async lockedRefresh(): Promise<boolean> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    return locks ? locks.request('jogtrack-refresh', () => this.doRefresh()) : this.doRefresh();
  }

  private async doRefresh(): Promise<boolean> {
    try {
      const { data } = await request<Tokens>('POST', '/auth/refresh', { body: {} });
      this.accept(data);
      return true;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 400)) {
        this.timer.cancel();
        this.accessToken = null;
        return false;
      }
      throw e;
    }
  }

  private async renewInBackground(): Promise<void> {
    try {
      if (!(await this.refresh())) {
        this.expire();
        return;
      }
    } catch {
      // Network trouble or a busy server: keep the token we have and retry.
      this.timer.retryIn(15_000);
      return;
    }
    // Pick up a role or name changed meanwhile (by an admin, or in another
    // tab); if that fails, the profile we have is still good enough.
    await this.loadMe().catch(() => undefined);
  }

  private accept(tokens: Tokens): void {
    this.accessToken = tokens.access_token;
    this.timer.schedule(tokens.expires_in);
  }

  private clear(): void {
    this.timer.cancel();
    this.accessToken = null;
    this.me = null;
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }
}

export const session = new Session();
