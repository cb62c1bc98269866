/**
 * Once per e2e run: check that Chromium is installed, build (or reuse) the H5 app and the staff
 * console into tmp/e2e-static, and start the real BFF on a fresh embedded database with that
 * folder as its STATIC_DIR: it serves the H5 app at `/` and the console at `/admin/`, as in
 * production, with `/api` on the same origin. Test files read the addresses from E2E_BASE_URL
 * (H5), E2E_CONSOLE_URL (console, under `/admin/`) and E2E_BFF_URL — all the BFF's.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { startBff, type RunningBff } from './bff';
import { ensureConsoleBuild } from './build-console';
import { ensureH5Build } from './build-h5';
import { CHROMIUM_PATH, E2E_TMPDIR } from './paths';

/** What the teardown stops (global setup and teardown share the jest main process). */
export interface E2eGlobals {
  bff?: RunningBff;
}

/** The shared slot on globalThis. */
export function e2eGlobals(): E2eGlobals {
  const g = globalThis as { __E2E__?: E2eGlobals };
  g.__E2E__ ??= {};
  return g.__E2E__;
}

export default async function globalSetup(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    // CI installs Chromium from .ci/apt-packages; a missing browser is a broken environment, not a reason to skip.
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the browser tests need Debian's chromium and fonts-wqy-zenhei ` +
        `(listed in .ci/apt-packages; install with: apt-get install -y chromium fonts-wqy-zenhei).`,
    );
  }
  mkdirSync(E2E_TMPDIR, { recursive: true });
  // Chromium and the build write temporary files; keep them inside the project's tmp folder.
  process.env.TMPDIR = E2E_TMPDIR;
  await ensureH5Build();
  await ensureConsoleBuild();
  const globals = e2eGlobals();
  globals.bff = await startBff();
  process.env.E2E_BFF_URL = globals.bff.url;
  process.env.E2E_BASE_URL = globals.bff.url;
  process.env.E2E_CONSOLE_URL = globals.bff.url;
  console.log(`[e2e] BFF ${globals.bff.url}: app at /, console at /admin/`);
}
