/**
 * Once per e2e run: check that Chromium is installed, build (or reuse) the H5 app and the staff
 * console into tmp/e2e-static, and start the real BFF on a fresh embedded database with that
 * folder as its STATIC_DIR: it serves the H5 app at `/` and the console at `/admin/`, as in
 * production, with `/api` on the same origin. Test files read the addresses from E2E_BASE_URL
 * (H5), E2E_CONSOLE_URL (console, under `/admin/`) and E2E_BFF_URL — all the BFF's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { STAMP_FILE } from '../../../scripts/build-stamp';
import { startBff, type RunningBff } from './bff';
import { CHROMIUM_PATH, E2E_STATIC_DIR, E2E_TMPDIR, ROOT } from './paths';

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
  buildFrontEnds();
  const globals = e2eGlobals();
  globals.bff = await startBff();
  process.env.E2E_BFF_URL = globals.bff.url;
  process.env.E2E_BASE_URL = globals.bff.url;
  process.env.E2E_CONSOLE_URL = globals.bff.url;
  console.log(`[e2e] BFF ${globals.bff.url}: app at /, console at /admin/`);
}

/**
 * Builds the H5 app and the console into tmp/e2e-static with the project's own build script, as
 * `npm start` builds dist/ (same-origin API, dev login; each app reused while newer than its
 * sources; E2E_REBUILD=1 rebuilds both). Not dist/ itself: `npm run build` may replace that
 * folder while the tests run.
 */
function buildFrontEnds(): void {
  const args = ['--import', 'tsx', path.join(ROOT, 'scripts', 'build.ts')];
  if (process.env.E2E_REBUILD !== '1') args.push('--if-stale');
  const env: NodeJS.ProcessEnv = { ...process.env, STATIC_DIR: E2E_STATIC_DIR, SERVE_STATIC: 'on' };
  delete env.NODE_ENV;
  spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
  // `--if-stale` warns and exits 0 on a failed build (npm start must still start); a build that
  // did not complete leaves no stamp, and then there is nothing to test.
  for (const app of ['h5', 'console']) {
    if (!existsSync(path.join(E2E_STATIC_DIR, app, STAMP_FILE))) {
      throw new Error(`the ${app} build failed: see tmp/build-logs/${app}.log`);
    }
  }
}
