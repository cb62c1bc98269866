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
import type http from 'node:http';
import type { AppContext, AppMiddleware } from '../lib/http';

interface Entry {
  expiresAt: number;
  body: Buffer;
  contentType: string;
  /** One request is rebuilding this expired entry; the others keep getting it meanwhile. */
  refreshing: boolean;
}

/**
 * A request URL whose answer was a cache entry: the fast path ({@link PublicResponseCache.tryServe})
 * answers it again from that entry with the headers the full stack sent.
 */
interface Alias {
  key: string;
  /** The route's lifetime: how long an expired entry may still be sent while one request rebuilds it. */
  ttlMs: number;
  contentType: string;
  /** The response headers the full stack sent, without the per-request ones (see PER_REQUEST_HEADERS). */
  headers: http.OutgoingHttpHeaders;
  /** The route's `onServed` hook for these params (a cache hit is served by nobody). */
  served?: () => void;
}

/** Headers of one response only: the fast path sets them itself. */
const PER_REQUEST_HEADERS = ['x-request-id', 'x-cache', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding'];

/** What the fast path does for each answer besides sending it: the request id and the request log. */
export interface FastPathHooks {
  /** The request id to send (the incoming one when sane, else a new one). */
  requestId(req: http.IncomingMessage): string;
  /** Logs the request line, as the request log would. */
  served(line: { reqId: string; method: string; path: string; status: number; ms: number }): void;
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
  /** Raw request URL (`/api/policies/<id>?…`) → the entry it was answered from; see {@link tryServe}. */
  private readonly aliases = new Map<string, Alias>();
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
   * `served` is the route's `onServed` hook for a request's params, which the fast path calls.
   */
  middleware(ttlMs: number, keyOf: (ctx: AppContext) => string, served?: (params: Record<string, string>) => void): AppMiddleware {
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
        this.learn(ctx, key, ttlMs, hit.contentType, served);
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
      this.learn(ctx, key, ttlMs, contentType, served);
    };
  }

  /**
   * Remembers that this request's URL is answered by entry `key`, with the headers the whole stack
   * ends up sending (read when the response is written, so the outer middlewares' headers are in).
   * Once per URL: a URL always validates to the same key, whoever asks without a token.
   */
  private learn(ctx: AppContext, key: string, ttlMs: number, contentType: string, served?: (params: Record<string, string>) => void): void {
    // A context without a Node request (a test's stand-in) has nothing to learn.
    const url = (ctx.req as http.IncomingMessage | undefined)?.url;
    if (ctx.method !== 'GET' || url === undefined || this.aliases.get(url)?.key === key) return;
    const params = { ...(ctx.params as Record<string, string> | undefined) };
    const res = ctx.res;
    res.once('finish', () => {
      if (res.statusCode !== 200) return;
      // Under the names as the stack spelled them, so the bytes on the wire are the same too.
      const headers: http.OutgoingHttpHeaders = {};
      // getRawHeaderNames (Node ≥ 15.13) is missing from the installed @types/node.
      for (const name of (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames()) {
        if (!PER_REQUEST_HEADERS.includes(name.toLowerCase())) headers[name] = res.getHeader(name);
      }
      this.aliases.delete(url);
      this.aliases.set(url, { key, ttlMs, contentType, headers, ...(served ? { served: () => served(params) } : {}) });
      // Bounded like the entries (a URL per entry is the common case, junk queries add more).
      while (this.aliases.size > this.maxEntries * 4) this.aliases.delete(this.aliases.keys().next().value as string);
    });
  }

  /**
   * The fast path for a fresh hit, in front of Koa (app.ts): a GET without `Authorization` for a
   * URL the full stack answered from an entry that is still fresh (or expired and being rebuilt,
   * within one more lifetime, as in the middleware) is answered here, with the same bytes and
   * headers (security and cache headers as learned; its own request id; `X-Cache: hit`/`stale`),
   * the route's `onServed` hook called and the request line logged. Anything else (unknown URL,
   * expired entry nobody rebuilds, evicted entry, a token, another method) returns false and goes
   * through Koa.
   */
  tryServe(req: http.IncomingMessage, res: http.ServerResponse, hooks: FastPathHooks): boolean {
    if (this.aliases.size === 0 || req.method !== 'GET' || req.headers.authorization || req.url === undefined) return false;
    const alias = this.aliases.get(req.url);
    if (!alias) return false;
    const entry = this.entries.get(alias.key);
    if (!entry || entry.contentType !== alias.contentType) return false;
    // As the middleware: fresh, or expired less than a lifetime ago while one request rebuilds it.
    const now = this.now();
    const fresh = entry.expiresAt > now;
    if (!fresh && !(entry.refreshing && entry.expiresAt + alias.ttlMs > now)) return false;
    const started = process.hrtime.bigint();
    const reqId = hooks.requestId(req);
    res.writeHead(200, { ...alias.headers, 'X-Request-Id': reqId, 'X-Cache': fresh ? 'hit' : 'stale', 'Content-Length': entry.body.length });
    res.end(entry.body);
    alias.served?.();
    const q = req.url.indexOf('?');
    hooks.served({ reqId, method: 'GET', path: q === -1 ? req.url : req.url.slice(0, q), status: 200, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 });
    return true;
  }
}
