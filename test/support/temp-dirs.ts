/**
 * Fresh folders under the project's ignored tmp/ for one test file, removed after its tests:
 * `const tempDir = tempDirs('durability')` at the top of the file, then `tempDir()` per test.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

const TMP = path.resolve(__dirname, '../../tmp');

/** Returns a maker of new folders named `<prefix>-…`; every folder it made is removed in afterAll. */
export function tempDirs(prefix: string): () => string {
  let dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });
  return () => {
    mkdirSync(TMP, { recursive: true });
    const d = mkdtempSync(path.join(TMP, `${prefix}-`));
    dirs.push(d);
    return d;
  };
}
