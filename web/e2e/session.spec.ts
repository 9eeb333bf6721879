// Journeys 5, 6 and 7: the browser session (SPEC §5 "Browser sessions").
// The refresh token lives only in the HttpOnly cookie `jogtrack_refresh` (Path=/auth),
// the access token only in the page's memory.
import type { BrowserContext, Page } from '@playwright/test';
import {
  test,
  expect,
  signIn,
  goTo,
  table,
  rowWith,
  expectSignInForm,
  expectSignedIn,
  shortTtlUrl,
  shortTtlSeconds,
} from './fixtures';

const OSLO = '59.9139 10.7522';
const COOKIE = 'jogtrack_refresh';

async function refreshCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === COOKIE);
}

/** Nothing token-like in Web Storage: the access token stays in memory (SPEC §5). */
async function expectNoTokensInStorage(page: Page): Promise<void> {
  const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
  expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // a JWT
  expect(stored).not.toMatch(/refresh|access_token/i);
}

test('journey 5: sign out ends the session: back to sign in, a reload stays out, the cookie is gone', async ({ page, context, api }) => {
  const me = await api.register();
  await signIn(page, me);

  const cookie = await refreshCookie(context);
  expect(cookie, `the ${COOKIE} cookie after sign-in`).toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe('Strict');
  expect(cookie!.path).toBe('/auth');
  expect(cookie!.secure).toBe(true); // JOGTRACK_COOKIE_SECURE left at its default

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expectSignInForm(page);
  await expect.poll(async () => (await refreshCookie(context))?.value ?? null).toBeNull();

  await page.reload();
  await expectSignInForm(page);
  await page.goto('/app/runs');
  await expectSignInForm(page);

  // The server revoked it too: the old cookie value no longer refreshes.
  const reuse = await api.http.post('/auth/refresh', { data: { refresh_token: cookie!.value } });
  expect(reuse.status()).toBe(401);
});

test('journey 6: a reload keeps the person signed in through the refresh cookie', async ({ page, context, api }) => {
  const me = await api.register();
  await api.addRun(me, { date: '2024-06-03', distance: 6000, time: 1860, location: OSLO }); // 0:31:00
  await signIn(page, me, '/app/runs');
  await expect(rowWith(table(page), '0:31:00')).toHaveCount(1);
  await expectNoTokensInStorage(page);

  // Reload: the page lost its in-memory token and gets a new one with the cookie.
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/auth/refresh') && r.request().method() === 'POST');
  await page.reload();
  expect((await refreshed).status()).toBe(200);
  await expectSignedIn(page);
  await expect(rowWith(table(page), '0:31:00')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toHaveCount(0);

  // A deep link in a new tab of the same browser: signed in too.
  const tab = await context.newPage();
  await tab.goto('/app/report');
  await expectSignedIn(tab);
  await expect(tab.getByRole('img', { name: 'Weekly distance and average speed', exact: true })).toBeVisible();
  await tab.close();

  // How long from navigation to a rendered runs table (loopback, warm server): printed for the report.
  await page.addInitScript(() => {
    const w = window as unknown as { __runsTableAt?: number };
    const seen = () => {
      if (w.__runsTableAt === undefined && document.querySelector('table td, [role=table] [role=cell]')) {
        w.__runsTableAt = performance.now();
      }
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true, characterData: true });
  });
  const samples: string[] = [];
  for (let i = 0; i < 3; i++) {
    await page.goto('/app/runs');
    await expect(rowWith(table(page), '0:31:00')).toHaveCount(1);
    const [dcl, rendered] = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return [nav.domContentLoadedEventEnd, (window as unknown as { __runsTableAt?: number }).__runsTableAt ?? -1];
    });
    expect(rendered).toBeGreaterThan(0);
    samples.push(`${Math.round(rendered)} ms (DOMContentLoaded ${Math.round(dcl)} ms)`);
  }
  console.log(`[e2e] navigation → rendered runs table (new page load, incl. /auth/refresh): ${samples.join('; ')}`);
  test.info().annotations.push({ type: 'runs table rendered after', description: samples.join('; ') });
  await expectNoTokensInStorage(page);
});

test('journey 7: an expired access token is refreshed silently', async ({ page, context, shortApi }) => {
  const ttl = shortTtlSeconds();
  const base = shortTtlUrl();
  const me = await shortApi.register();
  await shortApi.addRun(me, { date: '2024-06-10', distance: 4000, time: 1200, location: OSLO }); // 0:20:00

  const refreshes: number[] = [];
  page.on('response', (r) => {
    if (r.url() === `${base}/auth/refresh` && r.request().method() === 'POST') refreshes.push(r.status());
  });

  await signIn(page, me, `${base}/app/runs`);
  await expect(rowWith(table(page), '0:20:00')).toHaveCount(1);

  // Two rounds: each outlives the access token; the second also proves the rotated cookie works.
  for (let round = 1; round <= 2; round++) {
    const before = refreshes.length;
    const cookieBefore = (await refreshCookie(context))?.value;
    expect(cookieBefore, `round ${round}: the refresh cookie is set`).toBeTruthy();
    await page.waitForTimeout((ttl + 1.5) * 1000); // the one wait of the suite: the token must really expire
    await goTo(page, 'Weekly report');
    await expect(page.getByRole('img', { name: 'Weekly distance and average speed', exact: true })).toBeVisible();
    await goTo(page, 'Runs');
    await expect(rowWith(table(page), '0:20:00')).toHaveCount(1);
    await expectSignedIn(page);
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(refreshes.length, `round ${round}: a /auth/refresh request happened`).toBeGreaterThan(before);
    expect(refreshes.slice(before).every((s) => s === 200), `refresh answers ${refreshes}`).toBe(true);
    // Rotation: the browser holds the new refresh token, not the spent one.
    const cookieAfter = (await refreshCookie(context))?.value;
    expect(cookieAfter, `round ${round}: a rotated refresh cookie`).toBeTruthy();
    expect(cookieAfter).not.toBe(cookieBefore);
  }
});

test('sign-in and registration errors appear in an alert', async ({ page, api }) => {
  const taken = await api.register();
  await page.goto('/app/');
  await page.getByLabel('Username', { exact: true }).fill(taken.username);
  await page.getByLabel('Password', { exact: true }).fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expectSignInForm(page);

  // A taken username: the API's 409 is shown, nothing is created.
  const res = await api.http.post('/users', { data: { username: taken.username, password: 'another long password' } });
  expect(res.status()).toBe(409);
  await page.getByRole('link', { name: 'Create an account', exact: true }).click();
  await page.getByLabel('Username', { exact: true }).fill(taken.username);
  await page.getByLabel('Password', { exact: true }).fill('another long password');
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('alert')).toContainText(/taken|exists|in use/i);
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(0);
});
