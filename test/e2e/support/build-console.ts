/**
 * Builds the staff console for the browser tests into tmp/e2e-static/console (the same Vite build as
 * `npm run build:console`, another output folder so a build for `npm start` is never touched
 * mid-run). Skipped when a complete earlier build is newer than every source (E2E_REBUILD=1
 * forces it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_CONSOLE_DIR, E2E_TMPDIR, LOG_DIR, ROOT } from './paths';

/** Written after a successful build: its presence means the folder holds a complete build. */
const STAMP = path.join(E2E_CONSOLE_DIR, '.e2e-build.json');
/** Everything whose change changes the bundle. */
const SOURCES = ['console', 'shared', 'package.json', 'package-lock.json'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function staleReason(): string | null {
  if (process.env.E2E_REBUILD === '1') return 'E2E_REBUILD=1';
  if (!existsSync(STAMP)) return 'no earlier build';
  const built = statSync(STAMP).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(ROOT, s)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/** Builds (or reuses) the tested console; returns its folder. Throws with the log's tail on failure. */
export async function ensureConsoleBuild(log: (line: string) => void = (l) => console.log(l)): Promise<string> {
  const reason = staleReason();
  if (reason === null) {
    log(`[e2e] reusing the console build in ${path.relative(ROOT, E2E_CONSOLE_DIR)} (E2E_REBUILD=1 rebuilds)`);
    return E2E_CONSOLE_DIR;
  }
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, 'build-console.log');
  log(`[e2e] building the console (${reason}) into ${path.relative(ROOT, E2E_CONSOLE_DIR)}; log: ${path.relative(ROOT, logFile)}`);
  const output: Buffer[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'console/vite.config.ts', '--outDir', E2E_CONSOLE_DIR], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: E2E_TMPDIR, FORCE_COLOR: '0', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (b: Buffer) => output.push(b));
    child.stderr.on('data', (b: Buffer) => output.push(b));
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const text = Buffer.concat(output).toString('utf8');
  writeFileSync(logFile, text);
  if (code !== 0 || !existsSync(path.join(E2E_CONSOLE_DIR, 'index.html'))) {
    throw new Error(`the console build failed (exit ${code}); see ${logFile}\n${text.split('\n').slice(-40).join('\n')}`);
  }
  writeFileSync(STAMP, `${JSON.stringify({ builtAt: new Date().toISOString() }, null, 2)}\n`);
  return E2E_CONSOLE_DIR;
}
