/**
 * The real BFF for the browser tests: `server/src/main.ts` in a child process (as `npm start`
 * runs it) on a free port, with the embedded database in a fresh DATA_DIR under tmp/, dev login
 * on, the first admin account from ADMIN_USERNAME/ADMIN_PASSWORD, and per-minute write limits
 * lifted (the tests write faster than a person).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { E2E_STATIC_DIR, E2E_TMPDIR, LOG_DIR, ROOT, TMP } from './paths';

/** The first admin account the BFF creates on its first start. */
export const E2E_ADMIN = { username: 'e2e-admin', password: 'E2e-Admin-Password-42' } as const;

/** How long the BFF may take to boot (tsx compile + embedded database + indexes). */
const BOOT_TIMEOUT_MS = 60_000;

/** A running BFF. */
export interface RunningBff {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its data folder. */
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts the BFF and resolves once it listens. */
export async function startBff(): Promise<RunningBff> {
  mkdirSync(TMP, { recursive: true });
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(E2E_TMPDIR, { recursive: true });
  const dataDir = mkdtempSync(path.join(TMP, 'e2e-bff-'));
  const logFile = path.join(LOG_DIR, 'bff.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? ROOT,
      TMPDIR: E2E_TMPDIR,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      JWT_SECRET: 'e2e-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz',
      ADMIN_USERNAME: E2E_ADMIN.username,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      WECHAT_DEV_LOGIN: 'true',
      LOG_LEVEL: 'info',
      // The tests read their own writes at once.
      PUBLIC_CACHE_SECONDS: '0',
      SETTINGS_CACHE_SECONDS: '0',
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      // No outbox worker or sweeps: nothing runs that the tests did not ask for.
      BACKGROUND_TASKS: 'off',
      // The tests and benchmarks start from an empty database (no demo county).
      DEMO_DATA: 'off',
      // The BFF serves the builds under test itself, with its real headers and fallbacks.
      SERVE_STATIC: 'on',
      STATIC_DIR: E2E_STATIC_DIR,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(log, { end: false });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 15_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the BFF did not start within ${BOOT_TIMEOUT_MS / 1000} s; see ${logFile}`)), BOOT_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      let entry: { url?: unknown; msg?: unknown; level?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (typeof entry.url === 'string' && typeof entry.msg === 'string' && entry.msg.startsWith('listening on')) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the BFF exited during boot (code ${code}, signal ${signal}); see ${logFile}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url, stop };
}
