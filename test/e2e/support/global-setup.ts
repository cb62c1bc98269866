/**
 * Once per e2e run: check that Chromium is installed, build (or reuse) the H5 app and the staff
 * console, start the real BFF on a fresh embedded database, and serve each build on its own origin
 * with `/api` proxied to the BFF. Test files read the addresses from E2E_BASE_URL (H5),
 * E2E_CONSOLE_URL (console, under `/admin/`) and E2E_BFF_URL.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { startBff, type RunningBff } from './bff';
import { ensureConsoleBuild } from './build-console';
import { ensureH5Build } from './build-h5';
import { startConsoleServer } from './console-server';
import { CHROMIUM_PATH, E2E_TMPDIR } from './paths';
import { startStaticServer, type StaticServer } from './static-server';

/** What the teardown stops (global setup and teardown share the jest main process). */
export interface E2eGlobals {
  bff?: RunningBff;
  web?: StaticServer;
  console?: StaticServer;
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
  const root = await ensureH5Build();
  const consoleRoot = await ensureConsoleBuild();
  const globals = e2eGlobals();
  globals.bff = await startBff();
  try {
    globals.web = await startStaticServer(root, globals.bff.url);
    globals.console = await startConsoleServer(consoleRoot, globals.bff.url);
  } catch (err) {
    // jest skips the teardown when the setup throws: stop the BFF here.
    await globals.web?.close();
    await globals.bff.stop();
    throw err;
  }
  process.env.E2E_BFF_URL = globals.bff.url;
  process.env.E2E_BASE_URL = globals.web.url;
  process.env.E2E_CONSOLE_URL = globals.console.url;
  console.log(`[e2e] BFF ${globals.bff.url}, app ${globals.web.url}, console ${globals.console.url}/admin/`);
}
