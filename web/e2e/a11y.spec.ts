// Accessibility: axe-core on every page of the app. Serious and critical
// violations fail the test; the others are printed (and attached to the report).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, ADMIN, signIn, goTo, table, columnHeader, dataRows, expectSignInForm } from './fixtures';

const HELSINKI = '60.1699 24.9384';

async function checkA11y(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = results.violations.filter((v) => !blocking.includes(v));
  const describe = (vs: typeof results.violations) =>
    vs
      .map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length}×: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`)
      .join('\n');
  if (minor.length) console.log(`[axe] ${name}: ${minor.length} minor/moderate violation(s)\n${describe(minor)}`);
  console.log(`[axe] ${name}: ${results.passes.length} rules passed, ${blocking.length} serious/critical, ${minor.length} other`);
  await test.info().attach(`axe-${name}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  expect(blocking, `serious/critical axe violations on ${name}:\n${describe(blocking)}`).toEqual([]);
}

test.describe('axe: no serious or critical violations', () => {
  test('sign in', async ({ page }) => {
    await page.goto('/app/');
    await expectSignInForm(page);
    await checkA11y(page, 'sign-in');
  });

  test('create an account', async ({ page }) => {
    await page.goto('/app/');
    await page.getByRole('link', { name: 'Create an account', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Create account', exact: true })).toBeVisible();
    await checkA11y(page, 'create-account');
  });

  test('runs, and the add-run form', async ({ page, api }) => {
    const me = await api.register();
    await api.addRun(me, { date: '2024-07-01', distance: 5000, time: 1500, location: HELSINKI });
    await signIn(page, me, '/app/runs');
    await expect(dataRows(table(page))).toHaveCount(1);
    await checkA11y(page, 'runs');
    await page.getByRole('button', { name: 'Add run', exact: true }).click();
    await expect(page.getByLabel('Distance (km)', { exact: true })).toBeVisible();
    await checkA11y(page, 'add-run-form');
  });

  test('weekly report', async ({ page, api }) => {
    const me = await api.register();
    await api.addRun(me, { date: '2024-07-01', distance: 5000, time: 1500, location: HELSINKI });
    await api.addRun(me, { date: '2024-07-09', distance: 8000, time: 2600, location: HELSINKI });
    await signIn(page, me, '/app/report');
    await expect(page.getByRole('img', { name: 'Weekly distance and average speed', exact: true })).toBeVisible();
    await expect(dataRows(table(page))).toHaveCount(2);
    await checkA11y(page, 'weekly-report');
  });

  test('users (admin, with the Role selects)', async ({ page }) => {
    await signIn(page, ADMIN);
    await goTo(page, 'Users');
    await expect(columnHeader(table(page), 'Username')).toBeVisible();
    await expect(dataRows(table(page)).first()).toBeVisible();
    await checkA11y(page, 'users');
  });

  test('account', async ({ page, api }) => {
    const me = await api.register();
    await signIn(page, me);
    await goTo(page, 'Account');
    await expect(page.getByRole('button', { name: 'Delete my account', exact: true })).toBeVisible();
    await checkA11y(page, 'account');
  });

  test('API reference (/docs)', async ({ page }) => {
    test.setTimeout(90_000); // Swagger UI's large DOM makes axe slow on a busy 2-core machine
    await page.goto('/docs');
    await expect(page.getByRole('heading', { name: /jogtrack/, level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: /Log in$/ })).toBeVisible();
    await checkA11y(page, 'docs');
    // An open operation after "Try it out" and "Execute" (parameters, request
    // body, live response, code samples), then the Authorize dialog.
    await page.getByRole('button', { name: /Log in$/ }).click();
    await page.getByRole('button', { name: 'Try it out', exact: true }).click();
    await page.getByRole('button', { name: 'Execute', exact: true }).click();
    await expect(page.locator('.live-responses-table')).toContainText('Unauthorized');
    await checkA11y(page, 'docs-try-it-out');
    await page.getByRole('button', { name: /^Authorize/ }).first().click();
    await expect(page.getByRole('button', { name: 'Close dialog', exact: true })).toBeVisible();
    await checkA11y(page, 'docs-authorize');
  });

  test('problem types (/docs/problems)', async ({ page }) => {
    await page.goto('/docs/problems#not-found');
    await expect(page.getByRole('heading', { name: 'Problem types', level: 1 })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Problem types' })).toBeVisible();
    // Each kind's anchor is its section, whose heading links back to it.
    await expect(page.locator('section#not-found h2')).toHaveText('Not found');
    await checkA11y(page, 'problems');
  });
});
