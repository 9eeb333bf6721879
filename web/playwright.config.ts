import { defineConfig, devices } from '@playwright/test';

// End-to-end journeys of the web app against the real jogtrack binary.
// e2e/global-setup.ts starts, on free loopback ports, the fake Open-Meteo
// (tests/api/fake_openmeteo.py) and `jogtrack serve` (JOGTRACK_BIN, default
// ../build/jogtrack) on a fresh SQLite database, and stops exactly those
// processes at the end. The base URL is only known then: tests take it from
// e2e/fixtures.ts, which every spec imports instead of @playwright/test.
//
// The browser is Debian's Chromium (scripts/install-deps.sh): Playwright's own
// browser download cannot work on these machines, so run with
// PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 and, elsewhere, CHROMIUM=/path/to/chrome.
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  workers: 2, // 2 cores; the journeys share one server and never one account
  retries: 0,
  forbidOnly: true,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], ['html', { outputFolder: './playwright-report', open: 'never' }]],
  use: {
    ...devices['Desktop Chrome'],
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' },
    locale: 'en-GB',
    timezoneId: 'UTC',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
