/**
 * The storage engine behind the command layer: catalog, query planning over the collection's
 * indexes, writes with unique constraints, transactions, and durability through the journal.
 * All reads and writes run synchronously on in-memory state (so a single statement is atomic in
 * Node's event loop); writes resolve only once their journal records are fsynced, except those
 * sent with write concern `j: false` (`durability: 'applied'`), which resolve once applied and are
 * made durable by the next group commit. Records reach the journal in the order writes are
 * applied, so a journaled write resolving means every write applied before it is durable too.
 */
import { ObjectId, UUID } from 'bson';
import { badValue, MongoCommandError, writeConflict } from '../errors';
import {
  applyProjection,
  applyUpdate,
  buildUpsertDocument,
  compareValues,
  compileFilter,
  compileSort,
  equalityFieldsOf,
  inFieldsOf,
  indexKeyOf,
  runPipeline,
} from '../semantics';
import type {
  CollectionInfo,
  DeleteResult,
  DeleteStatement,
  Doc,
  EngineApi,
  EngineOptions,
  FindAndModifyArgs,
  FindAndModifyResult,
  FindQuery,
  IndexSpec,
  InsertResult,
  OpContext,
  TxnHandle,
  UpdateResult,
  UpdateStatement,
  WriteError,
} from '../types';
import { Collection, ID_INDEX_SPEC } from './collection';
import { direction, IndexStructure } from './index-structure';
import { acquireLock, Journal, JournalLogger, readJournal } from './journal';
import { prepareDataDirectory } from './permissions';
import { Transaction } from './transactions';

const DEFAULT_COMPACT_THRESHOLD = 64 * 1024 * 1024;
const INDEX_OPTIONS = new Set(['v', 'key', 'name', 'unique', 'sparse', 'partialFilterExpression', 'background', 'ns']);

/** How the last read was planned, for tests and diagnostics. */
export interface PlanInfo {
  kind: 'ids' | 'walk' | 'scan' | 'txn-scan';
  index?: string;
  examined: number;
}

type Plan =
  | { kind: 'ids'; ids: Iterable<string>; index: string }
  | { kind: 'walk'; index: IndexStructure; prefix: unknown[]; reverse: boolean }
  | { kind: 'scan' };

function claimKey(ns: string, id: string): string {
  return `${ns}\u0000${id}`;
}

function validateNamespace(db: string, coll?: string): void {
  if (!db || /[/\\. "$\0]/.test(db) || db.length > 63) {
    throw new MongoCommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  }
  if (coll !== undefined && (!coll || coll.includes('$') || coll.includes('\0') || coll.startsWith('.'))) {
    throw new MongoCommandError('InvalidNamespace', `Invalid collection name: ${db}.${coll}`);
  }
}

function checkCollation(collation: Doc | undefined): void {
  if (collation && !(Object.keys(collation).length === 1 && collation.locale === 'simple')) {
    throw badValue('collation other than { locale: "simple" } is not supported by the embedded engine');
  }
}

function sameKey(a: Doc, b: Doc): boolean {
  const ea = Object.entries(a);
  const eb = Object.entries(b);
  return ea.length === eb.length && ea.every(([k, v], i) => eb[i][0] === k && direction(v) === direction(eb[i][1]));
}

function withId(doc: Doc): Doc {
  if ('_id' in doc) {
    if (Array.isArray(doc._id)) throw new MongoCommandError('InvalidIdField', 'The \'_id\' value cannot be of type array');
    return doc;
  }
  return { _id: new ObjectId(), ...doc };
}

function checkTopLevelFields(doc: Doc): void {
  for (const k of Object.keys(doc)) {
    if (k.startsWith('$')) throw new MongoCommandError('DollarPrefixedFieldName', `Document can't have $ prefixed field names: ${k}`);
  }
}

export class Engine implements EngineApi {
  private readonly dbs = new Map<string, Map<string, Collection>>();
  private seq = 0;
  private journal: Journal | null = null;
  private releaseLock: (() => void) | null = null;
  private readonly txns = new Map<string, Transaction>();
  /** `${ns}\0${idKey}` -> id of the transaction holding the document. */
  private readonly claims = new Map<string, string>();
  private readonly compactThreshold: number;
  private compactCheckedAt = 0;
  /** The plan of the most recent read. */
  lastPlan: PlanInfo = { kind: 'scan', examined: 0 };

  private constructor(options: EngineOptions, private readonly logger?: JournalLogger) {
    this.compactThreshold = options.compactThresholdBytes ?? DEFAULT_COMPACT_THRESHOLD;
  }

  /** Opens the engine: takes the dbpath lock, replays the journal, opens it for appending. */
  static async open(options: EngineOptions, logger?: JournalLogger): Promise<Engine> {
    const engine = new Engine(options, logger);
    if (options.dbpath) {
      prepareDataDirectory(options.dbpath, logger);
      engine.releaseLock = acquireLock(options.dbpath);
      try {
        const { records } = readJournal(options.dbpath, logger);
        for (const r of records) engine.apply(r);
        engine.journal = await Journal.open(options.dbpath, logger);
        logger?.info(`embedded engine: replayed ${records.length} journal records from ${options.dbpath}`);
      } catch (err) {
        engine.releaseLock();
        throw err;
      }
    }
    return engine;
  }

  async close(): Promise<void> {
    for (const txn of this.txns.values()) this.abortTransaction(txn);
    await this.journal?.close();
    this.journal = null;
    this.releaseLock?.();
    this.releaseLock = null;
  }

  /** Transactions currently open (serverStatus). */
  get openTransactions(): number {
    return this.txns.size;
  }

  /** Journal batches fsynced so far (benchmarks report group-commit effectiveness). */
  get journalBatches(): number {
    return this.journal?.batches ?? 0;
  }

  // ---- catalog -----------------------------------------------------------------------------

  private nextSeq = (): number => ++this.seq;

  private coll(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  private collByNs(ns: string): Collection | undefined {
    const dot = ns.indexOf('.');
    return this.coll(ns.slice(0, dot), ns.slice(dot + 1));
  }

  private createColl(db: string, name: string, options: Doc, uuid: UUID): Collection {
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    const c = new Collection(db, name, uuid, options, this.nextSeq);
    colls.set(name, c);
    return c;
  }

  /** The collection, created (and journaled via `records`) when missing. */
  private ensureColl(db: string, name: string, records: Doc[]): Collection {
    validateNamespace(db, name);
    const existing = this.coll(db, name);
    if (existing) return existing;
    const uuid = new UUID();
    records.push({ op: 'cc', db, coll: name, uuid, options: {} });
    return this.createColl(db, name, {}, uuid);
  }

  /** Applies one journal record (replay, and the catalog/document changes it describes). */
  private apply(r: Doc): void {
    const db = r.db as string;
    const name = r.coll as string;
    switch (r.op) {
      case 'cc':
        if (!this.coll(db, name)) this.createColl(db, name, (r.options as Doc) ?? {}, r.uuid as UUID);
        break;
      case 'dc':
        this.dbs.get(db)?.delete(name);
        break;
      case 'dd':
        this.dbs.delete(db);
        break;
      case 'ci': {
        const c = this.coll(db, name) ?? this.createColl(db, name, {}, new UUID());
        const spec = r.spec as IndexSpec;
        if (!c.index(spec.name)) c.addIndex(spec);
        break;
      }
      case 'di':
        if (this.coll(db, name)?.index(r.name as string)) this.coll(db, name)!.dropIndex(r.name as string);
        break;
      case 'put': {
        const c = this.coll(db, name) ?? this.createColl(db, name, {}, new UUID());
        c.put(r.doc as Doc, false);
        break;
      }
      case 'del':
        this.coll(db, name)?.remove(indexKeyOf(r.id));
        break;
      case 'tx':
        for (const op of r.ops as Doc[]) this.apply(op);
        break;
      default:
        throw new Error(`journal: unknown record op ${String(r.op)}`);
    }
  }

  /**
   * Makes a write's records durable as its context asks. Called synchronously after the write was
   * applied (no await in between), so journal order is apply order. A journaled write that changed
   * nothing still waits for what is queued before it, as `j: true` does in MongoDB: its answer may
   * rest on a `j: false` write (a duplicate key, a failed condition) that must not be lost.
   */
  private async persist(records: Doc[], ctx: OpContext = {}): Promise<void> {
    const journal = this.journal;
    if (!journal) return;
    if (ctx.durability === 'applied') {
      journal.appendLazily(records);
    } else if (records.length === 0) {
      // A statement inside a transaction writes nothing until the commit, which waits then.
      if (!ctx.txn) await journal.sync();
      return;
    } else {
      await journal.append(records);
    }
    this.maybeCompact();
  }

  /**
   * Holds group commits back until the returned function is called, as a disk that has not synced
   * yet would (tests of write concerns: what is acknowledged before it is durable).
   */
  holdJournal(): () => void {
    return this.journal?.hold() ?? (() => undefined);
  }

  private maybeCompact(): void {
    const j = this.journal;
    if (!j || j.size < this.compactThreshold || j.size < this.compactCheckedAt + this.compactThreshold / 4) return;
    this.compactCheckedAt = j.size;
    let live = 0;
    for (const colls of this.dbs.values()) for (const c of colls.values()) live += c.dataSize;
    if (j.size <= 2 * live) return;
    j.requestCompaction(() => this.snapshotRecords());
    this.compactCheckedAt = 0;
  }

  /** The whole live state as journal records (used by compaction). */
  snapshotRecords(): Doc[] {
    const out: Doc[] = [];
    for (const [db, colls] of this.dbs) {
      for (const c of colls.values()) {
        out.push({ op: 'cc', db, coll: c.name, uuid: c.uuid, options: c.options });
        for (const ix of c.indexes) if (ix.name !== '_id_') out.push({ op: 'ci', db, coll: c.name, spec: ix.spec });
        for (const doc of c.docs.values()) out.push({ op: 'put', db, coll: c.name, doc });
      }
    }
    return out;
  }

  /** Forces a compaction now (tests). Resolves once it is on disk. */
  async compactNow(): Promise<void> {
    if (!this.journal) return;
    this.journal.requestCompaction(() => this.snapshotRecords());
    await this.journal.append([]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.persist([{ op: 'dc', db: 'admin', coll: '__compaction_barrier__' }]);
  }

  listDatabaseNames(): string[] {
    return [...this.dbs.keys()];
  }

  private info(c: Collection): CollectionInfo {
    return {
      name: c.name,
      type: 'collection',
      options: c.options,
      info: { readOnly: false, uuid: c.uuid },
      idIndex: ID_INDEX_SPEC,
    };
  }

  listCollections(db: string, filter?: Doc): CollectionInfo[] {
    const colls = [...(this.dbs.get(db)?.values() ?? [])].map((c) => this.info(c));
    if (!filter || Object.keys(filter).length === 0) return colls;
    const match = compileFilter(filter);
    return colls.filter((i) => match(i as unknown as Doc));
  }

  async createCollection(db: string, name: string, options: Doc = {}): Promise<void> {
    validateNamespace(db, name);
    if (this.coll(db, name)) throw new MongoCommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    for (const k of Object.keys(options)) {
      if (['capped', 'timeseries', 'clusteredIndex', 'viewOn', 'pipeline', 'validator', 'changeStreamPreAndPostImages', 'encryptedFields'].includes(k)) {
        throw new MongoCommandError('CommandNotSupported', `collection option '${k}' is not supported by the embedded engine`);
      }
    }
    const uuid = new UUID();
    this.createColl(db, name, options, uuid);
    await this.persist([{ op: 'cc', db, coll: name, uuid, options }]);
  }

  async dropCollection(db: string, name: string): Promise<boolean> {
    if (!this.coll(db, name)) return false;
    this.dbs.get(db)!.delete(name);
    await this.persist([{ op: 'dc', db, coll: name }]);
    return true;
  }

  async dropDatabase(db: string): Promise<void> {
    if (!this.dbs.has(db)) return;
    this.dbs.delete(db);
    await this.persist([{ op: 'dd', db }]);
  }

  async createIndexes(db: string, coll: string, specs: IndexSpec[]) {
    if (!Array.isArray(specs) || specs.length === 0) throw badValue('Must specify at least one index to create');
    const records: Doc[] = [];
    const created = !this.coll(db, coll);
    const c = this.ensureColl(db, coll, records);
    const before = c.indexes.length;
    for (const spec of specs) {
      if (!spec || typeof spec.key !== 'object' || spec.key === null || typeof spec.name !== 'string' || !spec.name) {
        throw new MongoCommandError('FailedToParse', 'Index spec must have a key document and a name');
      }
      for (const k of Object.keys(spec)) {
        if (k === 'expireAfterSeconds') {
          throw new MongoCommandError('CommandNotSupported', 'TTL indexes (expireAfterSeconds) are not supported by the embedded engine: documents would never expire');
        }
        if (!INDEX_OPTIONS.has(k)) {
          throw new MongoCommandError('InvalidIndexSpecificationOption', `The field '${k}' is not valid for an index specification (not supported by the embedded engine)`);
        }
      }
      const clean: IndexSpec = { v: 2, key: spec.key, name: spec.name };
      if (spec.unique) clean.unique = true;
      if (spec.sparse) clean.sparse = true;
      if (spec.partialFilterExpression) clean.partialFilterExpression = spec.partialFilterExpression;
      const byName = c.index(clean.name);
      if (byName) {
        if (!sameKey(byName.spec.key, clean.key)) {
          throw new MongoCommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index but a different key. Requested index: ${JSON.stringify(clean)}, existing index: ${JSON.stringify(byName.spec)}`);
        }
        if (!!byName.spec.unique !== !!clean.unique || !!byName.spec.sparse !== !!clean.sparse || JSON.stringify(byName.spec.partialFilterExpression) !== JSON.stringify(clean.partialFilterExpression)) {
          throw new MongoCommandError('IndexOptionsConflict', `An existing index has the same name as the requested index but different options. Requested index: ${JSON.stringify(clean)}, existing index: ${JSON.stringify(byName.spec)}`);
        }
        continue;
      }
      const byKey = c.indexes.find((ix) => sameKey(ix.spec.key, clean.key) && JSON.stringify(ix.spec.partialFilterExpression) === JSON.stringify(clean.partialFilterExpression));
      if (byKey) {
        throw new MongoCommandError('IndexOptionsConflict', `Index already exists with a different name: ${byKey.name}`);
      }
      c.addIndex(clean);
      records.push({ op: 'ci', db, coll, spec: clean });
    }
    await this.persist(records);
    const after = c.indexes.length;
    return {
      numIndexesBefore: before,
      numIndexesAfter: after,
      createdCollectionAutomatically: created,
      ...(after === before ? { note: 'all indexes already exist' } : {}),
    };
  }

  listIndexes(db: string, coll: string): IndexSpec[] | null {
    const c = this.coll(db, coll);
    return c ? c.indexes.map((ix) => ix.spec) : null;
  }

  async dropIndexes(db: string, coll: string, index: string | string[] | Doc) {
    const c = this.coll(db, coll);
    if (!c) throw new MongoCommandError('NamespaceNotFound', `ns not found ${db}.${coll}`);
    const was = c.indexes.length;
    let names: string[];
    if (index === '*') names = c.indexes.filter((ix) => ix.name !== '_id_').map((ix) => ix.name);
    else if (typeof index === 'string') names = [index];
    else if (Array.isArray(index)) names = index;
    else {
      const ix = c.indexes.find((i) => sameKey(i.spec.key, index));
      if (!ix) throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(index)}`);
      names = [ix.name];
    }
    for (const n of names) if (!c.index(n)) throw new MongoCommandError('IndexNotFound', `index not found with name [${n}]`);
    for (const n of names) c.dropIndex(n);
    await this.persist(names.map((name) => ({ op: 'di', db, coll, name })));
    return { nIndexesWas: was };
  }

  collStats(db: string, coll: string): Doc {
    const c = this.coll(db, coll);
    const count = c?.docs.size ?? 0;
    const size = c?.dataSize ?? 0;
    const indexSizes: Doc = {};
    let total = 0;
    for (const ix of c?.indexes ?? []) {
      const s = ix.approximateSize();
      indexSizes[ix.name] = s;
      total += s;
    }
    return {
      ns: `${db}.${coll}`,
      count,
      size,
      avgObjSize: count ? Math.round(size / count) : 0,
      storageSize: size,
      nindexes: c?.indexes.length ?? 0,
      totalIndexSize: total,
      indexSizes,
    };
  }

  dbStats(db: string): Doc {
    let objects = 0;
    let dataSize = 0;
    let indexes = 0;
    let indexSize = 0;
    const colls = [...(this.dbs.get(db)?.values() ?? [])];
    for (const c of colls) {
      objects += c.docs.size;
      dataSize += c.dataSize;
      indexes += c.indexes.length;
      for (const ix of c.indexes) indexSize += ix.approximateSize();
    }
    return {
      db,
      collections: colls.length,
      views: 0,
      objects,
      avgObjSize: objects ? dataSize / objects : 0,
      dataSize,
      storageSize: dataSize,
      indexes,
      indexSize,
      totalSize: dataSize + indexSize,
      scaleFactor: 1,
    };
  }

  // ---- reads -------------------------------------------------------------------------------

  private txnOf(ctx: OpContext): Transaction | undefined {
    if (!ctx.txn) return undefined;
    const txn = this.txns.get(ctx.txn.id);
    if (!txn || txn.state !== 'active') {
      throw new MongoCommandError('NoSuchTransaction', `Transaction ${ctx.txn.txnNumber} has been aborted.`, { errorLabels: ['TransientTransactionError'] });
    }
    return txn;
  }

  /** Committed documents with the transaction's own writes laid over them. */
  private *mergedDocs(c: Collection, overlay: Map<string, Doc | null>): Generator<Doc> {
    for (const [id, d] of c.docs) {
      if (overlay.has(id)) {
        const o = overlay.get(id);
        if (o) yield o;
      } else yield d;
    }
    for (const [id, o] of overlay) if (o && !c.docs.has(id)) yield o;
  }

  private findIndexByHint(c: Collection, hint: string | Doc): IndexStructure {
    const ix = typeof hint === 'string' ? c.index(hint) : c.indexes.find((i) => sameKey(i.spec.key, hint));
    if (!ix) throw badValue('hint provided does not correspond to an existing index');
    return ix;
  }

  private plan(c: Collection, filter: Doc | undefined, sort: Doc | undefined, hint?: string | Doc): Plan {
    const eq = equalityFieldsOf(filter);
    const sortFields = sort ? Object.entries(sort).map(([f, d]) => [f, direction(d)] as const) : [];
    const sortable = sortFields.every(([, d]) => d !== null);
    const candidates = hint !== undefined && hint !== null && !(typeof hint === 'object' && Object.keys(hint).length === 0)
      ? [this.findIndexByHint(c, hint)]
      : c.indexes;

    if (hint === undefined && eq.has('_id')) {
      const v = eq.get('_id');
      return { kind: 'ids', ids: [indexKeyOf(v)], index: '_id_' };
    }
    // An index walk serves the sort directly: equality prefix, then exactly the sort fields.
    if (sortFields.length > 0 && sortable) {
      let best: { index: IndexStructure; prefix: unknown[]; reverse: boolean } | null = null;
      for (const ix of candidates) {
        if (ix.multikey || ix.sparse || ix.partial) continue;
        let k = 0;
        while (k < ix.fields.length && eq.has(ix.fields[k][0]) && !sortFields.some(([f]) => f === ix.fields[k][0])) k++;
        const rest = ix.fields.slice(k, k + sortFields.length);
        if (rest.length !== sortFields.length) continue;
        const forward = rest.every(([f, d], i) => f === sortFields[i][0] && d === sortFields[i][1]);
        const backward = rest.every(([f, d], i) => f === sortFields[i][0] && d === -(sortFields[i][1] as number));
        if (!forward && !backward) continue;
        if (!best || k > best.prefix.length) {
          best = { index: ix, prefix: ix.fields.slice(0, k).map(([f]) => eq.get(f)), reverse: backward && !forward };
        }
      }
      if (best) return { kind: 'walk', ...best };
    }
    // Equality on an index's first field: hash lookup.
    let bestIds: { ids: ReadonlySet<string>; index: string } | null = null;
    for (const ix of candidates) {
      if (ix.partial) continue;
      const f = ix.fields[0][0];
      if (!eq.has(f)) continue;
      const v = eq.get(f);
      if ((v === null || v === undefined) && ix.sparse) continue;
      const ids = ix.idsWithFirstField(v);
      if (!bestIds || ids.size < bestIds.ids.size) bestIds = { ids, index: ix.name };
    }
    if (bestIds) return { kind: 'ids', ids: [...bestIds.ids], index: bestIds.index };
    // `$in` on `_id` or on an index's first field (populate, "these ids"): the union of the
    // index entries of each value, each document once.
    const ins = inFieldsOf(filter);
    if (ins.size > 0 && hint === undefined) {
      const idValues = ins.get('_id');
      if (idValues) return { kind: 'ids', ids: [...new Set(idValues.map((v) => indexKeyOf(v)))], index: '_id_' };
      for (const ix of candidates) {
        if (ix.partial || ix.sparse) continue;
        const values = ins.get(ix.fields[0][0]);
        if (!values) continue;
        const ids = new Set<string>();
        for (const v of values) for (const id of ix.idsWithFirstField(v)) ids.add(id);
        return { kind: 'ids', ids, index: ix.name };
      }
    }
    if (candidates.length === 1 && candidates !== c.indexes) {
      const ix = candidates[0];
      if (!ix.sparse && !ix.partial) return { kind: 'walk', index: ix, prefix: [], reverse: false };
    }
    return { kind: 'scan' };
  }

  /**
   * The documents matching `filter`, sorted, skipped and limited (limit 0 = all). Plans over the
   * indexes outside transactions; inside a transaction with its own writes to this collection,
   * scans the merged view.
   */
  private select(c: Collection | undefined, q: FindQuery, txn: Transaction | undefined): Doc[] {
    checkCollation(q.collation);
    const match = compileFilter(q.filter, q.collation ? { collation: q.collation } : undefined);
    const sortFn = q.sort && Object.keys(q.sort).length > 0 ? compileSort(q.sort) : null;
    const skip = Math.max(0, q.skip ?? 0);
    const limit = Math.abs(q.limit ?? 0);
    if (!c) {
      this.lastPlan = { kind: 'scan', examined: 0 };
      return [];
    }
    const out: Doc[] = [];
    let examined = 0;
    const overlay = txn?.overlay(c.ns);
    const finish = (docs: Doc[], sorted: boolean): Doc[] => {
      if (sortFn && !sorted) docs.sort(sortFn);
      return limit ? docs.slice(skip, skip + limit) : skip ? docs.slice(skip) : docs;
    };
    if (overlay) {
      for (const d of this.mergedDocs(c, overlay)) {
        examined++;
        if (match(d)) out.push(d);
      }
      this.lastPlan = { kind: 'txn-scan', examined };
      return finish(out, false);
    }
    const plan = this.plan(c, q.filter, sortFn ? q.sort : undefined, q.hint);
    const want = limit ? skip + limit : Infinity;
    if (plan.kind === 'walk') {
      for (const id of plan.index.walk(plan.prefix, plan.reverse)) {
        const d = c.docs.get(id)!;
        examined++;
        if (match(d)) {
          out.push(d);
          if (out.length >= want) break;
        }
      }
      this.lastPlan = { kind: 'walk', index: plan.index.name, examined };
      // A walk without a requested sort (hinted) is already in index order.
      return finish(out, true);
    }
    if (plan.kind === 'ids') {
      for (const id of plan.ids) {
        const d = c.docs.get(id);
        if (!d) continue;
        examined++;
        if (match(d)) {
          out.push(d);
          if (!sortFn && out.length >= want) break;
        }
      }
      this.lastPlan = { kind: 'ids', index: plan.index, examined };
      return finish(out, false);
    }
    for (const d of c.docs.values()) {
      examined++;
      if (match(d)) {
        out.push(d);
        if (!sortFn && out.length >= want) break;
      }
    }
    this.lastPlan = { kind: 'scan', examined };
    return finish(out, false);
  }

  find(db: string, coll: string, query: FindQuery, ctx: OpContext): Doc[] {
    validateNamespace(db, coll);
    const txn = this.txnOf(ctx);
    const docs = this.select(this.coll(db, coll), query, txn);
    if (!query.projection || Object.keys(query.projection).length === 0) return docs;
    return docs.map((d) => applyProjection(d, query.projection, query.filter));
  }

  count(db: string, coll: string, query: { filter?: Doc; skip?: number; limit?: number }, ctx: OpContext): number {
    const txn = this.txnOf(ctx);
    const c = this.coll(db, coll);
    if (c && !txn?.overlay(c.ns) && (!query.filter || Object.keys(query.filter).length === 0)) {
      const n = Math.max(0, c.docs.size - Math.max(0, query.skip ?? 0));
      return query.limit ? Math.min(n, Math.abs(query.limit)) : n;
    }
    return this.select(c, { filter: query.filter, skip: query.skip, limit: query.limit }, txn).length;
  }

  distinct(db: string, coll: string, key: string, filter: Doc | undefined, ctx: OpContext): unknown[] {
    const docs = this.select(this.coll(db, coll), { filter }, this.txnOf(ctx));
    const seen = new Map<string, unknown>();
    const parts = key.split('.');
    const collect = (v: unknown, i: number, viaArray: boolean): void => {
      if (i === parts.length) {
        if (Array.isArray(v) && !viaArray) v.forEach((el) => collect(el, i, true));
        else if (v !== undefined) {
          const k = indexKeyOf(v);
          if (!seen.has(k)) seen.set(k, v);
        }
        return;
      }
      if (Array.isArray(v)) {
        v.forEach((el) => collect(el, i, true));
        return;
      }
      if (v && typeof v === 'object' && !(v as { _bsontype?: string })._bsontype && !(v instanceof Date)) {
        collect((v as Doc)[parts[i]], i + 1, false);
      }
    };
    for (const d of docs) collect(d, 0, false);
    return [...seen.values()].sort(compareValues);
  }

  aggregate(db: string, coll: string | null, pipeline: Doc[], ctx: OpContext): Doc[] {
    const txn = this.txnOf(ctx);
    if (coll === null) {
      if (pipeline.length === 0 || Object.keys(pipeline[0])[0] !== '$documents') {
        throw new MongoCommandError('CommandNotSupported', 'database-level aggregation is only supported with a leading $documents stage in the embedded engine');
      }
      const docs = (pipeline[0].$documents as Doc[]) ?? [];
      return runPipeline(docs, pipeline.slice(1), { lookup: (name) => this.lookupDocs(db, name, txn) });
    }
    const c = this.coll(db, coll);
    // A leading $match (and $sort) is planned over the indexes; the rest runs in the pipeline.
    let rest = pipeline;
    let q: FindQuery = {};
    if (rest.length > 0 && '$match' in rest[0] && Object.keys(rest[0]).length === 1) {
      q = { filter: rest[0].$match as Doc };
      rest = rest.slice(1);
    }
    const docs = this.select(c, q, txn);
    return runPipeline(docs, rest, { lookup: (name) => this.lookupDocs(db, name, txn) });
  }

  private lookupDocs(db: string, name: string, txn: Transaction | undefined): Doc[] {
    return this.select(this.coll(db, name), {}, txn);
  }

  // ---- writes ------------------------------------------------------------------------------

  /** Writes (or deletes, with doc null) one document outside or inside a transaction. */
  private write(c: Collection, id: string, doc: Doc | null, txn: Transaction | undefined, records: Doc[]): void {
    const key = claimKey(c.ns, id);
    const holder = this.claims.get(key);
    if (!txn) {
      if (holder) throw writeConflict('Write conflict: the document is being modified by an open transaction');
      if (!doc) throw new Error('internal: deletes outside transactions go through remove()');
      c.put(doc);
      records.push({ op: 'put', db: c.db, coll: c.name, doc });
      return;
    }
    this.checkTxnMayWrite(c, id, txn);
    if (doc) this.checkUniqueInTxn(c, id, doc, txn);
    this.claims.set(key, txn.id);
    if (!txn.baseVersions.has(key)) txn.baseVersions.set(key, c.versions.get(id) ?? 0);
    txn.set(c.ns, id, doc);
  }

  /**
   * Throws WriteConflict when another open transaction holds the document, or when someone else
   * committed a change to it after this transaction began: the transaction may have read the old
   * version, so writing now could lose that change (snapshot isolation's first-committer-wins).
   */
  private checkTxnMayWrite(c: Collection, id: string, txn: Transaction): void {
    const holder = this.claims.get(claimKey(c.ns, id));
    if (holder === txn.id) return;
    if (holder) throw writeConflict();
    if ((c.versions.get(id) ?? 0) > txn.snapshotSeq) throw writeConflict();
  }

  private remove(c: Collection, doc: Doc, txn: Transaction | undefined, records: Doc[]): void {
    const id = indexKeyOf(doc._id);
    if (!txn) {
      if (this.claims.has(claimKey(c.ns, id))) throw writeConflict('Write conflict: the document is being modified by an open transaction');
      c.remove(id);
      records.push({ op: 'del', db: c.db, coll: c.name, id: doc._id });
      return;
    }
    this.write(c, id, null, txn, records);
  }

  private checkUniqueInTxn(c: Collection, id: string, doc: Doc, txn: Transaction): void {
    const overlay = txn.overlay(c.ns);
    for (const ix of c.indexes) {
      if (!ix.unique) continue;
      for (const key of ix.keysOf(doc)) {
        const ks = ix.keyString(key);
        for (const other of ix.idsForKey(key) ?? []) {
          if (other === id) continue;
          if (!overlay?.has(other)) throw ix.duplicateError(c.ns, key);
          const o = overlay.get(other);
          if (o && ix.keysOf(o).some((k) => ix.keyString(k) === ks)) throw ix.duplicateError(c.ns, key);
        }
        for (const [oid, o] of overlay ?? []) {
          if (oid === id || !o) continue;
          if (ix.keysOf(o).some((k) => ix.keyString(k) === ks)) throw ix.duplicateError(c.ns, key);
        }
      }
    }
  }

  private insertOne(c: Collection, raw: Doc, txn: Transaction | undefined, records: Doc[]): Doc {
    checkTopLevelFields(raw);
    const doc = withId(raw);
    const id = indexKeyOf(doc._id);
    const overlay = txn?.overlay(c.ns);
    const exists = overlay?.has(id) ? overlay.get(id) !== null : c.docs.has(id);
    if (exists) throw c.index('_id_')!.duplicateError(c.ns, [doc._id]);
    this.write(c, id, doc, txn, records);
    return doc;
  }

  async insert(db: string, coll: string, docs: Doc[], options: { ordered: boolean }, ctx: OpContext): Promise<InsertResult> {
    const txn = this.txnOf(ctx);
    const records: Doc[] = [];
    const c = this.ensureColl(db, coll, records);
    const writeErrors: WriteError[] = [];
    let n = 0;
    for (let i = 0; i < docs.length; i++) {
      try {
        this.insertOne(c, docs[i], txn, records);
        n++;
      } catch (err) {
        if (!(err instanceof MongoCommandError) || txn) throw err;
        writeErrors.push(err.toWriteError(i) as unknown as WriteError);
        if (options.ordered) break;
      }
    }
    await this.persist(records, ctx);
    return { n, writeErrors };
  }

  private upsert(c: Collection, q: Doc, u: Doc | Doc[], arrayFilters: Doc[] | undefined, txn: Transaction | undefined, records: Doc[]): Doc {
    const seeded = buildUpsertDocument(q, u, arrayFilters);
    return this.insertOne(c, seeded, txn, records);
  }

  private updateDoc(c: Collection, doc: Doc, st: { q: Doc; u: Doc | Doc[]; arrayFilters?: Doc[] }, txn: Transaction | undefined, records: Doc[]): { doc: Doc; modified: boolean } {
    const res = applyUpdate(doc, st.u, { query: st.q, arrayFilters: st.arrayFilters, isInsert: false });
    if (!res.modified) {
      // A no-op judged against a version newer than the transaction's start would hide a conflict
      // (the transaction computed its update from what it read earlier).
      if (txn) this.checkTxnMayWrite(c, indexKeyOf(doc._id), txn);
      return { doc, modified: false };
    }
    if (compareValues(res.doc._id, doc._id) !== 0 || indexKeyOf(res.doc._id) !== indexKeyOf(doc._id)) {
      throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    this.write(c, indexKeyOf(doc._id), res.doc, txn, records);
    return res;
  }

  async update(db: string, coll: string, statements: UpdateStatement[], options: { ordered: boolean }, ctx: OpContext): Promise<UpdateResult> {
    const txn = this.txnOf(ctx);
    const records: Doc[] = [];
    const result: UpdateResult = { n: 0, nModified: 0, upserted: [], writeErrors: [] };
    for (let i = 0; i < statements.length; i++) {
      const st = statements[i];
      try {
        if (!st || typeof st.q !== 'object' || st.q === null) throw new MongoCommandError('FailedToParse', 'update statement is missing q');
        if (typeof st.u !== 'object' || st.u === null) throw new MongoCommandError('FailedToParse', 'update statement is missing u');
        if (st.multi && !Array.isArray(st.u) && !Object.keys(st.u).some((k) => k.startsWith('$')) && Object.keys(st.u).length > 0) {
          throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
        }
        let c = this.coll(db, coll);
        const matched = this.select(c, { filter: st.q, limit: st.multi ? 0 : 1, hint: st.hint, collation: st.collation }, txn);
        if (matched.length === 0) {
          if (st.upsert) {
            c = c ?? this.ensureColl(db, coll, records);
            const doc = this.upsert(c, st.q, st.u, st.arrayFilters, txn, records);
            result.n++;
            result.upserted.push({ index: i, _id: doc._id });
          }
          continue;
        }
        for (const doc of matched) {
          const res = this.updateDoc(c!, doc, st, txn, records);
          result.n++;
          if (res.modified) result.nModified++;
        }
      } catch (err) {
        if (!(err instanceof MongoCommandError) || txn) throw err;
        result.writeErrors.push(err.toWriteError(i) as unknown as WriteError);
        if (options.ordered) break;
      }
    }
    await this.persist(records, ctx);
    return result;
  }

  async delete(db: string, coll: string, statements: DeleteStatement[], options: { ordered: boolean }, ctx: OpContext): Promise<DeleteResult> {
    const txn = this.txnOf(ctx);
    const records: Doc[] = [];
    const result: DeleteResult = { n: 0, writeErrors: [] };
    for (let i = 0; i < statements.length; i++) {
      const st = statements[i];
      try {
        if (!st || typeof st.q !== 'object' || st.q === null) throw new MongoCommandError('FailedToParse', 'delete statement is missing q');
        const limit = Number(st.limit ?? 0);
        if (limit !== 0 && limit !== 1) throw new MongoCommandError('FailedToParse', 'The limit field in delete objects must be 0 or 1');
        const c = this.coll(db, coll);
        const matched = this.select(c, { filter: st.q, limit, hint: st.hint, collation: st.collation }, txn);
        for (const doc of matched) {
          this.remove(c!, doc, txn, records);
          result.n++;
        }
      } catch (err) {
        if (!(err instanceof MongoCommandError) || txn) throw err;
        result.writeErrors.push(err.toWriteError(i) as unknown as WriteError);
        if (options.ordered) break;
      }
    }
    await this.persist(records, ctx);
    return result;
  }

  async findAndModify(db: string, coll: string, args: FindAndModifyArgs, ctx: OpContext): Promise<FindAndModifyResult> {
    const txn = this.txnOf(ctx);
    if (args.remove && args.update !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    if (!args.remove && args.update === undefined) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
    if (args.remove && args.upsert) throw new MongoCommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
    const records: Doc[] = [];
    const query = args.query ?? {};
    const project = (d: Doc | null) => (d && args.fields && Object.keys(args.fields).length ? applyProjection(d, args.fields, query) : d);
    let c = this.coll(db, coll);
    const [doc] = this.select(c, { filter: query, sort: args.sort, limit: 1, collation: args.collation }, txn);
    let result: FindAndModifyResult;
    if (args.remove) {
      if (doc) this.remove(c!, doc, txn, records);
      result = { value: project(doc ?? null), lastErrorObject: { n: doc ? 1 : 0 } };
    } else if (doc) {
      const res = this.updateDoc(c!, doc, { q: query, u: args.update!, arrayFilters: args.arrayFilters }, txn, records);
      result = { value: project(args.new ? res.doc : doc), lastErrorObject: { n: 1, updatedExisting: true } };
    } else if (args.upsert) {
      c = c ?? this.ensureColl(db, coll, records);
      const inserted = this.upsert(c, query, args.update!, args.arrayFilters, txn, records);
      result = { value: project(args.new ? inserted : null), lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id } };
    } else {
      result = { value: null, lastErrorObject: { n: 0, updatedExisting: false } };
    }
    await this.persist(records, ctx);
    return result;
  }

  // ---- transactions ------------------------------------------------------------------------

  beginTransaction(sessionKey: string, txnNumber: bigint): TxnHandle {
    const txn = new Transaction(sessionKey, txnNumber, this.seq);
    this.txns.set(txn.id, txn);
    return txn;
  }

  private release(txn: Transaction): void {
    for (const key of txn.baseVersions.keys()) if (this.claims.get(key) === txn.id) this.claims.delete(key);
    this.txns.delete(txn.id);
  }

  abortTransaction(handle: TxnHandle): void {
    const txn = this.txns.get(handle.id);
    handle.state = handle.state === 'committed' ? 'committed' : 'aborted';
    if (!txn) return;
    txn.state = 'aborted';
    this.release(txn);
  }

  /** Aborts transactions open longer than `maxAgeMs` (MongoDB's transactionLifetimeLimitSeconds). */
  abortExpiredTransactions(maxAgeMs: number): number {
    const now = Date.now();
    let n = 0;
    for (const txn of [...this.txns.values()]) {
      if (now - txn.startedAt > maxAgeMs) {
        this.abortTransaction(txn);
        n++;
      }
    }
    return n;
  }

  async commitTransaction(handle: TxnHandle): Promise<void> {
    if (handle.state === 'committed') return;
    const txn = this.txns.get(handle.id);
    if (!txn || txn.state !== 'active') {
      throw new MongoCommandError('NoSuchTransaction', `Transaction ${handle.txnNumber} has been aborted.`, { errorLabels: ['TransientTransactionError'] });
    }
    // Someone else changed a document we wrote since we first touched it: our write would lose theirs.
    for (const [key, version] of txn.baseVersions) {
      const sep = key.indexOf('\u0000');
      const c = this.collByNs(key.slice(0, sep));
      if ((c?.versions.get(key.slice(sep + 1)) ?? 0) !== version) {
        this.abortTransaction(handle);
        throw writeConflict();
      }
    }
    const ops: Doc[] = [];
    const undo: Array<() => void> = [];
    try {
      const pending: Array<{ c: Collection; id: string; doc: Doc | null }> = [];
      for (const [ns, overlay] of txn.writes) {
        const dot = ns.indexOf('.');
        const c = this.coll(ns.slice(0, dot), ns.slice(dot + 1)) ?? this.ensureColl(ns.slice(0, dot), ns.slice(dot + 1), ops);
        for (const [id, doc] of overlay) pending.push({ c, id, doc });
      }
      // Remove every old version first so keys moving between documents do not collide.
      for (const { c, id, doc } of pending) {
        const prev = c.remove(id);
        if (prev) undo.push(() => c.put(prev, false));
        if (!doc && prev) ops.push({ op: 'del', db: c.db, coll: c.name, id: prev._id });
      }
      for (const { c, id, doc } of pending) {
        if (!doc) continue;
        c.put(doc);
        undo.push(() => c.remove(id));
        ops.push({ op: 'put', db: c.db, coll: c.name, doc });
      }
    } catch (err) {
      for (const f of undo.reverse()) f();
      this.abortTransaction(handle);
      throw err;
    }
    txn.state = 'committed';
    handle.state = 'committed';
    this.release(txn);
    await this.persist(ops.length ? [{ op: 'tx', ops }] : []);
  }
}

