// Shared fixtures and helpers. Every spec imports `test` and `expect` from here.
//
// Locators use the accessible names of SPEC §5 (roles, labels, button and link
// names) and nothing of the app's markup, so they hold whatever the app's
// components look like, and a renamed control fails here first.
import { test as base, expect, request as playwrightRequest, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export { expect };

export const PASSWORD = 'correct horse battery staple';
export { ADMIN, MANAGER } from './accounts';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through playwright.config.ts (its global setup sets it)`);
  return v;
}

export const serverUrl = () => required('JOGTRACK_E2E_URL');
export const shortTtlUrl = () => required('JOGTRACK_E2E_SHORT_TTL_URL');
export const shortTtlSeconds = () => Number(required('JOGTRACK_E2E_SHORT_TTL'));
export const repoRoot = () => required('JOGTRACK_E2E_ROOT');

let counter = 0;
/** A username no other test (or worker) uses: letters, digits and `._@+-`, 3–64 characters. */
export function uniqueName(prefix = 'runner'): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface RunInput {
  date: string;
  distance: number; // metres
  time: number; // seconds
  location: string; // "LAT LON"
}

export interface Run extends RunInput {
  result_id: number;
  user_id: number;
  speed: number;
  condition: { summary: string; [k: string]: unknown };
}

export interface Account {
  user_id: number;
  username: string;
  password: string;
  token: string;
}

/** The REST API, straight (Bearer tokens in the body flow, no cookies): seeds data and checks what the UI did. */
export class Api {
  constructor(readonly http: APIRequestContext) {}

  private async json<T>(res: Awaited<ReturnType<APIRequestContext['get']>>, what: string, status: number): Promise<T> {
    const text = await res.text();
    expect(res.status(), `${what}: ${text}`).toBe(status);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async register(username = uniqueName(), password = PASSWORD, extra: Record<string, string> = {}): Promise<Account> {
    const user = await this.json<{ user_id: number }>(
      await this.http.post('/users', { data: { username, password, ...extra } }),
      `POST /users ${username}`,
      201,
    );
    const token = await this.login(username, password);
    return { user_id: user.user_id, username, password, token };
  }

  async login(username: string, password: string): Promise<string> {
    const body = await this.json<{ access_token: string }>(
      await this.http.post('/auth', { data: { username, password } }),
      `POST /auth ${username}`,
      200,
    );
    return body.access_token;
  }

  async account(who: { username: string; password: string }): Promise<Account> {
    const token = await this.login(who.username, who.password);
    const me = await this.json<{ me: { user_id: number } }>(
      await this.http.get('/auth/me', { headers: auth(token) }),
      'GET /auth/me',
      200,
    );
    return { user_id: me.me.user_id, username: who.username, password: who.password, token };
  }

  async addRun(who: Account, run: RunInput, forUserId?: number): Promise<Run> {
    const data = forUserId === undefined ? run : { ...run, user_id: forUserId };
    return this.json<Run>(await this.http.post('/results', { data, headers: auth(who.token) }), 'POST /results', 201);
  }

  async runs(who: Account, params: Record<string, string | number> = {}): Promise<Run[]> {
    return this.json<Run[]>(
      await this.http.get('/results', { params: { count: 1000, ...params }, headers: auth(who.token) }),
      'GET /results',
      200,
    );
  }

  async user(who: Account, id: number): Promise<{ user_id: number; username: string; name?: string; email?: string; role: string; scopes: string[] }> {
    return this.json(await this.http.get(`/users/${id}`, { headers: auth(who.token) }), `GET /users/${id}`, 200);
  }

  /** The problem+json `detail` the API answers for a bad run filter. */
  async filterError(who: Account, filter: string, path = '/results'): Promise<string> {
    const body = await this.json<{ detail: string }>(
      await this.http.get(path, { params: { filter }, headers: auth(who.token) }),
      `GET ${path}?filter=${filter}`,
      400,
    );
    return body.detail;
  }
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

type Fixtures = { api: Api; shortApi: Api };

export const test = base.extend<Fixtures>({
  // Known only once global-setup.ts has started the server.
  baseURL: async ({}, use) => use(serverUrl()),
  // Every journey also checks what a person would not see: no uncaught exception, no
  // console error (a CSP violation is one), and no request leaving this machine (SPEC §5:
  // no CDN, the page works with no Internet access). A failed fetch's own
  // "Failed to load resource" line is left out: 4xx answers are part of the journeys.
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
        problems.push(`console.error: ${m.text()}`);
      }
    });
    page.on('request', (r) => {
      const url = new URL(r.url());
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '127.0.0.1') {
        problems.push(`request off this machine: ${r.url()}`);
      }
    });
    await use(page);
    expect(problems, 'page errors, console errors or off-site requests').toEqual([]);
  },
  api: async ({}, use) => {
    const http = await playwrightRequest.newContext({ baseURL: serverUrl() });
    await use(new Api(http));
    await http.dispose();
  },
  shortApi: async ({}, use) => {
    const http = await playwrightRequest.newContext({ baseURL: shortTtlUrl() });
    await use(new Api(http));
    await http.dispose();
  },
});

// ---- the UI ----------------------------------------------------------------------------------

/** The sign-in form is on screen (and nobody is signed in). */
export async function expectSignInForm(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(page.getByLabel('Username', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(0);
}

/** Signed in: the navigation with the app's pages, and Sign out. */
export async function expectSignedIn(page: Page): Promise<void> {
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Runs', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Weekly report', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Account', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
}

/** Fills and sends the sign-in form (the page must show it). */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Opens the app at `where` (default /app/), signs in there and waits for the signed-in view. */
export async function signIn(page: Page, who: { username: string; password: string }, where = '/app/'): Promise<void> {
  await page.goto(where);
  await submitSignIn(page, who.username, who.password);
  await expectSignedIn(page);
}

export async function goTo(page: Page, link: 'Runs' | 'Weekly report' | 'Account' | 'Users'): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
}

/** The page's one table (runs, weekly report or users). */
export const table = (page: Page) => page.getByRole('table');

/**
 * The data rows of a table: rows with at least two cells, so neither the header row
 * nor a one-cell "nothing here" row counts.
 */
export function dataRows(t: Locator): Locator {
  return t.getByRole('row').filter({ has: t.page().getByRole('cell').nth(1) });
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A column header by its SPEC name; a sort indicator or extra words after the name are allowed. */
export function columnHeader(t: Locator, name: string): Locator {
  return t.getByRole('columnheader', { name: new RegExp(`^\\s*${escapeRe(name)}\\b`, 'i') });
}

/** The 0-based position of a column, by its header name. */
export async function columnIndex(t: Locator, name: string): Promise<number> {
  const headers = await t.getByRole('columnheader').allInnerTexts();
  const i = headers.findIndex((h) => new RegExp(`^\\s*${escapeRe(name)}\\b`, 'i').test(h));
  expect(i, `column "${name}" among ${JSON.stringify(headers)}`).toBeGreaterThanOrEqual(0);
  return i;
}

/** The cell of `row` under the column header `name` (a row header counts as a cell). */
export async function cell(row: Locator, name: string): Promise<Locator> {
  const t = row.page().getByRole('table');
  const i = await columnIndex(t, name);
  return row.locator(':scope > th, :scope > td, :scope > [role=cell], :scope > [role=rowheader], :scope > [role=gridcell]').nth(i);
}

/** The texts of one column, top to bottom. */
export async function columnTexts(t: Locator, name: string): Promise<string[]> {
  const i = await columnIndex(t, name);
  const rows = dataRows(t);
  const out: string[] = [];
  for (const row of await rows.all()) {
    out.push(
      (await row.locator(':scope > th, :scope > td, :scope > [role=cell], :scope > [role=rowheader], :scope > [role=gridcell]').nth(i).innerText()).trim(),
    );
  }
  return out;
}

/** The data row that shows a run's time (h:mm:ss is unique per run in these tests). */
export function rowWith(t: Locator, text: string): Locator {
  return dataRows(t).filter({ hasText: text });
}

/** Types a filter into the `Filter` box and applies it (Enter). */
export async function applyFilter(page: Page, filter: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Filter', exact: true });
  await box.fill(filter);
  await box.press('Enter');
}

export interface RunForm {
  date: string;
  km: string;
  time: string;
  location: string;
}

/** Fills the run form (`Date`, `Distance (km)`, `Time`, `Location`) and presses `Save`. */
export async function fillRunForm(page: Page, run: Partial<RunForm>): Promise<void> {
  if (run.date !== undefined) await page.getByLabel('Date', { exact: true }).fill(run.date);
  if (run.km !== undefined) await page.getByLabel('Distance (km)', { exact: true }).fill(run.km);
  if (run.time !== undefined) await page.getByLabel('Time', { exact: true }).fill(run.time);
  if (run.location !== undefined) await page.getByLabel('Location', { exact: true }).fill(run.location);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

/** `Add run`, the form, `Save`; waits until the form has gone (the run is stored). */
export async function addRunInUi(page: Page, run: RunForm): Promise<void> {
  await page.getByRole('button', { name: 'Add run', exact: true }).click();
  await fillRunForm(page, run);
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0, { timeout: 10_000 });
}

/**
 * Presses a row's `Delete` and confirms. SPEC: "delete asks to confirm" — either the
 * browser's confirm() or an in-page (alert)dialog; one of them must appear, and with
 * an in-page one the row must still be there until it is answered.
 */
export async function deleteRowConfirmed(page: Page, row: Locator, button = 'Delete'): Promise<void> {
  const native = page
    .waitForEvent('dialog', { timeout: 3_000 })
    .then(async (d) => {
      const type = d.type();
      await d.accept();
      return type;
    })
    .catch(() => null);
  await row.getByRole('button', { name: button, exact: true }).click();
  const inPage = page.getByRole('alertdialog').or(page.getByRole('dialog'));
  const how = await Promise.race([
    native.then((type) => (type ? `native ${type}` : null)),
    inPage
      .first()
      .waitFor({ state: 'visible', timeout: 3_000 })
      .then(() => 'in-page')
      .catch(() => null),
  ]);
  expect(how, 'Delete asks to confirm (window.confirm or a dialog)').not.toBeNull();
  if (how === 'in-page') {
    await expect(row).toHaveCount(1);
    await inPage.first().getByRole('button', { name: /^(delete|confirm|yes|ok)\b/i }).first().click();
  } else {
    expect(how).toBe('native confirm');
  }
}

/** Saves a screenshot under test-results/screenshots/ (kept by the run) and attaches it to the report. */
export async function artifactScreenshot(page: Page, name: string): Promise<string> {
  const file = path.join(test.info().project.outputDir, 'screenshots', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false });
  await test.info().attach(name, { path: file, contentType: 'image/png' });
  return file;
}

// ---- units, as the page must show them (SPEC §5) ------------------------------------------------

/** A whole word/number, e.g. `5:00` but not inside `0:25:00`. */
export function exactly(text: string): RegExp {
  return new RegExp(`(^|[^\\d:.])${escapeRe(text)}($|[^\\d:.])`);
}

/** A distance cell shows `km` km: the unit in the cell, or only the number under a header that names km. */
export async function expectKm(t: Locator, c: Locator, km: number): Promise<void> {
  const text = (await c.innerText()).trim();
  const header = await t.getByRole('columnheader', { name: /^\s*Distance\b/i }).first().innerText();
  const [int, frac = ''] = String(km).split('.');
  const num = `${int}${frac ? `\\.${frac}0*` : '(\\.0+)?'}`;
  if (/km/.test(text)) expect(text).toMatch(new RegExp(`(^|[^\\d.])${num}\\s*km\\b`));
  else {
    expect(text).toMatch(new RegExp(`^${num}$`));
    expect(header, 'a bare number needs the unit in the header').toMatch(/\bkm\b/);
  }
}
