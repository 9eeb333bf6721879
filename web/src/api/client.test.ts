import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './client';
import { session } from './session';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** A fake server: answers by "METHOD path" from queues, and records each request. */
function fakeFetch(routes: Record<string, Reply[]>) {
  const calls: { key: string; auth: string | null; body: unknown }[] = [];
  const fn = vi.fn(async (url: string, init: RequestInit) => {
    const key = `${init.method} ${url.split('?')[0]}`;
    const headers = init.headers as Record<string, string>;
    calls.push({ key, auth: headers.Authorization ?? null, body: init.body ? JSON.parse(init.body as string) : undefined });
    const reply = routes[key]?.shift() ?? { status: 404, body: { detail: `no fake for ${key}` } };
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: reply.headers,
    });
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

const tokens = (t: string) => ({ status: 200, body: { access_token: t, token_type: 'Bearer', expires_in: 900 } });
const me = { status: 200, body: { me: { user_id: 7, username: 'jo', name: null, email: null, scopes: ['user'], created_at: '' } } };

describe('api client and session', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(async () => {
    fakeFetch({ 'POST /auth/logout': [{ status: 204 }] });
    await session.logout();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('signs in with the cookie session and keeps the token in memory', async () => {
    const calls = fakeFetch({ 'POST /auth': [tokens('A')], 'GET /auth/me': [me] });
    await session.login('jo', 'secret pass');
    expect(calls[0].body).toEqual({ username: 'jo', password: 'secret pass', session: 'cookie' });
    expect(calls[1].auth).toBe('Bearer A');
    expect(session.signedIn).toBe(true);
    expect(session.role).toBe('user');
  });

  it('on a 401 refreshes once with the cookie and retries', async () => {
    fakeFetch({ 'POST /auth': [tokens('A')], 'GET /auth/me': [me] });
    await session.login('jo', 'secret pass');
    const calls = fakeFetch({
      'GET /results': [{ status: 401, body: { detail: 'expired' } }, { status: 200, body: [] }],
      'POST /auth/refresh': [tokens('B')],
    });
    const res = await api('GET', '/results');
    expect(res.data).toEqual([]);
    expect(calls.map((c) => [c.key, c.auth])).toEqual([
      ['GET /results', 'Bearer A'],
      ['POST /auth/refresh', null],
      ['GET /results', 'Bearer B'],
    ]);
    expect(calls[1].body).toEqual({});
  });

  it('concurrent 401s share one refresh (a rotated cookie must never be sent twice)', async () => {
    fakeFetch({ 'POST /auth': [tokens('A')], 'GET /auth/me': [me] });
    await session.login('jo', 'secret pass');
    const calls = fakeFetch({
      'GET /results': [{ status: 401 }, { status: 401 }, { status: 200, body: [] }, { status: 200, body: [] }],
      'POST /auth/refresh': [tokens('B')],
    });
    await Promise.all([api('GET', '/results'), api('GET', '/results')]);
    expect(calls.filter((c) => c.key === 'POST /auth/refresh')).toHaveLength(1);
  });

  it('ends the session when the refresh is refused', async () => {
    fakeFetch({ 'POST /auth': [tokens('A')], 'GET /auth/me': [me] });
    await session.login('jo', 'secret pass');
    fakeFetch({ 'GET /results': [{ status: 401 }], 'POST /auth/refresh': [{ status: 401 }] });
    await expect(api('GET', '/results')).rejects.toMatchObject({ status: 401 });
    expect(session.signedIn).toBe(false);
    expect(session.notice).toMatch(/sign in again/);
  });

  it('refreshes on its own before the token runs out', async () => {
    fakeFetch({ 'POST /auth': [tokens('A')], 'GET /auth/me': [me] });
    await session.login('jo', 'secret pass');
    const promoted = { status: 200, body: { me: { ...me.body.me, scopes: ['user', 'manager'] } } };
    const calls = fakeFetch({ 'POST /auth/refresh': [tokens('B')], 'GET /auth/me': [promoted] });
    await vi.advanceTimersByTimeAsync(840_000);
    expect(calls.map((c) => [c.key, c.auth])).toEqual([
      ['POST /auth/refresh', null],
      ['GET /auth/me', 'Bearer B'],
    ]);
    expect(session.accessToken).toBe('B');
    // A role changed meanwhile shows without a reload.
    expect(session.role).toBe('manager');
  });

  it('shows the problem detail and the field errors', async () => {
    fakeFetch({
      'POST /users': [
        {
          status: 400,
          body: { title: 'Bad', status: 400, detail: 'Invalid input.', errors: [{ field: 'password', message: 'too common' }] },
        },
      ],
    });
    await expect(api('POST', '/users', { body: {} })).rejects.toMatchObject({
      status: 400,
      message: 'Invalid input.',
      errors: [{ field: 'password', message: 'too common' }],
    });
  });

  it('adds Retry-After to busy answers and the request id to server faults', async () => {
    fakeFetch({
      'POST /auth': [
        { status: 429, body: { detail: 'Too many attempts.' }, headers: { 'Retry-After': '60' } },
        { status: 500, body: { detail: 'Internal error.' }, headers: { 'X-Request-Id': 'abc123' } },
      ],
    });
    await expect(session.login('jo', 'x')).rejects.toMatchObject({ message: 'Too many attempts. Try again in 60 seconds.' });
    await expect(session.login('jo', 'x')).rejects.toMatchObject({ message: 'Internal error. (Reference: abc123)' });
  });
});
