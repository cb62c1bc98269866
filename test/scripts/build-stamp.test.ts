/**
 * When `npm start` rebuilds a front end (scripts/build-stamp.ts, ADR 102): on a temporary source
 * tree and build folder, without running a build.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newestMtime, staleReason, STAMP_FILE, writeStamp } from '../../scripts/build-stamp';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCES = ['app', 'shared', '.env.production'];
const SETTINGS = { TARO_APP_API_BASE: '', TARO_APP_DEV_LOGIN: 'true' };

let dir: string;
let out: string;

/** Sets a path's modification time to `seconds` after an arbitrary epoch. */
function touch(p: string, seconds: number): void {
  const t = new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
  utimesSync(p, t, t);
}

beforeEach(() => {
  mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  dir = mkdtempSync(path.join(ROOT, 'tmp', 'build-stamp-'));
  mkdirSync(path.join(dir, 'app', 'pages'), { recursive: true });
  mkdirSync(path.join(dir, 'shared'));
  mkdirSync(path.join(dir, 'app', 'node_modules'));
  writeFileSync(path.join(dir, 'app', 'pages', 'index.tsx'), 'export {};');
  writeFileSync(path.join(dir, 'app', 'node_modules', 'dep.js'), '');
  writeFileSync(path.join(dir, 'shared', 'schema.ts'), 'export {};');
  writeFileSync(path.join(dir, '.env.production'), 'TARO_APP_DEV_LOGIN=false\n');
  for (const p of ['app/pages/index.tsx', 'app/pages', 'app/node_modules/dep.js', 'app/node_modules', 'app', 'shared/schema.ts', 'shared', '.env.production']) {
    touch(path.join(dir, p), 10);
  }
  out = path.join(dir, 'dist', 'h5');
  mkdirSync(out, { recursive: true });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A finished build of the current sources. */
function built(settings: Record<string, string> = SETTINGS): void {
  writeFileSync(path.join(out, 'index.html'), '<!doctype html>');
  writeStamp(out, settings, newestMtime(dir, SOURCES));
}

const reason = () => staleReason(out, SETTINGS, newestMtime(dir, SOURCES));

describe('build staleness', () => {
  it('builds when there is no build yet', () => {
    expect(reason()).toBe('no build yet');
  });

  it('reuses a build newer than every source', () => {
    built();
    expect(reason()).toBeNull();
  });

  it('rebuilds when a source file changes, however deep', () => {
    built();
    touch(path.join(dir, 'app', 'pages', 'index.tsx'), 20);
    expect(reason()).toBe('sources changed since the last build');
  });

  it('rebuilds when a file is added to or removed from a source folder', () => {
    built();
    writeFileSync(path.join(dir, 'shared', 'new.ts'), 'export {};');
    touch(path.join(dir, 'shared', 'new.ts'), 10);
    expect(reason()).toBe('sources changed since the last build');
    built();
    unlinkSync(path.join(dir, 'shared', 'new.ts'));
    expect(reason()).toBe('sources changed since the last build');
  });

  it('rebuilds when a source file that is not a folder changes (.env.production)', () => {
    built();
    touch(path.join(dir, '.env.production'), 30);
    expect(reason()).toBe('sources changed since the last build');
  });

  it('sees a source edited while the build ran (the time is taken before the build)', () => {
    const before = newestMtime(dir, SOURCES);
    touch(path.join(dir, 'app', 'pages', 'index.tsx'), 15);
    writeFileSync(path.join(out, 'index.html'), '<!doctype html>');
    writeStamp(out, SETTINGS, before);
    expect(reason()).toBe('sources changed since the last build');
  });

  it('ignores installed packages inside a source folder', () => {
    built();
    touch(path.join(dir, 'app', 'node_modules', 'dep.js'), 40);
    expect(reason()).toBeNull();
  });

  it('rebuilds a build made with other settings (a production build in development)', () => {
    built({ TARO_APP_API_BASE: '', TARO_APP_DEV_LOGIN: 'false' });
    expect(reason()).toBe('built with other settings');
  });

  it('rebuilds a folder without a stamp or without its index.html (an interrupted build)', () => {
    built();
    unlinkSync(path.join(out, STAMP_FILE));
    expect(reason()).toBe('no build stamp (an unfinished or foreign build)');
    built();
    writeFileSync(path.join(out, STAMP_FILE), '{not json');
    expect(reason()).toBe('no build stamp (an unfinished or foreign build)');
    built();
    unlinkSync(path.join(out, 'index.html'));
    expect(reason()).toBe('no build yet');
  });

  it('counts a missing source as nothing', () => {
    expect(newestMtime(dir, ['no-such-folder'])).toBe(0);
    expect(newestMtime(dir, ['no-such-folder', 'shared'])).toBe(Date.UTC(2026, 0, 1) + 10_000);
  });
});
