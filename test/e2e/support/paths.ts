/**
 * Where the browser tests keep their files: all under the project's ignored `tmp/` folder, so a
 * run leaves nothing in /tmp or in the source tree.
 */
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The project's ignored scratch folder. */
export const TMP = path.join(ROOT, 'tmp');
/**
 * The BFF's STATIC_DIR in the browser tests: scripts/build.ts builds `h5/` (served at `/`) and
 * `console/` (served at `/admin/`) there. Not `dist/`, which `npm run build` may replace while
 * the tests run.
 */
export const E2E_STATIC_DIR = path.join(TMP, 'e2e-static');
/** Screenshots of key screens, for people to look at (not committed). */
export const SCREENSHOT_DIR = path.join(TMP, 'e2e-screenshots');
/** The BFF's log of the last run. */
export const LOG_DIR = path.join(TMP, 'e2e-logs');
/** TMPDIR of the run (Chromium, webpack and tsx write temporary files there). */
export const E2E_TMPDIR = path.join(TMP, 'e2e-tmpdir');
/** The Chromium the tests drive (Debian's package, listed in .ci/apt-packages). */
export const CHROMIUM_PATH = process.env.E2E_CHROMIUM_PATH || '/usr/bin/chromium';
