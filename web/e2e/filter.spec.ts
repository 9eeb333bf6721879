// Journey 2: a bad filter shows the API's own error, with its position, in role `alert`.
import { test, expect, signIn, goTo, table, dataRows, rowWith, applyFilter } from './fixtures';

const BERLIN = '52.52 13.405';

test('journey 2: a bad filter shows the API error and its position in an alert', async ({ page, api }) => {
  const me = await api.register();
  await api.addRun(me, { date: '2024-05-06', distance: 5000, time: 1500, location: BERLIN });
  await api.addRun(me, { date: '2024-05-08', distance: 8000, time: 2880, location: BERLIN });
  await signIn(page, me, '/app/runs');
  const runs = table(page);
  await expect(dataRows(runs)).toHaveCount(2);

  // An unknown field in the middle of the expression: the API names it and its position.
  const bad = "distance gt 4000 and wind_sped lt 30";
  const detail = await api.filterError(me, bad);
  expect(detail).toMatch(/position \d+/);
  await applyFilter(page, bad);
  const alert = page.getByRole('alert').filter({ hasText: detail });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(/position \d+/);

  // Fixing it clears the error and filters.
  await applyFilter(page, 'distance gt 6000');
  await expect(page.getByRole('alert').filter({ hasText: /position \d+/ })).toHaveCount(0);
  await expect(dataRows(runs)).toHaveCount(1);
  await expect(rowWith(runs, '0:48:00')).toHaveCount(1);

  // The weekly report's Filter box reports errors the same way (a number against a date field).
  await goTo(page, 'Weekly report');
  await expect(page.getByRole('img', { name: 'Weekly distance and average speed', exact: true })).toBeVisible();
  const badDate = 'date ge 2024';
  const reportDetail = await api.filterError(me, badDate, '/results/reports/weekly');
  expect(reportDetail).toMatch(/position \d+/);
  await applyFilter(page, badDate);
  await expect(page.getByRole('alert').filter({ hasText: reportDetail })).toBeVisible();
});
