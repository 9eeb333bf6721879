// Journeys 1 and 8: a new runner's first session, and the units the page shows.
import {
  test,
  expect,
  PASSWORD,
  uniqueName,
  expectSignInForm,
  expectSignedIn,
  submitSignIn,
  signIn,
  goTo,
  table,
  dataRows,
  columnHeader,
  columnTexts,
  cell,
  rowWith,
  applyFilter,
  addRunInUi,
  fillRunForm,
  deleteRowConfirmed,
  expectKm,
  exactly,
  type Api,
  type Account,
} from './fixtures';
import type { Locator } from '@playwright/test';

const BERLIN = '52.52 13.405';

/** The first number in a text ("10.9 km/h" → 10.9). */
function firstNumber(text: string): number {
  const m = /-?\d+(?:\.\d+)?/.exec(text);
  expect(m, `a number in ${JSON.stringify(text)}`).not.toBeNull();
  return Number(m![0]);
}

/** A speed cell: km/h (in the cell or its header), within rounding of `mps` m/s. */
async function expectKmh(t: Locator, c: Locator, header: string, mps: number): Promise<void> {
  const text = (await c.innerText()).trim();
  const head = await columnHeader(t, header).first().innerText();
  expect(`${text} ${head}`, 'speed is shown in km/h').toMatch(/km\/h/);
  expect(Math.abs(firstNumber(text) - mps * 3.6), `${text} ≈ ${(mps * 3.6).toFixed(3)} km/h`).toBeLessThanOrEqual(0.051);
}

async function weeklyList(api: Api, who: Account) {
  const res = await api.http.get('/results/reports/weekly', {
    params: { format: 'list', count: 1000 },
    headers: { Authorization: `Bearer ${who.token}` },
  });
  expect(res.status()).toBe(200);
  return (await res.json()) as { year: number; week: number; week_start: string; runs: number; total_distance: number; total_time: number; average_speed: number }[];
}

test('journey 1: register, sign in, add three runs, sort, filter, edit, delete, weekly report', async ({ page, api }) => {
  const username = uniqueName('jo');

  // Register through the form reached from the sign-in page.
  await page.goto('/app/');
  await expectSignInForm(page);
  await page.getByRole('link', { name: 'Create an account', exact: true }).click();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Email', { exact: true }).fill(`${username}@example.org`);
  await page.getByLabel('Name', { exact: true }).fill('Jo Runner');
  await page.getByRole('button', { name: 'Create account', exact: true }).click();

  // The app may sign the new account in at once, or send it to sign in: either way, sign in.
  const signOut = page.getByRole('button', { name: 'Sign out', exact: true });
  await expect(signOut.or(page.getByRole('button', { name: 'Sign in', exact: true }))).toBeVisible();
  if (await signOut.isVisible()) {
    await signOut.click();
    await expectSignInForm(page);
  }
  await submitSignIn(page, username, PASSWORD);
  await expectSignedIn(page);
  const me = await api.account({ username, password: PASSWORD });

  // Three runs through the form: mm:ss and h:mm:ss times, whole and decimal km.
  await goTo(page, 'Runs');
  const runs = table(page);
  for (const h of ['Date', 'Distance', 'Time', 'Pace', 'Weather']) await expect(columnHeader(runs, h)).toBeVisible();
  await addRunInUi(page, { date: '2024-03-04', km: '5', time: '25:00', location: BERLIN });
  await addRunInUi(page, { date: '2024-03-06', km: '10', time: '0:55:00', location: BERLIN });
  await addRunInUi(page, { date: '2024-03-12', km: '7.5', time: '0:40:30', location: BERLIN });
  await expect(dataRows(runs)).toHaveCount(3);

  // What the API stored: metres and seconds.
  const stored = await api.runs(me, { sort: 'date' });
  expect(stored.map((r) => [r.date, r.distance, r.time, r.location])).toEqual([
    ['2024-03-04', 5000, 1500, BERLIN],
    ['2024-03-06', 10000, 3300, BERLIN],
    ['2024-03-12', 7500, 2430, BERLIN],
  ]);

  // Each row: km, h:mm:ss, m:ss per km, and the weather the server stored.
  for (const [run, time, pace] of [
    [stored[0], '0:25:00', '5:00'],
    [stored[1], '0:55:00', '5:30'],
    [stored[2], '0:40:30', '5:24'],
  ] as const) {
    const row = rowWith(runs, time);
    await expect(row).toHaveCount(1);
    await expect(await cell(row, 'Time')).toHaveText(exactly(time));
    await expect(await cell(row, 'Pace')).toHaveText(exactly(pace));
    await expectKm(runs, await cell(row, 'Distance'), run.distance / 1000);
    expect(run.condition.summary).toBeTruthy();
    await expect(await cell(row, 'Weather')).toContainText(run.condition.summary);
  }

  // Clicking a column header sorts (one way, then the other).
  const distances = async () => (await columnTexts(runs, 'Distance')).map(firstNumber);
  const ascending = [5, 7.5, 10];
  const descending = [10, 7.5, 5];
  await columnHeader(runs, 'Distance').click();
  await expect.poll(async () => JSON.stringify(await distances())).toMatch(/^\[(5,7\.5,10|10,7\.5,5)\]$/);
  const first = await distances();
  await columnHeader(runs, 'Distance').click();
  await expect.poll(distances).toEqual(first[0] === 5 ? descending : ascending);

  // Filter: the two longer runs.
  await applyFilter(page, 'distance gt 6000');
  await expect(dataRows(runs)).toHaveCount(2);
  await expect(rowWith(runs, '0:25:00')).toHaveCount(0);
  await applyFilter(page, '');
  await expect(dataRows(runs)).toHaveCount(3);

  // Edit the third run: 0:40:30 → 0:45:00, so its pace becomes 6:00.
  await rowWith(runs, '0:40:30').getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(page.getByLabel('Time', { exact: true })).toHaveValue(/^0?:?40:30$/);
  await expect(page.getByLabel('Date', { exact: true })).toHaveValue('2024-03-12');
  expect(Number(await page.getByLabel('Distance (km)', { exact: true }).inputValue())).toBe(7.5);
  await fillRunForm(page, { time: '0:45:00' });
  const edited = rowWith(runs, '0:45:00');
  await expect(edited).toHaveCount(1);
  await expect(await cell(edited, 'Pace')).toHaveText(exactly('6:00'));
  await expect(rowWith(runs, '0:40:30')).toHaveCount(0);
  await expect.poll(async () => (await api.runs(me)).find((r) => r.result_id === stored[2].result_id)?.time).toBe(2700);

  // Delete the first run, confirmed.
  await deleteRowConfirmed(page, rowWith(runs, '0:25:00'));
  await expect(rowWith(runs, '0:25:00')).toHaveCount(0);
  await expect(dataRows(runs)).toHaveCount(2);
  await expect.poll(async () => (await api.runs(me)).map((r) => r.result_id).sort()).toEqual(
    [stored[1].result_id, stored[2].result_id].sort(),
  );

  // Weekly report: the chart and one row per ISO week (2024-W10: 10 km in 0:55:00; 2024-W11: 7.5 km in 0:45:00).
  await goTo(page, 'Weekly report');
  await expect(page.getByRole('img', { name: 'Weekly distance and average speed', exact: true })).toBeVisible();
  const weeks = table(page);
  for (const h of ['Week', 'Runs', 'Distance', 'Average speed', 'Average pace']) await expect(columnHeader(weeks, h)).toBeVisible();
  await expect(dataRows(weeks)).toHaveCount(2);
  const report = await weeklyList(api, me);
  expect(report.map((w) => [w.year, w.week, w.runs, w.total_distance])).toEqual([
    [2024, 10, 1, 10000],
    [2024, 11, 1, 7500],
  ]);
  for (const [w, pace] of [
    [report[0], '5:30'],
    [report[1], '6:00'],
  ] as const) {
    const row = rowWith(weeks, pace);
    await expect(row).toHaveCount(1);
    // The week: its ISO number or its Monday.
    await expect(await cell(row, 'Week')).toHaveText(new RegExp(`\\b${w.week}\\b|${w.week_start}`));
    await expect(await cell(row, 'Runs')).toHaveText(/^\s*1\s*$/);
    await expect(await cell(row, 'Average pace')).toHaveText(exactly(pace));
    await expectKm(weeks, await cell(row, 'Distance'), w.total_distance / 1000);
    await expectKmh(weeks, await cell(row, 'Average speed'), 'Average speed', w.average_speed);
  }

  // The report's Filter applies to the runs before grouping.
  await applyFilter(page, 'date ge 2024-03-11');
  await expect(dataRows(weeks)).toHaveCount(1);
  await expect(rowWith(weeks, '6:00')).toHaveCount(1);
});

test('journey 8: distance in km, time as h:mm:ss, pace as m:ss per km, speed in km/h', async ({ page, api }) => {
  const me = await api.register();
  await api.addRun(me, { date: '2023-10-02', distance: 5000, time: 1500, location: BERLIN });
  await api.addRun(me, { date: '2023-10-04', distance: 21100, time: 6330, location: BERLIN });
  await signIn(page, me, '/app/runs');

  const runs = table(page);
  const short = rowWith(runs, '0:25:00');
  await expect(short).toHaveCount(1);
  await expectKm(runs, await cell(short, 'Distance'), 5);
  await expect(await cell(short, 'Time')).toHaveText(exactly('0:25:00'));
  await expect(await cell(short, 'Pace')).toHaveText(exactly('5:00'));

  const half = rowWith(runs, '1:45:30');
  await expect(half).toHaveCount(1);
  await expectKm(runs, await cell(half, 'Distance'), 21.1);
  await expect(await cell(half, 'Time')).toHaveText(exactly('1:45:30'));
  await expect(await cell(half, 'Pace')).toHaveText(exactly('5:00'));

  // One week: 26.1 km in 2:10:30 → 12 km/h, 5:00 per km.
  await goTo(page, 'Weekly report');
  const weeks = table(page);
  await expect(dataRows(weeks)).toHaveCount(1);
  const row = dataRows(weeks).first();
  await expectKm(weeks, await cell(row, 'Distance'), 26.1);
  await expect(await cell(row, 'Runs')).toHaveText(/^\s*2\s*$/);
  await expectKmh(weeks, await cell(row, 'Average speed'), 'Average speed', 26100 / 7830);
  await expect(await cell(row, 'Average pace')).toHaveText(exactly('5:00'));
});

test('runs: the total count, and Previous page / Next page', async ({ page, api }) => {
  const me = await api.register();
  for (let day = 1; day <= 12; day++) {
    await api.addRun(me, { date: `2024-01-${String(day).padStart(2, '0')}`, distance: 1000 * day, time: 300 * day, location: BERLIN });
  }
  await signIn(page, me, '/app/runs');
  const runs = table(page);
  const previous = page.getByRole('button', { name: 'Previous page', exact: true });
  const next = page.getByRole('button', { name: 'Next page', exact: true });

  await expect(dataRows(runs)).toHaveCount(10); // the API's default page size
  await expect(page.getByText(/(^|\D)12 (runs|results)\b|\btotal\D{0,20}\b12\b/i).first()).toBeVisible();
  await expect(previous).toBeDisabled();
  await expect(next).toBeEnabled();

  await next.click();
  await expect(dataRows(runs)).toHaveCount(2);
  await expect(next).toBeDisabled();
  await expect(previous).toBeEnabled();

  await previous.click();
  await expect(dataRows(runs)).toHaveCount(10);
  await expect(previous).toBeDisabled();
});

test.describe('on a phone (390×844)', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the runs table keeps its roles and names: add, read, edit, delete a run', async ({ page, api }) => {
    const me = await api.register();
    await signIn(page, me, '/app/runs');
    await addRunInUi(page, { date: '2024-02-05', km: '5', time: '25:00', location: BERLIN });
    const runs = table(page);
    const row = rowWith(runs, '0:25:00');
    await expect(row).toHaveCount(1);
    await expectKm(runs, await cell(row, 'Distance'), 5);
    await expect(await cell(row, 'Pace')).toHaveText(exactly('5:00'));
    await expect(row.getByRole('button', { name: 'Edit', exact: true })).toBeInViewport();

    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    await fillRunForm(page, { time: '0:30:00' });
    await expect(await cell(rowWith(runs, '0:30:00'), 'Pace')).toHaveText(exactly('6:00'));
    await deleteRowConfirmed(page, rowWith(runs, '0:30:00'));
    await expect(dataRows(runs)).toHaveCount(0);
    await expect.poll(async () => (await api.runs(me)).length).toBe(0);
  });
});
