/**
 * Multi-document transactions.
 *
 * Isolation provided: a transaction's writes live in a private overlay until commit, so readers
 * outside it never see them; reads inside it see the latest committed data plus its own writes
 * ("read committed" with read-your-writes; not MongoDB's full snapshot isolation, which would need
 * multi-version storage — documented in the README).
 *
 * Lost updates are impossible: a document written by an active transaction is claimed by it
 * (first writer wins); another transaction touching it gets WriteConflict (112) labelled
 * TransientTransactionError so `withTransaction` retries, and a plain write waits for the claim to
 * go (the command layer retries it). A transaction writing a document that someone else committed
 * after the transaction began also gets WriteConflict, because it may have read the older version
 * (a read-modify-write would otherwise lose the other commit). At commit every written
 * document's committed version is compared with the version seen when the transaction first
 * touched it; any change means WriteConflict and nothing is applied. Commit applies all writes at
 * once (one journal record), re-checking unique indexes, and undoes them if any fails.
 */
import type { Doc, TxnHandle } from '../types';

export class Transaction implements TxnHandle {
  readonly id: string;
  state: 'active' | 'committed' | 'aborted' = 'active';
  readonly startedAt = Date.now();
  /** ns -> id key -> new document, or null when deleted inside the transaction. */
  readonly writes = new Map<string, Map<string, Doc | null>>();
  /** `${ns}\u0000${idKey}` -> committed version when first touched. */
  readonly baseVersions = new Map<string, number>();

  /**
   * @param snapshotSeq the engine's write sequence when the transaction began: a document whose
   *   committed version is newer was changed by someone else after it began.
   */
  constructor(readonly sessionKey: string, readonly txnNumber: bigint, readonly snapshotSeq: number) {
    this.id = `${sessionKey}:${txnNumber}`;
  }

  overlay(ns: string): Map<string, Doc | null> | undefined {
    return this.writes.get(ns);
  }

  set(ns: string, id: string, doc: Doc | null): void {
    let m = this.writes.get(ns);
    if (!m) this.writes.set(ns, (m = new Map()));
    m.set(id, doc);
  }
}
