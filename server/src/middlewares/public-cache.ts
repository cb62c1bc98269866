/**
 * A micro-cache for public GET routes whose answer is the same for everybody (public letter list,
 * policy lists, categories …): anonymous requests within a few seconds of each other share one
 * rendered response, so a burst of readers costs one database query instead of one each.
 *
 * - Only requests without an `Authorization` header are served from or stored in the cache (a
 *   signed-in reader may get personal fields, e.g. "my response" on a consultation).
 * - Only 200 responses are stored, as the exact bytes sent, keyed by the route and its validated
 *   input (`keyOf`, see {@link canonicalKey}): defaults applied, values trimmed and parameters put
 *   in one order before the key is made, so a reordered query or a spelled-out default never makes
 *   a new entry; `?junk=<n>` is refused by validation before it reaches the cache (ADR 104).
 * - Entries live `ttlMs` (a few seconds: new content shows up at most that late) and the cache
 *   holds at most `maxEntries` responses of at most `maxBodyBytes` each, evicting the oldest.
 * - When an entry expires, the first reader rebuilds it and readers arriving meanwhile get the
 *   expired copy (for at most one more lifetime), so expiry never sends a burst to the database.
 * - Per instance by design: every instance fills its own from the database, so nothing another
 *   instance needs lives only here.
 */
import type { AppContext, AppMiddleware } from '../lib/http';

interface Entry {
  expiresAt: number;
  body: Buffer;
  contentType: string;
  /** One request is rebuilding this expired entry; the others keep getting it meanwhile. */
  refreshing: boolean;
}

export interface PublicCacheOptions {
  ttlMs: number;
  maxEntries?: number;
  maxBodyBytes?: number;
  /** Monotonic milliseconds (default `performance.now`), injectable for tests. */
  now?: () => number;
}

/** JSON with object keys sorted at every level: one text per value, whatever the order it was built in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The cache key of a request to `route` (its declared path) with its validated, normalised params
 * and query (as `validate` leaves them: values trimmed and coerced, defaults applied; requests with
 * unknown parameters never get here, validation refuses them).
 */
export function canonicalKey(route: string, input: { params: unknown; query: unknown }): string {
  return `${route} ${stableJson({ params: input.params, query: input.query })}`;
}

/** One cache shared by the public routes of an app instance. */
export class PublicResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxBodyBytes: number;
  private readonly now: () => number;

  constructor(private readonly defaults: Omit<PublicCacheOptions, 'ttlMs'> = {}) {
    this.maxEntries = defaults.maxEntries ?? 1000;
    this.maxBodyBytes = defaults.maxBodyBytes ?? 512 * 1024;
    this.now = defaults.now ?? (() => performance.now());
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The middleware for one route; `ttlMs` ≤ 0 turns caching off for it. `keyOf` names the entry of
   * a request; it runs after validation (see router.ts), so it reads the validated input.
   */
  middleware(ttlMs: number, keyOf: (ctx: AppContext) => string): AppMiddleware {
    const maxAge = Math.floor(ttlMs / 1000);
    return async (ctx, next) => {
      if (ttlMs <= 0 || ctx.get('authorization')) {
        await next();
        return;
      }
      const key = keyOf(ctx);
      const hit = this.entries.get(key);
      const now = this.now();
      // Fresh, or expired less than a lifetime ago while one request rebuilds it: readers arriving
      // at the moment of expiry do not all go to the database at once.
      if (hit && (hit.expiresAt > now || (hit.refreshing && hit.expiresAt + ttlMs > now))) {
        ctx.status = 200;
        ctx.type = hit.contentType;
        ctx.set('Cache-Control', `public, max-age=${maxAge}`);
        ctx.set('X-Cache', hit.expiresAt > now ? 'hit' : 'stale');
        ctx.body = hit.body;
        return;
      }
      if (hit) hit.refreshing = true;
      try {
        await next();
      } finally {
        if (hit) hit.refreshing = false;
      }
      if (ctx.status !== 200 || ctx.body === null || ctx.body === undefined || Buffer.isBuffer(ctx.body) || typeof (ctx.body as { pipe?: unknown }).pipe === 'function') return;
      // Render once: the same bytes go out now and to every hit.
      const body = Buffer.from(typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body));
      const contentType = ctx.response.get('Content-Type') || 'application/json; charset=utf-8';
      ctx.set('Cache-Control', `public, max-age=${maxAge}`);
      ctx.set('X-Cache', 'miss');
      ctx.type = contentType;
      ctx.body = body;
      if (body.length > this.maxBodyBytes) return;
      this.entries.delete(key);
      this.entries.set(key, { expiresAt: this.now() + ttlMs, body, contentType, refreshing: false });
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    };
  }
}
