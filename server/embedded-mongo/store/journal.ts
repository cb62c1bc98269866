/**
 * Append-only journal with group commit.
 *
 * File format (`journal.log` in the dbpath): a sequence of records, each
 *   u32 LE payload length | u32 LE CRC-32 of the payload | BSON payload
 * Every payload is an idempotent operation (create collection, put document, delete by _id, …),
 * so replaying a record twice is harmless; compaction relies on that.
 *
 * Durability: `append()` resolves only after the record's bytes were written and fdatasync'ed.
 * Records appended while a write+fsync is in flight are gathered into the next batch (group
 * commit), so many concurrent writers share one fsync. `appendLazily()` queues records the same
 * way without waiting for them (a `j: false` write): they go out with the next batch, in order, so
 * any later `append()` or `sync()` resolving means they are on disk too.
 *
 * Replay: a short or checksum-failing record at the END of the file is a torn write from a crash
 * and is truncated with a warning; a bad record followed by a valid chain of records to the end is
 * corruption in the middle and is fatal (we refuse to silently drop acknowledged data).
 *
 * Compaction: the live state is written to `journal.tmp`, fsynced, renamed over `journal.log`,
 * and the directory fsynced. It runs inside the flush loop, so no batch interleaves with it;
 * records queued meanwhile land in the new file before they are acknowledged.
 */
import { promises as fsp, openSync, closeSync, readFileSync, writeFileSync, unlinkSync, existsSync, fsyncSync, ftruncateSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { BSON } from 'bson';
import type { Doc } from '../types';

export const JOURNAL_FILE = 'journal.log';
export const LOCK_FILE = 'mongod.lock';
/** Files in the data directory are private to the server's user (see permissions.ts). */
export const DATA_FILE_MODE = 0o600;
const HEADER_BYTES = 8;

export interface JournalLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Encodes one record. */
export function encodeRecord(payload: Doc): Buffer {
  const body = BSON.serialize(payload);
  const head = Buffer.allocUnsafe(HEADER_BYTES);
  head.writeUInt32LE(body.length, 0);
  head.writeUInt32LE(crc32(body) >>> 0, 4);
  return Buffer.concat([head, body]);
}

/** Where the record at `offset` ends, or -1 when it is incomplete or fails its checksum. */
function validRecordEnd(buf: Buffer, offset: number): number {
  if (offset + HEADER_BYTES > buf.length) return -1;
  const len = buf.readUInt32LE(offset);
  const end = offset + HEADER_BYTES + len;
  if (len < 5 || end > buf.length) return -1;
  const body = buf.subarray(offset + HEADER_BYTES, end);
  if ((crc32(body) >>> 0) !== buf.readUInt32LE(offset + 4)) return -1;
  return end;
}

/** True when, from `offset`, valid records follow one another exactly to the end of `buf`. */
function validChainToEnd(buf: Buffer, offset: number): boolean {
  let pos = offset;
  let count = 0;
  while (pos < buf.length) {
    const end = validRecordEnd(buf, pos);
    if (end < 0) return false;
    pos = end;
    count++;
  }
  return count > 0;
}

/**
 * Reads every complete record of the journal in `dir`. Truncates a torn tail (returning how many
 * bytes were cut); throws on corruption in the middle.
 */
export function readJournal(dir: string, logger?: JournalLogger): { records: Doc[]; truncatedBytes: number } {
  const file = path.join(dir, JOURNAL_FILE);
  if (!existsSync(file)) return { records: [], truncatedBytes: 0 };
  const buf = readFileSync(file);
  const records: Doc[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const end = validRecordEnd(buf, offset);
    if (end < 0) {
      // Is there a valid chain after a plausible record boundary? Then this is mid-file corruption.
      const len = offset + 4 <= buf.length ? buf.readUInt32LE(offset) : 0;
      const next = offset + HEADER_BYTES + len;
      if (len >= 5 && next < buf.length && validChainToEnd(buf, next)) {
        throw new Error(
          `journal ${file} is corrupt at byte ${offset} (a damaged record is followed by valid ones); refusing to start. Restore from backup or remove the damaged record by hand.`,
        );
      }
      const cut = buf.length - offset;
      const fd = openSync(file, 'r+');
      try {
        ftruncateSync(fd, offset);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      logger?.warn(`journal: truncated a torn last record (${cut} bytes at offset ${offset}) left by an interrupted write`);
      return { records, truncatedBytes: cut };
    }
    records.push(BSON.deserialize(buf.subarray(offset + HEADER_BYTES, end), { promoteValues: false }) as Doc);
    offset = end;
  }
  return { records, truncatedBytes: 0 };
}

/** Takes the dbpath lock (a pid file), refusing when another live process holds it. */
export function acquireLock(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(`dbpath ${dir} is in use by another embedded MongoDB server (pid ${pid})`);
    }
    if (pid === process.pid && heldInProcess.has(path.resolve(dir))) {
      throw new Error(`dbpath ${dir} is already open in this process`);
    }
  }
  writeFileSync(file, `${process.pid}\n`, { mode: DATA_FILE_MODE });
  const key = path.resolve(dir);
  heldInProcess.add(key);
  return () => {
    heldInProcess.delete(key);
    try {
      unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
}

const heldInProcess = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/** The open journal: appends with group commit and compacts by write-then-rename. */
export class Journal {
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private flushing = false;
  private closed = false;
  private failed: Error | null = null;
  private compactRequested: (() => Doc[]) | null = null;
  /** Waiters of the batch being written and fsynced now (null when none is). */
  private inFlight: Waiter[] | null = null;
  /** Group commits are held back (tests of write concerns: a disk that has not synced yet). */
  private held = false;
  /** Bytes in the journal file, including batches being written. */
  size: number;
  /** Number of fsync batches so far (for tests and benchmarks). */
  batches = 0;

  private constructor(
    private readonly dir: string,
    private handle: fsp.FileHandle,
    size: number,
    private readonly logger?: JournalLogger,
  ) {
    this.size = size;
  }

  /** Opens (creating if needed) the journal for appending. */
  static async open(dir: string, logger?: JournalLogger): Promise<Journal> {
    const file = path.join(dir, JOURNAL_FILE);
    const handle = await fsp.open(file, 'a', DATA_FILE_MODE);
    const { size } = await handle.stat();
    return new Journal(dir, handle, size, logger);
  }

  /** Appends records; resolves once they are on disk. */
  append(records: Doc[]): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    if (records.length === 0) return Promise.resolve();
    for (const r of records) this.pending.push(encodeRecord(r));
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  /**
   * Queues records for the next group commit without waiting for it (write concern `j: false`).
   * Throws when the journal already failed or is closed, as `append` rejects.
   */
  appendLazily(records: Doc[]): void {
    if (this.failed) throw this.failed;
    if (this.closed) throw new Error('journal is closed');
    if (records.length === 0) return;
    for (const r of records) this.pending.push(encodeRecord(r));
    this.schedule();
  }

  /** Resolves once every record appended so far (lazily or not) is on disk. */
  sync(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.pending.length === 0 && !this.inFlight) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // Queued records join the next batch; with none queued, the batch being written is the last.
      (this.pending.length > 0 ? this.waiters : this.inFlight!).push({ resolve, reject });
    });
  }

  /**
   * Holds group commits back until the returned function is called, as a disk that has not synced
   * yet would: appends queue up and `append`/`sync` stay unresolved. For tests of write concerns.
   */
  hold(): () => void {
    this.held = true;
    return () => {
      this.held = false;
      if (this.pending.length > 0 || this.compactRequested) this.schedule();
    };
  }

  /** Asks for a compaction at the next flush; `snapshot` returns the live state as records. */
  requestCompaction(snapshot: () => Doc[]): void {
    this.compactRequested = snapshot;
    this.schedule();
  }

  private schedule(): void {
    if (this.flushing || this.held) return;
    this.flushing = true;
    // setImmediate lets every write issued in this turn of the event loop join the batch.
    setImmediate(() => void this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    try {
      while (!this.held && (this.pending.length > 0 || this.compactRequested)) {
        if (this.compactRequested) {
          const snapshot = this.compactRequested;
          this.compactRequested = null;
          await this.compact(snapshot());
        }
        if (this.pending.length === 0) continue;
        const batch = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        // sync() callers arriving while this batch is written wait for it (they push here).
        this.inFlight = waiters;
        try {
          const buf = batch.length === 1 ? batch[0] : Buffer.concat(batch);
          await this.handle.write(buf);
          await this.handle.datasync();
          this.size += buf.length;
          this.batches++;
          this.inFlight = null;
          for (const w of waiters) w.resolve();
        } catch (err) {
          // A failed fsync leaves the file in an unknown state: stop acknowledging anything.
          this.failed = new Error(`journal write failed: ${(err as Error).message}`);
          this.logger?.error(this.failed.message);
          this.inFlight = null;
          for (const w of waiters) w.reject(this.failed);
          for (const w of this.waiters) w.reject(this.failed);
          this.waiters = [];
          this.pending = [];
          return;
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async compact(records: Doc[]): Promise<void> {
    const tmp = path.join(this.dir, 'journal.tmp');
    const target = path.join(this.dir, JOURNAL_FILE);
    const out = await fsp.open(tmp, 'w', DATA_FILE_MODE);
    let size = 0;
    try {
      // Write in chunks to keep memory bounded for large collections.
      let chunk: Buffer[] = [];
      let chunkBytes = 0;
      for (const r of records) {
        const enc = encodeRecord(r);
        chunk.push(enc);
        chunkBytes += enc.length;
        if (chunkBytes > 4 * 1024 * 1024) {
          await out.write(Buffer.concat(chunk));
          size += chunkBytes;
          chunk = [];
          chunkBytes = 0;
        }
      }
      if (chunk.length) {
        await out.write(Buffer.concat(chunk));
        size += chunkBytes;
      }
      await out.datasync();
    } finally {
      await out.close();
    }
    await this.handle.close();
    await fsp.rename(tmp, target);
    const dirHandle = await fsp.open(this.dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
    const before = this.size;
    this.handle = await fsp.open(target, 'a', DATA_FILE_MODE);
    this.size = size;
    this.logger?.info(`journal: compacted ${before} bytes to ${size} bytes`);
  }

  /** Waits for queued writes, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.held = false;
    while (this.flushing || this.pending.length > 0) {
      await new Promise((r) => setTimeout(r, 1));
      if (!this.flushing && this.pending.length > 0) this.schedule();
    }
    this.closed = true;
    await this.handle.close();
  }
}
