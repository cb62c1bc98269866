/**
 * Fixed-window rate limits with their counters in MongoDB, so every BFF instance behind the load
 * balancer counts into the same windows. Each counter is one atomic `findOneAndUpdate` with
 * `$inc` and upsert, shared by the requests counting into the same window in one turn of the event
 * loop, and written with `j: false` (no fsync wait; see lib/write-concern.ts); expired windows are deleted by {@link RateLimitService.sweepExpired},
 * which main.ts runs periodically (no TTL index: the embedded engine refuses them).
 */
import type { mongo } from 'mongoose';
import type { Actor } from '../../lib/actor';
import { tooManyRequests } from '../../lib/errors';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import { COUNTER_WRITE_CONCERN } from '../../lib/write-concern';
import type { RateLimitOptions } from '../../lib/route';
import type { ServiceDeps } from '../../services';
import type { RateLimitWindowDoc } from './rate-limit.model';

/** One counter to increment: `subject` is who is counted (`ip:1.2.3.4`, `staff:<id>` …). */
export interface RateLimitCounter {
  subject: string;
  limit: number;
}

export interface RateLimitService {
  /**
   * Counts one request against each counter in `bucket`. Every counter is incremented, then the
   * request is refused if any is over its limit.
   * @throws rate_limited with `retryAfter` = seconds until the window ends.
   */
  consume(bucket: string, counters: readonly RateLimitCounter[], windowSeconds: number): Promise<void>;
  /** Applies a route's limits to an actor: per account (citizen or staff) and per IP. */
  checkRequest(actor: Actor, options: RateLimitOptions): Promise<void>;
  /**
   * Counts one public read from `ip` (bucket `public_read`), and a search also in `public_search`.
   * @throws rate_limited with `retryAfter`.
   */
  checkPublicRead(ip: string, options: { search: boolean }): Promise<void>;
  /** Deletes windows that have ended; returns how many. */
  sweepExpired(): Promise<number>;
}

/** The bucket shared by write routes that do not name their own. */
export const DEFAULT_BUCKET = 'write';
/** Buckets of public reads and public searches (ADR 091). */
const PUBLIC_READ_BUCKET = 'public_read';
const PUBLIC_SEARCH_BUCKET = 'public_search';

export function createRateLimitService({ models, config, clock }: ServiceDeps): RateLimitService {
  const windows = models.RateLimitWindow.collection as unknown as mongo.Collection<RateLimitWindowDoc>;
  /** Adds `n` to a window; resolves with its count afterwards. */
  const bumpBy = async (id: string, n: number, expiresAt: Date): Promise<number> => {
    // `expiresAt` is the same for every request of the window, so `$set` is idempotent.
    // Straight to the driver: this runs on every write request, and the document is two plain
    // fields, so mongoose's query building and casting would be pure overhead here.
    // Not journaled: a crash may forget a few seconds of counts, and the request waits for no fsync.
    const bump = () =>
      windows.findOneAndUpdate(
        { _id: id },
        { $inc: { count: n }, $set: { expiresAt } },
        { upsert: true, returnDocument: 'after', projection: { count: 1 }, writeConcern: COUNTER_WRITE_CONCERN },
      );
    let doc: Pick<RateLimitWindowDoc, 'count'> | null;
    try {
      doc = await bump();
    } catch (err) {
      // Two instances creating the same window at once: one insert loses on the _id index and
      // the retry increments the document the other created.
      if (!isDuplicateKeyError(err)) throw err;
      doc = await bump();
    }
    return doc?.count ?? n;
  };

  /**
   * Requests counting into the same window in one turn of the event loop share one `$inc` of
   * their number (many readers behind one address, a burst of one citizen's requests), each
   * getting its own place in the count as if they had incremented one after another.
   */
  const gathering = new Map<string, { n: number; expiresAt: Date; waiters: Array<{ place: number; resolve(count: number): void; reject(err: unknown): void }> }>();
  const increment = (id: string, expiresAt: Date): Promise<number> =>
    new Promise((resolve, reject) => {
      let batch = gathering.get(id);
      if (!batch) {
        const started = { n: 0, expiresAt, waiters: [] as Array<{ place: number; resolve(count: number): void; reject(err: unknown): void }> };
        gathering.set(id, started);
        setImmediate(() => {
          gathering.delete(id);
          bumpBy(id, started.n, started.expiresAt).then(
            (count) => {
              for (const w of started.waiters) w.resolve(count - started.n + w.place);
            },
            (err: unknown) => {
              for (const w of started.waiters) w.reject(err);
            },
          );
        });
        batch = started;
      }
      batch.waiters.push({ place: ++batch.n, resolve, reject });
    });

  const service: RateLimitService = {
    async consume(bucket, counters, windowSeconds) {
      const now = clock();
      const windowMs = windowSeconds * 1000;
      const windowStart = Math.floor(now / windowMs) * windowMs;
      const expiresAt = new Date(windowStart + windowMs);
      // Independent counters: increment them concurrently (one round trip of latency, not one each).
      const counts = await Promise.all(counters.map((c) => increment(`${bucket}:${c.subject}:${windowStart}`, expiresAt)));
      if (counts.some((count, i) => count > counters[i].limit)) throw tooManyRequests((expiresAt.getTime() - now) / 1000);
    },

    async checkRequest(actor, options) {
      const counters: RateLimitCounter[] = [{ subject: `ip:${actor.ip}`, limit: options.perIp ?? config.rateLimit.perIp }];
      const perUser = options.perUser ?? config.rateLimit.perUser;
      if (actor.kind === 'citizen') counters.push({ subject: `user:${actor.userId}`, limit: perUser });
      if (actor.kind === 'staff') counters.push({ subject: `staff:${actor.staffId}`, limit: perUser });
      await service.consume(options.bucket ?? DEFAULT_BUCKET, counters, options.windowSeconds ?? config.rateLimit.windowSeconds);
    },

    async checkPublicRead(ip, { search }) {
      const { windowSeconds, publicReadPerIp, publicSearchPerIp } = config.rateLimit;
      const subject = `ip:${ip}`;
      await Promise.all([
        service.consume(PUBLIC_READ_BUCKET, [{ subject, limit: publicReadPerIp }], windowSeconds),
        ...(search ? [service.consume(PUBLIC_SEARCH_BUCKET, [{ subject, limit: publicSearchPerIp }], windowSeconds)] : []),
      ]);
    },

    async sweepExpired() {
      const result = await models.RateLimitWindow.deleteMany({ expiresAt: { $lte: new Date(clock()) } });
      return result.deletedCount;
    },
  };
  return service;
}
