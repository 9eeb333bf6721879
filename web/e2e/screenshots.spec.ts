// Screenshots of every page at desktop (1280×800) and phone (390×844) size, kept
// as artifacts in test-results/screenshots/; with UPDATE_SCREENSHOTS=1 also the
// two committed README pictures, docs/screenshots/runs.png and weekly-report.png.
// The data is fixed (dates in 2024, the fake provider's weather), so the pictures
// only change when the app does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import {
  test,
  expect,
  ADMIN,
  signIn,
  goTo,
  table,
  dataRows,
  columnHeader,
  artifactScreenshot,
  repoRoot,
  uniqueName,
  expectSignInForm,
  type RunInput,
} from './fixtures';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const LISBON = '38.7223 -9.1393';

// Eight runs over four ISO weeks of March 2024.
const RUNS: RunInput[] = [
  ['2024-03-04', 5000, 1560],
  ['2024-03-06', 8200, 2650],
  ['2024-03-12', 6000, 1800],
  ['2024-03-14', 10000, 3240],
  ['2024-03-17', 15000, 5100],
  ['2024-03-19', 5500, 1650],
  ['2024-03-26', 7000, 2170],
  ['2024-03-30', 21100, 7150],
].map(([date, distance, time]) => ({ date: date as string, distance: distance as number, time: time as number, location: LISBON }));

/** A canvas chart has finished drawing (its pixels stopped changing); an SVG chart is ready at once. */
async function chartSettled(page: Page): Promise<void> {
  const snapshot = () =>
    page.evaluate(() => Array.from(document.querySelectorAll('canvas'), (c) => c.toDataURL()).join('|'));
  let previous = await snapshot();
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(100);
    const now = await snapshot();
    if (now === previous) return;
    previous = now;
  }
  throw new Error('the chart kept changing for 4 s');
}

async function both(page: Page, name: string, ready: () => Promise<void>): Promise<void> {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.mouse.move(0, 0); // no hover highlight in the pictures
    await ready();
    await page.evaluate(() => document.fonts.ready);
    await artifactScreenshot(page, `${size}-${name}`);
  }
  await page.setViewportSize(DESKTOP);
}

async function readme(page: Page, file: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const target = path.join(repoRoot(), 'docs', 'screenshots', file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  await page.setViewportSize(DESKTOP);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: target, animations: 'disabled' });
  console.log(`[e2e] wrote ${target}`);
}

test('screenshots: every page, desktop and phone; README pictures on UPDATE_SCREENSHOTS=1', async ({ page, api }) => {
  test.setTimeout(60_000);
  // A fixed name for the committed pictures (the database is new on every run).
  const name = process.env.UPDATE_SCREENSHOTS === '1' ? 'ada' : uniqueName('ada');
  const me = await api.register(name, undefined, { name: 'Ada Runner', email: 'ada@example.org' });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  for (const run of RUNS) await api.addRun(me, run);

  await page.goto('/app/');
  await both(page, 'sign-in', () => expectSignInForm(page));
  await page.getByRole('link', { name: 'Create an account', exact: true }).click();
  await both(page, 'create-account', () => expect(page.getByRole('button', { name: 'Create account', exact: true })).toBeVisible());

  await signIn(page, me, '/app/runs');
  const runsReady = async () => {
    await expect(dataRows(table(page))).toHaveCount(RUNS.length);
  };
  await both(page, 'runs', runsReady);
  await readme(page, 'runs.png');

  await page.getByRole('button', { name: 'Add run', exact: true }).click();
  await both(page, 'add-run', () => expect(page.getByLabel('Distance (km)', { exact: true })).toBeVisible());

  await page.goto('/app/report');
  const chart = page.getByRole('img', { name: 'Weekly distance and average speed', exact: true });
  const reportReady = async () => {
    await expect(chart).toBeVisible();
    await expect(dataRows(table(page))).toHaveCount(4);
    await chartSettled(page);
  };
  await both(page, 'weekly-report', reportReady);
  await reportReady();
  await readme(page, 'weekly-report.png');

  await goTo(page, 'Account');
  await both(page, 'account', () => expect(page.getByRole('button', { name: 'Delete my account', exact: true })).toBeVisible());

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expectSignInForm(page);
  await signIn(page, ADMIN);
  await goTo(page, 'Users');
  await both(page, 'users', () => expect(columnHeader(table(page), 'Username')).toBeVisible());
});
