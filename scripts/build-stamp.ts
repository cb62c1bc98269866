/**
 * When a front-end build must be made again (scripts/build.ts, docs/decisions/102). A successful
 * build leaves `.build-stamp.json` in its folder with the settings it was made with and the newest
 * modification time of its sources measured before it started; the build is reused while the
 * folder has its `index.html`, the stamp's settings are the wanted ones and the newest source time
 * is unchanged. Sources edited during a build are newer than the recorded time, so they are seen.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The stamp's file name in a build folder (a dotfile: the BFF never serves it). */
export const STAMP_FILE = '.build-stamp.json';

/** What a stamp records. */
export interface BuildStamp {
  /** Build-time settings (e.g. `TARO_APP_*` values); other settings mean another build. */
  settings: Record<string, string>;
  /** The newest modification time (ms) of the sources when the build started. */
  sourcesMtimeMs: number;
  builtAt: string;
}

/** Folders never walked: installed packages and build or scratch output. */
const SKIPPED = new Set(['node_modules', 'dist', 'tmp', '.git']);

/**
 * The newest modification time under `root` of the given paths (files or folders, walked
 * recursively, folders' own times included so a deleted file counts), 0 when none exists.
 */
export function newestMtime(root: string, sources: readonly string[]): number {
  const walk = (p: string): number => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return 0;
    }
    if (!st.isDirectory()) return st.mtimeMs;
    let newest = st.mtimeMs;
    for (const entry of readdirSync(p)) if (!SKIPPED.has(entry)) newest = Math.max(newest, walk(path.join(p, entry)));
    return newest;
  };
  return Math.max(0, ...sources.map((s) => walk(path.join(root, s))));
}

/** Why the build in `outDir` must be made again, or null when it can be reused. */
export function staleReason(outDir: string, settings: Record<string, string>, sourcesMtimeMs: number): string | null {
  if (!existsSync(path.join(outDir, 'index.html'))) return 'no build yet';
  let stamp: Partial<BuildStamp>;
  try {
    stamp = JSON.parse(readFileSync(path.join(outDir, STAMP_FILE), 'utf8')) as Partial<BuildStamp>;
  } catch {
    return 'no build stamp (an unfinished or foreign build)';
  }
  if (JSON.stringify(stamp.settings) !== JSON.stringify(settings)) return 'built with other settings';
  if (stamp.sourcesMtimeMs !== sourcesMtimeMs) return 'sources changed since the last build';
  return null;
}

/** Records a successful build made from sources whose newest time was `sourcesMtimeMs`. */
export function writeStamp(outDir: string, settings: Record<string, string>, sourcesMtimeMs: number): void {
  const stamp: BuildStamp = { settings, sourcesMtimeMs, builtAt: new Date().toISOString() };
  writeFileSync(path.join(outDir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}
