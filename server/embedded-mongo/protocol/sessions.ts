/**
 * Logical sessions: the transaction each session has open, and the last retryable write's reply
 * so a retried write (same lsid and txnNumber) is answered without applying it twice.
 */
import { MongoCommandError } from '../errors';
import type { Doc, EngineApi, TxnHandle } from '../types';

interface Session {
  key: string;
  lastUsed: number;
  txn?: TxnHandle;
  /** Highest txnNumber seen on this session. */
  txnNumber?: bigint;
  retried?: { txnNumber: bigint; reply: Doc };
}

/** The session key of a command's `lsid` (a UUID as Binary), or undefined without one. */
export function sessionKeyOf(lsid: unknown): string | undefined {
  const id = (lsid as { id?: { buffer?: Uint8Array; toString(enc: string): string } } | undefined)?.id;
  if (!id) return undefined;
  if (id.buffer instanceof Uint8Array) return Buffer.from(id.buffer).toString('hex');
  return String(id);
}

function noSuchTransaction(n: bigint | undefined): MongoCommandError {
  return new MongoCommandError('NoSuchTransaction', `Given transaction number ${n ?? '?'} does not match any in-progress transactions.`, {
    errorLabels: ['TransientTransactionError'],
  });
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly engine: EngineApi, private readonly onEnd?: (key: string) => void) {}

  private get(key: string): Session {
    let s = this.sessions.get(key);
    if (!s) this.sessions.set(key, (s = { key, lastUsed: Date.now() }));
    s.lastUsed = Date.now();
    return s;
  }

  /**
   * The transaction a command runs in, starting one when it says `startTransaction`.
   * Returns undefined for commands outside transactions.
   */
  transactionFor(key: string | undefined, txnNumber: bigint | undefined, autocommit: unknown, startTransaction: boolean): TxnHandle | undefined {
    if (autocommit !== false) {
      if (startTransaction) throw new MongoCommandError('InvalidOptions', 'startTransaction requires autocommit: false');
      return undefined;
    }
    if (!key || txnNumber === undefined) {
      throw new MongoCommandError('InvalidOptions', 'autocommit: false requires a session (lsid) and a txnNumber');
    }
    const s = this.get(key);
    if (startTransaction) {
      if (s.txnNumber !== undefined && txnNumber < s.txnNumber) {
        throw new MongoCommandError('BadValue' as const, `txnNumber ${txnNumber} is older than the session's ${s.txnNumber}`);
      }
      if (s.txn && s.txn.state === 'active') this.engine.abortTransaction(s.txn);
      s.txn = this.engine.beginTransaction(key, txnNumber);
      s.txnNumber = txnNumber;
      return s.txn;
    }
    if (!s.txn || s.txn.txnNumber !== txnNumber) throw noSuchTransaction(txnNumber);
    if (s.txn.state === 'aborted') throw noSuchTransaction(txnNumber);
    return s.txn;
  }

  async commit(key: string | undefined, txnNumber: bigint | undefined): Promise<void> {
    const s = key ? this.sessions.get(key) : undefined;
    const txn = s?.txn;
    if (!txn || txn.txnNumber !== txnNumber) throw noSuchTransaction(txnNumber);
    if (txn.state === 'committed') return; // a retried commit succeeds again
    if (txn.state === 'aborted') throw noSuchTransaction(txnNumber);
    await this.engine.commitTransaction(txn);
  }

  abort(key: string | undefined, txnNumber: bigint | undefined): void {
    const s = key ? this.sessions.get(key) : undefined;
    const txn = s?.txn;
    if (!txn || txn.txnNumber !== txnNumber || txn.state !== 'active') throw noSuchTransaction(txnNumber);
    this.engine.abortTransaction(txn);
  }

  /** The stored reply of a retried write, if this (session, txnNumber) already ran. */
  retriedReply(key: string, txnNumber: bigint): Doc | undefined {
    const s = this.get(key);
    return s.retried && s.retried.txnNumber === txnNumber ? s.retried.reply : undefined;
  }

  rememberReply(key: string, txnNumber: bigint, reply: Doc): void {
    const s = this.get(key);
    s.retried = { txnNumber, reply };
    if (s.txnNumber === undefined || txnNumber > s.txnNumber) s.txnNumber = txnNumber;
  }

  end(key: string): void {
    const s = this.sessions.get(key);
    if (s?.txn && s.txn.state === 'active') this.engine.abortTransaction(s.txn);
    this.sessions.delete(key);
    this.onEnd?.(key);
  }

  /** Forgets sessions idle longer than MongoDB's 30-minute logical session timeout. */
  sweep(maxIdleMs = 30 * 60 * 1000): void {
    const now = Date.now();
    for (const [key, s] of this.sessions) if (now - s.lastUsed > maxIdleMs) this.end(key);
  }
}
