// Journeys 3 and 4: what a manager and an admin see and can do (SPEC §2 role table).
import type { Locator, Page } from '@playwright/test';
import {
  test,
  expect,
  ADMIN,
  MANAGER,
  signIn,
  goTo,
  table,
  dataRows,
  columnHeader,
  cell,
  rowWith,
  applyFilter,
  addRunInUi,
  fillRunForm,
  deleteRowConfirmed,
  uniqueName,
  auth,
} from './fixtures';

const PARIS = '48.8566 2.3522';

/** The admin's `User` selector: a <select> (pick the option naming the user) or a combobox/search box. */
async function chooseUser(page: Page, username: string): Promise<void> {
  const selector = page.getByLabel('User', { exact: true });
  await expect(selector).toBeVisible();
  const tag = await selector.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') {
    const option = selector.locator('option').filter({ hasText: username });
    await expect(option).toHaveCount(1);
    await selector.selectOption((await option.getAttribute('value')) ?? username);
  } else {
    await selector.fill(username);
    const option = page.getByRole('option', { name: new RegExp(username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    if (await option.first().isVisible().catch(() => false)) await option.first().click();
    else await selector.press('Enter');
  }
}

async function userRow(page: Page, username: string): Promise<Locator> {
  await applyFilter(page, `username eq '${username}'`);
  const rows = dataRows(table(page));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(username);
  return rows.first();
}

test('journey 3: a manager sees Users and the users table, and no runs of others', async ({ page, api }) => {
  const runner = await api.register(uniqueName('plain'), undefined, { name: 'Pat Plain', email: 'pat@example.org' });
  await api.addRun(runner, { date: '2024-04-02', distance: 11111, time: 4271, location: PARIS }); // 1:11:11
  const manager = await api.account(MANAGER);

  await signIn(page, MANAGER);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Users', exact: true })).toBeVisible();

  // Runs: the manager's own (SPEC §2: a manager CRUDs own runs only), nobody else's, no User selector.
  await goTo(page, 'Runs');
  const runs = table(page);
  await expect(columnHeader(runs, 'Date')).toBeVisible();
  await addRunInUi(page, { date: '2024-04-03', km: '4', time: '0:22:00', location: PARIS });
  await expect(rowWith(runs, '0:22:00')).toHaveCount(1);
  await expect(rowWith(runs, '1:11:11')).toHaveCount(0);
  await expect(page.getByLabel('User', { exact: true })).toHaveCount(0);
  expect((await api.runs(manager)).map((r) => r.time)).toContain(1320);
  expect((await api.runs(runner)).map((r) => r.time)).toEqual([4271]);

  // Users: the table, a plain user found with the filter; admins are not visible to a manager.
  await goTo(page, 'Users');
  const users = table(page);
  for (const h of ['Username', 'Name', 'Email', 'Role', 'Created']) await expect(columnHeader(users, h)).toBeVisible();
  const row = await userRow(page, runner.username);
  await expect(await cell(row, 'Name')).toHaveText('Pat Plain');
  await expect(await cell(row, 'Email')).toHaveText('pat@example.org');
  await expect(await cell(row, 'Role')).toHaveText(/^\s*user\s*$/i);
  await expect(row.getByRole('button', { name: 'Edit', exact: true })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Delete', exact: true })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Role', exact: true })).toHaveCount(0); // admins only

  // A manager edits and deletes plain users.
  await row.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill('Pat Renamed');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(async () => (await api.user(manager, runner.user_id)).name).toBe('Pat Renamed');
  await expect(await cell(await userRow(page, runner.username), 'Name')).toHaveText('Pat Renamed');
  const leaving = await api.register(uniqueName('leaving'));
  await deleteRowConfirmed(page, await userRow(page, leaving.username));
  await expect(dataRows(users)).toHaveCount(0);
  await expect
    .poll(async () => (await api.http.get(`/users/${leaving.user_id}`, { headers: auth(manager.token) })).status())
    .toBe(404);

  await applyFilter(page, `username eq '${ADMIN.username}'`);
  await expect(dataRows(users)).toHaveCount(0);
});

test("journey 4: an admin changes a user's role and manages another user's runs", async ({ page, api }) => {
  const promoted = await api.register(uniqueName('promo'));
  const owner = await api.register(uniqueName('owner'));
  const theirs = await api.addRun(owner, { date: '2024-04-08', distance: 6000, time: 2013, location: PARIS }); // 0:33:33
  const admin = await api.account(ADMIN);

  await signIn(page, ADMIN);

  // Role: user → manager with the `Role` select (in the row, or in the row's Edit form).
  await goTo(page, 'Users');
  const row = await userRow(page, promoted.username);
  let role = row.getByRole('combobox', { name: 'Role', exact: true });
  let needsSave = false;
  if ((await role.count()) === 0) {
    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    role = page.getByRole('combobox', { name: 'Role', exact: true });
    needsSave = true;
  }
  await role.selectOption('manager');
  if (needsSave) await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(async () => (await api.user(admin, promoted.user_id)).role).toBe('manager');
  // After a reload the page shows the stored role.
  await page.reload();
  await expect(columnHeader(table(page), 'Username')).toBeVisible();
  const after = await userRow(page, promoted.username);
  const select = after.getByRole('combobox', { name: 'Role', exact: true });
  if ((await select.count()) > 0) await expect(select).toHaveValue('manager');
  else await expect(await cell(after, 'Role')).toHaveText(/manager/i);

  // Runs of another user through the `User` selector: see, edit, add, delete.
  await goTo(page, 'Runs');
  await chooseUser(page, owner.username);
  const runs = table(page);
  await expect(rowWith(runs, '0:33:33')).toHaveCount(1);

  await rowWith(runs, '0:33:33').getByRole('button', { name: 'Edit', exact: true }).click();
  await fillRunForm(page, { time: '0:34:00' });
  await expect(rowWith(runs, '0:34:00')).toHaveCount(1);
  await expect.poll(async () => (await api.runs(owner)).find((r) => r.result_id === theirs.result_id)?.time).toBe(2040);

  await addRunInUi(page, { date: '2024-04-10', km: '3', time: '0:15:00', location: PARIS });
  await expect(rowWith(runs, '0:15:00')).toHaveCount(1);
  await expect
    .poll(async () => (await api.runs(owner)).map((r) => [r.date, r.distance, r.time, r.user_id]))
    .toContainEqual(['2024-04-10', 3000, 900, owner.user_id]);

  await deleteRowConfirmed(page, rowWith(runs, '0:34:00'));
  await expect(rowWith(runs, '0:34:00')).toHaveCount(0);
  await expect.poll(async () => (await api.runs(owner)).map((r) => r.result_id)).not.toContain(theirs.result_id);

  // The weekly report of that user, through the same selector.
  await goTo(page, 'Weekly report');
  await chooseUser(page, owner.username);
  const weeks = table(page);
  await expect(dataRows(weeks)).toHaveCount(1); // 2024-W15: only the run added above is left
  await expect(rowWith(weeks, '5:00')).toHaveCount(1);

  // None of it landed on the admin's own runs.
  expect((await api.runs(admin)).filter((r) => [900, 2013, 2040].includes(r.time))).toEqual([]);
});

test('a plain user has no Users page: no link, and its address shows no users', async ({ page, api }) => {
  const me = await api.register();
  await signIn(page, me);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Users', exact: true })).toHaveCount(0);
  await page.goto('/app/users');
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();
  await expect(columnHeader(table(page), 'Username')).toHaveCount(0);
  await expect(columnHeader(table(page), 'Date')).toBeVisible(); // the runs, where the app sends it
  await expect(page.getByLabel('User', { exact: true })).toHaveCount(0);
});
