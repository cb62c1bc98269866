/**
 * Contracts between the layers of the embedded engine:
 *
 *   wire/ (framing, TCP)  ->  commands/ (parse command documents, sessions, cursors, replies)
 *        ->  engine/ (catalog, indexes, planner, transactions)  ->  storage/ (journal)
 *        engine/ uses query/ (pure functions: BSON order, filters, updates, projections, pipelines)
 *
 * Documents are kept as decoded by `BSON.deserialize(buf, { promoteValues: false })`: numbers stay
 * `Int32` / `Double` / `Long` / `Decimal128` objects so they round-trip with their types; strings,
 * booleans, null, Date, ObjectId, Binary, arrays and plain objects are as bson gives them.
 *
 * Stored documents are immutable: the engine never mutates a document object after storing it
 * (updates build a new object), so readers and open cursors may hold references safely.
 */

/** A BSON document as held in memory (see the module comment for the value types). */
export type Doc = Record<string, unknown>;

/** An index as described by `listIndexes` / `createIndexes`. */
export interface IndexSpec {
  v?: number;
  key: Doc; // field -> 1 | -1 (Int32/Double/number); other index types are refused
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number; // accepted and stored; documents are not expired (see README)
  [option: string]: unknown;
}

/** A per-document failure in a write command, in MongoDB's `writeErrors` shape once encoded. */
export interface WriteError {
  index: number;
  code: number;
  codeName?: string;
  errmsg: string;
  keyPattern?: Doc;
  keyValue?: Doc;
}

/** Handle of an open multi-document transaction, created by `Engine.beginTransaction`. */
export interface TxnHandle {
  readonly id: string; // `${sessionKey}:${txnNumber}`
  readonly sessionKey: string;
  readonly txnNumber: bigint;
  state: 'active' | 'committed' | 'aborted';
}

/** What every engine read or write receives from the command layer. */
export interface OpContext {
  /** Present when the operation runs inside a multi-document transaction. */
  txn?: TxnHandle;
  /**
   * When a write is acknowledged: `journaled` (the default) once its journal records are fsynced
   * and everything journaled before them too; `applied` (write concern `j: false`) once it is
   * applied in memory, the next group commit making it durable.
   */
  durability?: 'journaled' | 'applied';
}

export interface FindQuery {
  filter?: Doc;
  sort?: Doc;
  projection?: Doc;
  skip?: number;
  limit?: number; // 0 or absent = no limit
  collation?: Doc; // only { locale: 'simple' } is honoured; anything else is refused with BadValue
  hint?: string | Doc;
}

export interface UpdateStatement {
  q: Doc;
  u: Doc | Doc[]; // operator document, replacement document, or aggregation pipeline
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Doc[];
  collation?: Doc;
  hint?: string | Doc;
}

export interface DeleteStatement {
  q: Doc;
  limit: number; // 0 = all matching, 1 = one
  collation?: Doc;
  hint?: string | Doc;
}

export interface FindAndModifyArgs {
  query?: Doc;
  sort?: Doc;
  remove?: boolean;
  update?: Doc | Doc[];
  new?: boolean;
  fields?: Doc;
  upsert?: boolean;
  arrayFilters?: Doc[];
  collation?: Doc;
}

export interface InsertResult { n: number; writeErrors: WriteError[] }
export interface UpdateResult { n: number; nModified: number; upserted: Array<{ index: number; _id: unknown }>; writeErrors: WriteError[] }
export interface DeleteResult { n: number; writeErrors: WriteError[] }
export interface FindAndModifyResult {
  value: Doc | null;
  lastErrorObject: { n: number; updatedExisting?: boolean; upserted?: unknown };
}

export interface CollectionInfo {
  name: string;
  type: 'collection';
  options: Doc;
  info: { readOnly: boolean; uuid: unknown };
  idIndex: IndexSpec;
}

/**
 * The storage engine the command layer talks to. Writes resolve only once durable
 * (journal fsynced, group commit allowed), unless their context asks for `durability: 'applied'`. Reads are synchronous over in-memory state.
 * Failures throw `MongoCommandError`; per-statement failures of multi-statement writes
 * are returned in `writeErrors` (ordered writes stop at the first one).
 */
export interface EngineApi {
  close(): Promise<void>;

  listDatabaseNames(): string[];
  listCollections(db: string, filter?: Doc): CollectionInfo[];
  /** Throws NamespaceExists (48) if it exists. */
  createCollection(db: string, name: string, options?: Doc): Promise<void>;
  /** Resolves false when the collection did not exist. */
  dropCollection(db: string, name: string): Promise<boolean>;
  dropDatabase(db: string): Promise<void>;

  createIndexes(db: string, coll: string, specs: IndexSpec[]): Promise<{ numIndexesBefore: number; numIndexesAfter: number; createdCollectionAutomatically: boolean; note?: string }>;
  /** null when the collection does not exist. */
  listIndexes(db: string, coll: string): IndexSpec[] | null;
  dropIndexes(db: string, coll: string, index: string | string[] | Doc): Promise<{ nIndexesWas: number }>;

  collStats(db: string, coll: string): Doc;
  dbStats(db: string): Doc;

  find(db: string, coll: string, query: FindQuery, ctx: OpContext): Doc[];
  count(db: string, coll: string, query: { filter?: Doc; skip?: number; limit?: number }, ctx: OpContext): number;
  distinct(db: string, coll: string, key: string, filter: Doc | undefined, ctx: OpContext): unknown[];
  aggregate(db: string, coll: string | null, pipeline: Doc[], ctx: OpContext): Doc[];

  insert(db: string, coll: string, docs: Doc[], options: { ordered: boolean }, ctx: OpContext): Promise<InsertResult>;
  update(db: string, coll: string, statements: UpdateStatement[], options: { ordered: boolean }, ctx: OpContext): Promise<UpdateResult>;
  delete(db: string, coll: string, statements: DeleteStatement[], options: { ordered: boolean }, ctx: OpContext): Promise<DeleteResult>;
  findAndModify(db: string, coll: string, args: FindAndModifyArgs, ctx: OpContext): Promise<FindAndModifyResult>;

  beginTransaction(sessionKey: string, txnNumber: bigint): TxnHandle;
  /** Throws WriteConflict (112, TransientTransactionError) when another writer got there first. */
  commitTransaction(txn: TxnHandle): Promise<void>;
  abortTransaction(txn: TxnHandle): void;
}

/** Options to open an engine. */
export interface EngineOptions {
  /** Directory for the journal; null keeps everything in memory (tests of the wire layer only). */
  dbpath: string | null;
  /** Compact the journal when it exceeds this many bytes and is twice the live data. Default 64 MiB. */
  compactThresholdBytes?: number;
  /** Longest a write waits for its group-commit fsync batch to gather, in ms. Default 2. */
  groupCommitWindowMs?: number;
}
