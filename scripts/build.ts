/**
 * Builds the front ends the BFF serves (docs/decisions/102):
 * - the staff console (`console/`, Vite) into `<STATIC_DIR>/console`, served at `/admin/`;
 *   skipped, with a line saying so, while `console/` is not in the checkout;
 * - the mini-program's H5 build (Taro) into `<STATIC_DIR>/h5`, served at `/`. It calls the API
 *   on its own origin (`TARO_APP_API_BASE` empty, unless set for production) and, outside
 *   production, signs in with `dev:<name>` codes as the development BFF allows.
 *
 * `npm run build` (no argument) builds everything. `npm start` runs it with `--if-stale`: only a
 * build that is missing or older than its sources (scripts/build-stamp.ts) is made, the others
 * are reused; with NODE_ENV=production or SERVE_STATIC=off it builds nothing (production builds
 * ahead of time with `NODE_ENV=production npm run build`). `--only h5|console` limits the apps.
 * Progress is printed; each build's output goes to tmp/build-logs/<app>.log (its tail is printed
 * on failure). Exits 1 when a build fails, except with `--if-stale`: `npm start` then warns and
 * starts the BFF, whose API is still of use.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { newestMtime, staleReason, STAMP_FILE, writeStamp } from './build-stamp';

const ROOT = path.resolve(__dirname, '..');
const LOG_DIR = path.join(ROOT, 'tmp', 'build-logs');
/** How often a running build says it is still running. */
const HEARTBEAT_MS = 30_000;

interface FrontEnd {
  name: 'console' | 'h5';
  /** Why it cannot be built in this checkout, or null. */
  missing: () => string | null;
  /** Paths (relative to the repository) whose change changes the build. */
  sources: readonly string[];
  settings: Record<string, string>;
  command: (outDir: string) => { bin: string; args: string[]; env: Record<string, string> };
}

const production = process.env.NODE_ENV === 'production';
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

/** Where the builds go: STATIC_DIR as the BFF reads it (relative to the current folder), else dist/. */
const staticDir = process.env.STATIC_DIR?.trim() ? path.resolve(process.env.STATIC_DIR.trim()) : path.join(ROOT, 'dist');

const h5Settings: Record<string, string> = {
  // Same origin: the BFF serving the page answers /api.
  TARO_APP_API_BASE: production ? (process.env.TARO_APP_API_BASE ?? '') : '',
  // Only a development BFF accepts dev:<name> codes; H5 has no wx.login.
  TARO_APP_DEV_LOGIN: production ? 'false' : 'true',
};

const FRONT_ENDS: readonly FrontEnd[] = [
  {
    name: 'console',
    missing: () => (existsSync(path.join(ROOT, 'console', 'vite.config.ts')) ? null : 'console/vite.config.ts is not in this checkout'),
    sources: ['console', 'shared', 'package-lock.json', 'tsconfig.json'],
    settings: {},
    command: (outDir) => ({
      bin: bin('vite'),
      args: ['build', '--config', 'console/vite.config.ts', '--outDir', outDir, '--emptyOutDir'],
      env: {},
    }),
  },
  {
    name: 'h5',
    missing: () => null,
    // Taro reads .env, .env.local, .env.<mode> and .env.<mode>.local; package-lock.json stands
    // for the installed packages (package.json changes mostly in scripts).
    sources: ['miniprogram', 'shared', 'config', '.env', '.env.local', '.env.production', '.env.production.local', 'babel.config.js', 'package-lock.json'],
    settings: h5Settings,
    command: (outDir) => ({
      bin: bin('taro'),
      args: ['build', '--type', 'h5', '--mode', 'production'],
      env: { ...h5Settings, TARO_OUTPUT_ROOT: path.relative(ROOT, outDir) },
    }),
  },
];

function log(line: string): void {
  console.log(`[build] ${line}`);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`;
}

/** Sizes of the built scripts and styles (raw and gzip), for the log. */
function sizes(outDir: string): string {
  const totals = { js: [0, 0], css: [0, 0] };
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const p = path.join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const ext = path.extname(entry).slice(1);
        if (ext !== 'js' && ext !== 'css') continue;
        const body = readFileSync(p);
        totals[ext][0] += body.length;
        totals[ext][1] += gzipSync(body).length;
      }
    }
  };
  walk(outDir);
  return `js ${formatBytes(totals.js[0])} (gzip ${formatBytes(totals.js[1])}), css ${formatBytes(totals.css[0])} (gzip ${formatBytes(totals.css[1])})`;
}

async function build(app: FrontEnd, outDir: string, reason: string): Promise<boolean> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${app.name}.log`);
  const sourcesMtimeMs = newestMtime(ROOT, app.sources);
  log(`${app.name}: building (${reason}) into ${path.relative(ROOT, outDir) || '.'}; log: ${path.relative(ROOT, logFile)}`);
  // No stamp while building: an interrupted build is never taken for a finished one.
  rmSync(path.join(outDir, STAMP_FILE), { force: true });
  const started = Date.now();
  const { bin: cmd, args, env } = app.command(outDir);
  const out = createWriteStream(logFile);
  const heartbeat = setInterval(() => log(`${app.name}: still building (${Math.round((Date.now() - started) / 1000)} s)`), HEARTBEAT_MS);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', (err) => {
      out.write(`\n${String(err)}\n`);
      resolve(1);
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
  clearInterval(heartbeat);
  await new Promise<void>((resolve) => out.end(resolve));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0 || !existsSync(path.join(outDir, 'index.html'))) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    log(`${app.name}: FAILED after ${seconds} s (exit ${code}); the end of ${path.relative(ROOT, logFile)}:\n${tail}`);
    return false;
  }
  writeStamp(outDir, app.settings, sourcesMtimeMs);
  log(`${app.name}: built in ${seconds} s — ${sizes(outDir)}`);
  return true;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const ifStale = args.includes('--if-stale');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  if (only !== undefined && !FRONT_ENDS.some((f) => f.name === only)) {
    log(`unknown app "${only}" (console or h5)`);
    process.exitCode = 2;
    return;
  }
  if (ifStale && production) {
    log('NODE_ENV=production: not building; the BFF serves the builds made ahead of time by `NODE_ENV=production npm run build`');
    return;
  }
  if (ifStale && process.env.SERVE_STATIC?.trim().toLowerCase() === 'off') {
    log('SERVE_STATIC=off: the BFF serves no front end; nothing to build');
    return;
  }
  let ok = true;
  for (const app of FRONT_ENDS) {
    if (only !== undefined && app.name !== only) continue;
    const missing = app.missing();
    if (missing !== null) {
      log(`${app.name}: skipped (${missing})`);
      continue;
    }
    const outDir = path.join(staticDir, app.name);
    const reason = ifStale ? staleReason(outDir, app.settings, newestMtime(ROOT, app.sources)) : 'npm run build';
    if (reason === null) {
      log(`${app.name}: up to date in ${path.relative(ROOT, outDir)} (reused)`);
      continue;
    }
    if (!(await build(app, outDir, reason))) ok = false;
  }
  if (ok) return;
  if (ifStale) {
    // `npm start`: the API is still worth starting; the page answers 404 until a build succeeds.
    log('!!! a front-end build failed (see above); starting the BFF anyway. Fix it and restart, or run `npm run build`. !!!');
    return;
  }
  process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
