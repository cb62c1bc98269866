/**
 * Serves the built front ends from the BFF's own origin (docs/decisions/102): the staff console
 * at `/admin/` (Vite build, `dist/console`) and the mini-program's H5 build at `/` (Taro build,
 * `dist/h5`). `/api` and everything below it is never touched here: it stays the router's, with
 * its JSON 404.
 *
 * Written on `node:fs` streams rather than taken from koa-static/koa-send, which are not
 * installed; it does only what two build folders need:
 * - GET and HEAD only (other methods: 405 `method_not_allowed`);
 * - a request path is decoded segment by segment and refused (404) when a segment is `.`/`..`,
 *   starts with a dot (build stamps, dotfiles) or holds a slash, backslash or NUL after decoding;
 *   the resolved real path must stay inside the real build folder (no way out through `..`,
 *   `%2e%2e`, `%2f` or a symlink);
 * - `ETag` (weak, from size and modification time) and `Last-Modified`, with 304 answers to
 *   `If-None-Match` / `If-Modified-Since` (Koa's `ctx.fresh`);
 * - Content-Type from the extension (Koa's mime-types lookup), `application/octet-stream` when
 *   unknown;
 * - `Cache-Control: public, max-age=31536000, immutable` for files whose name carries a content
 *   hash (the console's `assets/`, Taro's `name.<hex hash>.ext`), `no-cache` (revalidate with the
 *   ETag) for everything else, `index.html` first of all;
 * - history fallback: under `/admin/` a path that names no file and does not look like one
 *   (no extension, not under `assets/`) gets the console's `index.html`, so its client-side routes
 *   can be reloaded and bookmarked. The H5 build routes by hash (`config/index.ts`
 *   `h5.router.mode`), so at `/` only `/` itself is its page; other unknown paths are 404.
 *
 * A missing build folder is not an error here: its paths answer 404 like any other unknown path
 * (main.ts warns at start).
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext, AppMiddleware } from '../lib/http';

/** Where the builds are. */
export interface StaticFilesOptions {
  /** The console's build folder (served at `/admin/`). */
  consoleDir: string;
  /** The H5 build folder (served at `/`). */
  h5Dir: string;
}

/** The console's mount point; its build is made with this `base`. */
export const CONSOLE_BASE = '/admin/';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** A Taro output name with a content hash: `js/app.1a2b3c4d.js`, `css/app.5e6f….css`. */
const HEX_HASHED_NAME = /\.[0-9a-f]{8,}\.[a-z0-9]+$/i;

interface Site {
  /** The URL prefix the folder is served under, with its trailing slash. */
  prefix: string;
  dir: string;
  /** Whether a path (relative to the folder, `/`-separated) names a file with a content hash. */
  immutable(rel: string): boolean;
  /** Whether an unknown path gets `index.html`. */
  fallback(rel: string): boolean;
}

/** The last segment has an extension: a request for a file, never a client-side route. */
const looksLikeFile = (rel: string) => /\.[a-z0-9]+$/i.test(rel.slice(rel.lastIndexOf('/') + 1));

export function staticFiles(options: StaticFilesOptions): AppMiddleware {
  const consoleSite: Site = {
    prefix: CONSOLE_BASE,
    dir: path.resolve(options.consoleDir),
    // Vite writes only content-hashed files under assets/.
    immutable: (rel) => rel.startsWith('assets/'),
    fallback: (rel) => !rel.startsWith('assets/') && !looksLikeFile(rel),
  };
  const h5Site: Site = {
    prefix: '/',
    dir: path.resolve(options.h5Dir),
    immutable: (rel) => HEX_HASHED_NAME.test(rel),
    // Hash routing: the page is always `/`; `/index.html` is served as the file it is.
    fallback: (rel) => rel === '',
  };

  return async (ctx, next) => {
    const p = ctx.path;
    if (p === '/api' || p.startsWith('/api/')) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      // Every route of the BFF is under /api: nothing else takes other methods.
      ctx.set('Allow', 'GET, HEAD');
      ctx.status = 405;
      return;
    }
    if (p === CONSOLE_BASE.slice(0, -1)) {
      // `/admin` → `/admin/`: the console's router and relative links expect the slash.
      ctx.status = 301;
      ctx.redirect(CONSOLE_BASE + (ctx.querystring ? `?${ctx.querystring}` : ''));
      return;
    }
    const site = p.startsWith(CONSOLE_BASE) ? consoleSite : h5Site;
    const rel = p.slice(site.prefix.length);
    const segments = safeSegments(rel);
    if (segments === null) return next();
    const relPath = segments.join('/');
    let file = await findFile(site.dir, segments);
    if (file === null && site.fallback(relPath)) file = await findFile(site.dir, ['index.html']);
    if (file === null) return next();
    const isIndex = file.path === path.join(site.dir, 'index.html');
    send(ctx, file.path, file.stats, !isIndex && site.immutable(relPath) ? IMMUTABLE : REVALIDATE);
  };
}

/**
 * The decoded path segments, or null when the path must not reach the file system: a segment
 * that does not decode, is `.`/`..`, starts with a dot, or decodes to a separator or NUL.
 */
function safeSegments(rel: string): string[] | null {
  const segments: string[] = [];
  for (const raw of rel.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment.startsWith('.') || /[/\\\0]/.test(segment)) return null;
    // Empty segments (`a//b`, a trailing slash) name nothing; path.join would drop them anyway.
    if (segment !== '') segments.push(segment);
  }
  return segments;
}

/** The regular file at `dir/segments…` whose real path is inside `dir`'s real path, or null. */
async function findFile(dir: string, segments: string[]): Promise<{ path: string; stats: Stats } | null> {
  if (segments.length === 0) return null;
  const candidate = path.join(dir, ...segments);
  try {
    const [realDir, realFile] = await Promise.all([realpath(dir), realpath(candidate)]);
    if (!realFile.startsWith(realDir + path.sep)) return null;
    const stats = await stat(realFile);
    return stats.isFile() ? { path: candidate, stats } : null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'ENAMETOOLONG') return null;
    throw err;
  }
}

function send(ctx: AppContext, file: string, stats: Stats, cacheControl: string): void {
  ctx.status = 200;
  ctx.type = path.extname(file) || 'application/octet-stream';
  if (!ctx.type) ctx.type = 'application/octet-stream';
  ctx.set('Cache-Control', cacheControl);
  ctx.set('Last-Modified', stats.mtime.toUTCString());
  ctx.set('ETag', `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`);
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.length = stats.size;
  if (ctx.method === 'HEAD') return;
  ctx.body = createReadStream(file);
}
