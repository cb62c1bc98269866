/**
 * Builds the H5 app for the browser tests: same-origin API (`TARO_APP_API_BASE` empty, the BFF
 * serves the app) and dev login on (`TARO_APP_DEV_LOGIN=true`), into tmp/e2e-static/h5. The
 * build is skipped when a complete earlier one is newer than every source it depends on
 * (E2E_REBUILD=1 forces it).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_H5_DIR, E2E_TMPDIR, LOG_DIR, ROOT } from './paths';

/** The build-time settings of the tested bundle; a stamp with other settings means rebuild. */
const BUILD_ENV = { TARO_APP_API_BASE: '', TARO_APP_DEV_LOGIN: 'true' } as const;
/** Written after a successful build: its presence means the folder holds a complete build. */
const STAMP = path.join(E2E_H5_DIR, '.e2e-build.json');

/** Everything whose change changes the bundle. */
const SOURCES = ['miniprogram', 'shared', 'config', '.env', '.env.production', 'babel.config.js', 'package.json', 'package-lock.json'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Why the build must run again, or null when the existing one can be used. */
function staleReason(): string | null {
  if (process.env.E2E_REBUILD === '1') return 'E2E_REBUILD=1';
  if (!existsSync(STAMP)) return 'no earlier build';
  let stamp: unknown;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return 'unreadable build stamp';
  }
  if (JSON.stringify((stamp as { env?: unknown }).env) !== JSON.stringify(BUILD_ENV)) return 'built with other settings';
  const built = statSync(STAMP).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(ROOT, s)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/** Builds (or reuses) the tested H5 bundle; returns its folder. Throws with the log's tail on failure. */
export async function ensureH5Build(log: (line: string) => void = (l) => console.log(l)): Promise<string> {
  const reason = staleReason();
  if (reason === null) {
    log(`[e2e] reusing the H5 build in ${path.relative(ROOT, E2E_H5_DIR)} (newer than its sources; E2E_REBUILD=1 rebuilds)`);
    return E2E_H5_DIR;
  }
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(E2E_TMPDIR, { recursive: true });
  const logFile = path.join(LOG_DIR, 'build-h5.log');
  log(`[e2e] building H5 (${reason}) into ${path.relative(ROOT, E2E_H5_DIR)}; log: ${path.relative(ROOT, logFile)}`);
  const started = Date.now();
  const out = createWriteStream(logFile);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'taro'), ['build', '--type', 'h5', '--mode', 'production'], {
      cwd: ROOT,
      env: { ...process.env, ...BUILD_ENV, TARO_OUTPUT_ROOT: path.relative(ROOT, E2E_H5_DIR), TMPDIR: E2E_TMPDIR, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  out.end();
  const index = path.join(E2E_H5_DIR, 'index.html');
  if (code !== 0 || !existsSync(index)) {
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n') : '';
    throw new Error(`the H5 build failed (exit ${code}); see ${logFile}\n${tail}`);
  }
  writeFileSync(STAMP, `${JSON.stringify({ env: BUILD_ENV, builtAt: new Date().toISOString() }, null, 2)}\n`);
  log(`[e2e] H5 built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return E2E_H5_DIR;
}
