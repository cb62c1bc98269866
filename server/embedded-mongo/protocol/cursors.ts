/**
 * Server-side cursors: results are materialised as an array of (immutable) document references
 * and handed out in batches cut both by count and by byte size, so no reply carries more than
 * 16 MiB of documents. Idle cursors are closed after a timeout.
 */
import { randomBytes } from 'node:crypto';
import { calculateObjectSize, Long } from 'bson';
import { MongoCommandError } from '../errors';
import type { Doc } from '../types';
import { MAX_BSON_OBJECT_SIZE } from './wire';

export const DEFAULT_FIRST_BATCH = 101;
/** Room left for the reply envelope around a batch. */
const BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 16 * 1024;

interface Cursor {
  id: bigint;
  ns: string;
  docs: Doc[];
  pos: number;
  lastUsed: number;
  sessionKey?: string;
}

export class CursorRegistry {
  private readonly cursors = new Map<bigint, Cursor>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly idleTimeoutMs = 10 * 60 * 1000) {
    this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, idleTimeoutMs / 4)));
    this.timer.unref();
  }

  get open(): number {
    return this.cursors.size;
  }

  /** Closes cursors idle for longer than the timeout. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const [id, c] of this.cursors) {
      if (now - c.lastUsed > this.idleTimeoutMs) {
        this.cursors.delete(id);
        n++;
      }
    }
    return n;
  }

  private takeBatch(c: { docs: Doc[]; pos: number }, batchSize: number | undefined): Doc[] {
    const max = batchSize && batchSize > 0 ? batchSize : Infinity;
    const out: Doc[] = [];
    let bytes = 0;
    while (c.pos < c.docs.length && out.length < max) {
      const size = calculateObjectSize(c.docs[c.pos]);
      if (out.length > 0 && bytes + size > BATCH_BYTES) break;
      bytes += size;
      out.push(c.docs[c.pos++]);
    }
    return out;
  }

  /**
   * The first batch of a result; opens a cursor when more remain (and `singleBatch` is false).
   * `batchSize` 0 returns an empty first batch with an open cursor.
   */
  first(ns: string, docs: Doc[], opts: { batchSize?: number; singleBatch?: boolean; sessionKey?: string }): Doc {
    const state = { docs, pos: 0 };
    const batchSize = opts.batchSize ?? DEFAULT_FIRST_BATCH;
    const firstBatch = batchSize === 0 ? [] : this.takeBatch(state, batchSize);
    let id = 0n;
    if (state.pos < docs.length && !opts.singleBatch) {
      id = this.newId();
      this.cursors.set(id, { id, ns, docs, pos: state.pos, lastUsed: Date.now(), sessionKey: opts.sessionKey });
    }
    return { cursor: { firstBatch, id: Long.fromBigInt(id), ns }, ok: 1 };
  }

  /** The next batch of an open cursor. */
  next(id: bigint, ns: string, batchSize: number | undefined): Doc {
    const c = this.cursors.get(id);
    if (!c) throw new MongoCommandError('CursorNotFound', `cursor id ${id} not found`);
    if (c.ns !== ns) {
      throw new MongoCommandError('BadValue', `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`);
    }
    c.lastUsed = Date.now();
    const nextBatch = this.takeBatch(c, batchSize);
    let outId = id;
    if (c.pos >= c.docs.length) {
      this.cursors.delete(id);
      outId = 0n;
    }
    return { cursor: { nextBatch, id: Long.fromBigInt(outId), ns }, ok: 1 };
  }

  kill(ids: bigint[]): Doc {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id) ? killed : notFound).push(Long.fromBigInt(id));
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  /** Closes every cursor of a session (endSessions). */
  killSession(sessionKey: string): void {
    for (const [id, c] of this.cursors) if (c.sessionKey === sessionKey) this.cursors.delete(id);
  }

  close(): void {
    clearInterval(this.timer);
    this.cursors.clear();
  }

  private newId(): bigint {
    let id = 0n;
    while (id === 0n || this.cursors.has(id)) id = randomBytes(8).readBigUInt64LE() & 0x7fffffffffffffffn;
    return id;
  }
}
