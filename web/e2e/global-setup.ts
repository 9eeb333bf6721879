// Starts what the journeys run against, on free loopback ports, and returns
// the teardown that stops exactly those processes:
//   - the fake Open-Meteo (tests/api/fake_openmeteo.py), the weather provider;
//   - `jogtrack serve` (JOGTRACK_BIN, default ../build/jogtrack) on a fresh
//     SQLite database in a temporary directory, default settings otherwise
//     (JOGTRACK_COOKIE_SECURE unset: Chromium treats 127.0.0.1 as a secure
//     origin, so the Secure refresh cookie works over plain HTTP there);
//   - a second `jogtrack serve` on a database of its own whose access tokens
//     live JOGTRACK_E2E_SHORT_TTL seconds, for the silent-refresh journey
//     (one short-lived server instead of making every journey race expiry);
//   - an admin and a manager on the main server, made with `jogtrack user create`.
// The tests read the addresses and accounts from JOGTRACK_E2E_* variables
// (set here, inherited by the workers; see fixtures.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { ADMIN, MANAGER, SHORT_TTL_SECONDS } from './accounts';


interface Started {
  name: string;
  proc: ChildProcess;
}

function firstLine(proc: ChildProcess, name: string, logFile: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`${name} printed nothing within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const nl = buffered.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        proc.off('exit', onExit);
        proc.stdout!.resume(); // keep draining: a full pipe would block the process
        resolve(buffered.slice(0, nl).trim());
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`${name} exited (${code ?? signal}) before it was ready`));
    function fail(err: Error) {
      clearTimeout(timer);
      let log = '';
      try {
        log = fs.readFileSync(logFile, 'utf8');
      } catch {
        /* no log yet */
      }
      reject(new Error(`${err.message}\n--- ${logFile}\n${log}`));
    }
    proc.stdout!.on('data', onData);
    proc.once('exit', onExit);
  });
}

function listeningUrl(line: string, name: string): string {
  const m = /listening on (?:http:\/\/)?(127\.0\.0\.1):(\d+)/.exec(line);
  if (!m) throw new Error(`${name} did not say where it listens: ${JSON.stringify(line)}`);
  return `http://127.0.0.1:${m[2]}`;
}

/** The environment of the parent without any JOGTRACK_* setting (so a developer's shell cannot leak in). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JOGTRACK_')) env[k] = v;
  return env;
}

async function stopAll(started: Started[]): Promise<void> {
  // Newest first: the servers before the fake weather they call.
  for (const { name, proc } of [...started].reverse()) {
    if (proc.exitCode !== null || proc.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      console.warn(`[e2e] ${name} (pid ${proc.pid}) ignored SIGTERM for 10 s: SIGKILL`);
      proc.kill('SIGKILL');
    }, 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const webDir = path.dirname(config.configFile ?? path.join(process.cwd(), 'playwright.config.ts'));
  const root = path.resolve(webDir, '..');
  const bin = path.resolve(webDir, process.env.JOGTRACK_BIN ?? path.join(root, 'build', 'jogtrack'));
  if (!fs.existsSync(bin)) throw new Error(`no jogtrack binary at ${bin}: build it (scripts/build.sh build) or set JOGTRACK_BIN`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jogtrack-e2e-'));
  const started: Started[] = [];
  const teardown = async () => {
    await stopAll(started);
    if (process.env.JOGTRACK_E2E_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
    else console.log(`[e2e] kept ${work}`);
  };
  // A runner that exits early or is killed by SIGTERM/SIGHUP skips teardown: still stop
  // what was started here (Playwright itself runs the teardown on Ctrl-C).
  const onExit = () => {
    for (const { proc } of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(128 + (signal === 'SIGHUP' ? 1 : 15));
  };
  process.once('exit', onExit);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);

  try {
    // 1. The fake weather provider.
    const fakeLog = path.join(work, 'fake-openmeteo.log');
    const fake = spawn('python3', [path.join(root, 'tests', 'api', 'fake_openmeteo.py'), '--port', '0'], {
      stdio: ['ignore', 'pipe', fs.openSync(fakeLog, 'a')],
    });
    started.push({ name: 'fake Open-Meteo', proc: fake });
    const weather = listeningUrl(await firstLine(fake, 'fake Open-Meteo', fakeLog), 'fake Open-Meteo');

    // 2. The servers.
    const serve = async (name: string, extra: Record<string, string>) => {
      const dir = path.join(work, name);
      fs.mkdirSync(dir);
      const env: NodeJS.ProcessEnv = {
        ...cleanEnv(),
        JOGTRACK_DATABASE_URL: `sqlite:${path.join(dir, 'jogtrack.db')}`,
        JOGTRACK_WEATHER_FORECAST_URL: `${weather}/v1/forecast`,
        JOGTRACK_WEATHER_ARCHIVE_URL: `${weather}/v1/archive`,
        JOGTRACK_THREADS: '2',
        JOGTRACK_LOG_LEVEL: 'warn',
        // Every account of the suite registers from 127.0.0.1: no per-address registration
        // cap (the auth work's JOGTRACK_REGISTER_LIMIT, 20 an hour by default; ignored where unknown).
        JOGTRACK_REGISTER_LIMIT: '0',
        ...extra,
      };
      const log = path.join(dir, 'stderr.log');
      const proc = spawn(bin, ['serve', '--listen', '127.0.0.1:0'], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', fs.openSync(log, 'a')],
      });
      started.push({ name: `jogtrack (${name})`, proc });
      const url = listeningUrl(await firstLine(proc, `jogtrack (${name})`, log), `jogtrack (${name})`);
      return { url, env, dir };
    };
    const main = await serve('main', {});
    const short = await serve('short-ttl', { JOGTRACK_ACCESS_TOKEN_TTL: String(SHORT_TTL_SECONDS) });

    // 3. The privileged accounts, the way an operator makes them.
    for (const [who, role] of [
      [ADMIN, 'admin'],
      [MANAGER, 'manager'],
    ] as const) {
      const res = spawnSync(bin, ['user', 'create', '--username', who.username, '--password-stdin', '--role', role], {
        cwd: main.dir,
        env: main.env,
        input: `${who.password}\n`,
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (res.status !== 0 || !/^\d+\s*$/.test(res.stdout)) {
        throw new Error(`jogtrack user create ${role} failed (${res.status}): ${res.stdout}${res.stderr}`);
      }
    }

    process.env.JOGTRACK_E2E_URL = main.url;
    process.env.JOGTRACK_E2E_SHORT_TTL_URL = short.url;
    process.env.JOGTRACK_E2E_SHORT_TTL = String(SHORT_TTL_SECONDS);
    process.env.JOGTRACK_E2E_WEATHER_URL = weather;
    process.env.JOGTRACK_E2E_ROOT = root;
    console.log(`[e2e] jogtrack ${main.url} (short-TTL twin ${short.url}), fake Open-Meteo ${weather}, data in ${work}`);
  } catch (err) {
    await teardown();
    throw err;
  }
  return async () => {
    process.off('exit', onExit);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    await teardown();
  };
}
