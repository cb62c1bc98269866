/**
 * Per-instance view counters for public policy details (ADR 071). A view used to be an fsynced
 * `$inc` on the policy before its detail could be answered; now each instance counts views in
 * memory and `flush()` adds them to the stored `viewCount`s with one unordered bulk write of
 * `$inc`s, which main.ts runs every few seconds and on a graceful shutdown. A crash loses the
 * views of the last few seconds, never anything else; the counts are bookkeeping, so the bulk write
 * uses `j: false` (lib/write-concern.ts). Views are not edits: `updatedAt` is left alone.
 */
import type { mongo } from 'mongoose';
import { Types } from 'mongoose';
import type { Logger } from '../../lib/logger';
import { COUNTER_WRITE_CONCERN } from '../../lib/write-concern';

/** How often main.ts flushes the counts of an instance. */
export const VIEW_FLUSH_INTERVAL_MS = 5_000;

interface ViewCounter {
  /** Counts one view of the policy `id` (ignored unless a valid ObjectId). */
  record(id: string): void;
  /** Views of `id` counted by this instance and not yet stored (including a flush in progress). */
  pending(id: string): number;
  /** Stores every count gathered so far; resolves with the number of views written. */
  flush(): Promise<number>;
}

/** Counters over `collection`'s `viewCount` field, keyed by `_id`. */
export function createViewCounter(collection: mongo.Collection, logger: Logger): ViewCounter {
  let counts = new Map<string, number>();
  let flushing = new Map<string, number>();
  let running: Promise<number> | null = null;

  const store = async (): Promise<number> => {
    if (counts.size === 0) return 0;
    const batch = counts;
    counts = new Map();
    flushing = batch;
    let views = 0;
    const ops = [...batch].map(([id, n]) => {
      views += n;
      return { updateOne: { filter: { _id: new Types.ObjectId(id) }, update: { $inc: { viewCount: n } } } };
    });
    try {
      await collection.bulkWrite(ops, { ordered: false, writeConcern: COUNTER_WRITE_CONCERN });
      return views;
    } catch (err) {
      // Keep the counts for the next flush rather than drop them on a passing database error (a
      // partly applied batch may then count some views twice: they are statistics, not records).
      for (const [id, n] of batch) counts.set(id, (counts.get(id) ?? 0) + n);
      logger.warn({ err, policies: batch.size }, 'storing policy view counts failed; retrying with the next flush');
      return 0;
    } finally {
      flushing = new Map();
    }
  };

  return {
    record(id) {
      if (!/^[0-9a-f]{24}$/i.test(id)) return;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    },

    pending(id) {
      return (counts.get(id) ?? 0) + (flushing.get(id) ?? 0);
    },

    async flush() {
      // One flush at a time: a second caller waits for the running one, then stores what came since.
      while (running) await running;
      running = store();
      try {
        return await running;
      } finally {
        running = null;
      }
    },
  };
}
