/**
 * The command layer: reads a command document, checks its arguments, runs it on the engine
 * (inside the session's transaction when there is one) and builds MongoDB's reply.
 *
 * Every command we do not implement gets `CommandNotFound` (59), and every option we cannot honour
 * is refused with MongoDB's own error code rather than ignored, so a client never gets a silently
 * wrong answer. Options that do not change results (comment, maxTimeMS, readConcern,
 * readPreference, apiVersion …) are accepted. A write concern's `j: false` (or an unacknowledged
 * `w: 0`) is honoured as in MongoDB: the write is acknowledged once applied and made durable by the
 * next group commit; any other write concern waits for the journal (see {@link writeOpOf}).
 */
import { Long } from 'bson';
import { MongoCommandError } from '../errors';
import { asBigInt, asBool, asNumber } from '../protocol/values';
import { CursorRegistry } from '../protocol/cursors';
import { SessionRegistry, sessionKeyOf } from '../protocol/sessions';
import type { Doc, EngineApi, IndexSpec, OpContext, TxnHandle } from '../types';
import type { Authenticator, ConnectionAuth } from './auth';
import { buildInfoReply, helloReply, serverStatusReply, type ServerIdentity } from './handshake';

/** What the dispatcher knows about the connection a command came from. */
export interface ConnectionInfo {
  id: number;
  remoteAddress: string;
  /** Who the connection has authenticated as (changed by saslStart / saslContinue). */
  auth: ConnectionAuth;
}

/** Counters the server keeps for `serverStatus`. */
export interface ServerCounters {
  connections: number;
  totalConnections: number;
}

type Handler = (db: string, cmd: Doc, ctx: CommandContext) => Doc | Promise<Doc>;

interface CommandContext {
  conn: ConnectionInfo;
  op: OpContext;
  sessionKey?: string;
}

/** Fields any command may carry that do not change its result. */
const GENERIC_FIELDS = new Set([
  '$db', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', '$clusterTime', '$readPreference',
  'readConcern', 'writeConcern', 'comment', 'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors',
  '$audit', '$client', 'mayBypassWriteBlocking', 'bypassDocumentValidation',
]);

/** How long a plain write waits for a transaction holding its document before giving up. */
const CLAIM_WAIT_MS = 5_000;

function checkFields(name: string, cmd: Doc, allowed: readonly string[]): void {
  for (const k of Object.keys(cmd)) {
    if (k === name || GENERIC_FIELDS.has(k) || allowed.includes(k)) continue;
    throw new MongoCommandError('InvalidOptions', `BSON field '${name}.${k}' is not supported by the embedded MongoDB server`);
  }
}

function asDoc(v: unknown, field: string, optional = true): Doc | undefined {
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new MongoCommandError('FailedToParse', `BSON field '${field}' is missing but a required field`);
  }
  if (typeof v !== 'object' || Array.isArray(v) || (v as { _bsontype?: string })._bsontype || v instanceof Date) {
    throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type, expected type 'object'`);
  }
  return v as Doc;
}

function asDocArray(v: unknown, field: string): Doc[] {
  if (!Array.isArray(v)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type, expected type 'array'`);
  return v.map((d, i) => asDoc(d, `${field}.${i}`, false)!);
}

function collectionName(cmd: Doc, name: string): string {
  const v = cmd[name];
  if (typeof v !== 'string' || v.length === 0) {
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${v === undefined ? 'missing' : typeof v}`);
  }
  return v;
}

function hintOf(v: unknown): string | Doc | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  return asDoc(v, 'hint');
}

function isWriteConflictOnly(reply: Doc): boolean {
  const errs = reply.writeErrors as Array<{ code: number; index: number }> | undefined;
  return !!errs && errs.length > 0 && errs[0].code === 112 && errs[0].index === 0 && (reply.n as number) === 0;
}

/**
 * The engine context of a write command outside a transaction, by its write concern: `j: false`,
 * or `w: 0` without `j: true`, acknowledges once applied. Absent or `j: true` waits for the journal
 * (stricter than mongod's default, which we keep: every other write is durable when acknowledged).
 */
function writeOpOf(cmd: Doc, op: OpContext): OpContext {
  const wc = cmd.writeConcern;
  if (op.txn || wc === undefined || wc === null || typeof wc !== 'object') return op;
  const { j, w } = wc as Doc;
  const journal = j === undefined || j === null ? undefined : asBool(j);
  const unacknowledged = w !== undefined && w !== null && typeof w !== 'string' && asNumber(w, 'writeConcern.w') === 0;
  return journal === false || (unacknowledged && journal !== true) ? { ...op, durability: 'applied' } : op;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs commands against one engine; one dispatcher serves every connection of a server. */
export class CommandDispatcher {
  readonly cursors: CursorRegistry;
  readonly sessions: SessionRegistry;
  private readonly handlers: Record<string, Handler>;
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly engine: EngineApi & { abortExpiredTransactions?(maxAgeMs: number): number; openTransactions?: number },
    private readonly identity: ServerIdentity,
    private readonly counters: ServerCounters,
    private readonly authenticator: Authenticator,
    options: { cursorTimeoutMs?: number; transactionLifetimeMs?: number } = {},
  ) {
    this.cursors = new CursorRegistry(options.cursorTimeoutMs);
    this.sessions = new SessionRegistry(engine, (key) => this.cursors.killSession(key));
    const txnLifetime = options.transactionLifetimeMs ?? 60_000;
    this.sweepTimer = setInterval(() => {
      this.engine.abortExpiredTransactions?.(txnLifetime);
      this.sessions.sweep();
    }, Math.min(10_000, txnLifetime));
    this.sweepTimer.unref();
    this.handlers = this.buildHandlers();
  }

  close(): void {
    clearInterval(this.sweepTimer);
    this.cursors.close();
  }

  /**
   * Runs one command. Never throws: failures become MongoDB error replies. Returns null for
   * commands that expect no reply (moreToCome).
   */
  async run(db: string, cmd: Doc, conn: ConnectionInfo): Promise<Doc> {
    const name = Object.keys(cmd)[0];
    let txn: TxnHandle | undefined;
    try {
      if (!name) throw new MongoCommandError('FailedToParse', 'empty command document');
      const handler = Object.prototype.hasOwnProperty.call(this.handlers, name) ? this.handlers[name] : undefined;
      if (!handler) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
      this.authenticator.check(name, conn.auth);
      const sessionKey = sessionKeyOf(cmd.lsid);
      const txnNumber = asBigInt(cmd.txnNumber, 'txnNumber');
      const isTxnControl = name === 'commitTransaction' || name === 'abortTransaction';
      if (!isTxnControl) txn = this.sessions.transactionFor(sessionKey, txnNumber, cmd.autocommit, asBool(cmd.startTransaction));
      const ctx: CommandContext = { conn, op: txn ? { txn } : {}, sessionKey };
      // A retryable write carries a txnNumber outside a transaction: answer a retry from memory.
      const retryable = !txn && sessionKey !== undefined && txnNumber !== undefined && isWriteCommand(name);
      if (retryable) {
        const previous = this.sessions.retriedReply(sessionKey!, txnNumber!);
        if (previous) return { ...previous, retriedStmtIds: [] };
      }
      const reply = !txn && isWriteCommand(name) ? await this.runWaitingForClaims(handler, db, cmd, ctx) : await handler(db, cmd, ctx);
      if (retryable) this.sessions.rememberReply(sessionKey!, txnNumber!, reply);
      return reply;
    } catch (err) {
      if (err instanceof MongoCommandError) {
        // Any failed statement aborts the transaction it ran in, as in MongoDB.
        if (txn && txn.state === 'active' && err.code !== 251) this.engine.abortTransaction(txn);
        return err.toReply();
      }
      return { ok: 0, errmsg: `internal error: ${(err as Error).message}`, code: 1, codeName: 'InternalError' };
    }
  }

  /**
   * A plain write blocked by an open transaction holding its document waits for that transaction
   * to end, as mongod does, instead of failing: nothing was applied when the very first statement
   * hit the conflict, so running the command again is safe.
   */
  private async runWaitingForClaims(handler: Handler, db: string, cmd: Doc, ctx: CommandContext): Promise<Doc> {
    const deadline = Date.now() + CLAIM_WAIT_MS;
    for (;;) {
      try {
        const reply = await handler(db, cmd, ctx);
        if (!isWriteConflictOnly(reply) || Date.now() >= deadline) return reply;
      } catch (err) {
        if (!(err instanceof MongoCommandError) || err.code !== 112 || Date.now() >= deadline) throw err;
      }
      await sleep(5);
    }
  }

  private buildHandlers(): Record<string, Handler> {
    const e = this.engine;
    const hello = (legacy: boolean): Handler => (_db, cmd, ctx) => {
      const { ok, ...reply } = helloReply(this.identity, ctx.conn.id, legacy);
      return { ...reply, ...this.authenticator.handshakeFields(cmd, ctx.conn.auth, ctx.conn.remoteAddress), ok };
    };
    return {
      hello: hello(false),
      isMaster: hello(true),
      ismaster: hello(true),
      ping: () => ({ ok: 1 }),
      buildInfo: () => buildInfoReply(),
      buildinfo: () => buildInfoReply(),
      serverStatus: () =>
        serverStatusReply(this.identity, {
          ...this.counters,
          openCursors: this.cursors.open,
          openTransactions: this.engine.openTransactions ?? 0,
        }),
      hostInfo: () => ({ system: { hostname: this.identity.address.split(':')[0], currentTime: new Date() }, os: { type: process.platform }, ok: 1 }),
      whatsmyuri: (_db, _cmd, ctx) => ({ you: ctx.conn.remoteAddress, ok: 1 }),
      connectionStatus: (_db, _cmd, ctx) => this.authenticator.connectionStatus(ctx.conn.auth),
      saslStart: (db, cmd, ctx) => this.authenticator.saslStart(db, cmd, ctx.conn.auth, ctx.conn.remoteAddress),
      saslContinue: (_db, cmd, ctx) => this.authenticator.saslContinue(cmd, ctx.conn.auth, ctx.conn.remoteAddress),
      getParameter: (_db, cmd) => {
        const out: Doc = { ok: 1 };
        if (cmd.featureCompatibilityVersion !== undefined || cmd.getParameter === '*') out.featureCompatibilityVersion = { version: '7.0' };
        return out;
      },
      getCmdLineOpts: () => ({ argv: ['embedded-mongo'], parsed: {}, ok: 1 }),
      getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
      endSessions: (_db, cmd) => {
        for (const lsid of Array.isArray(cmd.endSessions) ? cmd.endSessions : []) {
          const key = sessionKeyOf(lsid);
          if (key) this.sessions.end(key);
        }
        return { ok: 1 };
      },
      killSessions: (_db, cmd) => {
        for (const lsid of Array.isArray(cmd.killSessions) ? cmd.killSessions : []) {
          const key = sessionKeyOf(lsid);
          if (key) this.sessions.end(key);
        }
        return { ok: 1 };
      },
      refreshSessions: () => ({ ok: 1 }),
      listDatabases: (_db, cmd) => {
        checkFields('listDatabases', cmd, ['nameOnly', 'filter', 'authorizedDatabases']);
        const databases = e.listDatabaseNames().map((name) => {
          const s = e.dbStats(name);
          return { name, sizeOnDisk: Long.fromNumber(Number(s.dataSize) + Number(s.indexSize)), empty: Number(s.objects) === 0 };
        });
        if (asBool(cmd.nameOnly)) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
        const totalSize = databases.reduce((n, d) => n + d.sizeOnDisk.toNumber(), 0);
        return { databases, totalSize, totalSizeMb: Math.round(totalSize / (1024 * 1024)), ok: 1 };
      },

      // ---- catalog --------------------------------------------------------------------------
      create: async (db, cmd, ctx) => {
        this.refuseInTransaction('create', ctx);
        const name = collectionName(cmd, 'create');
        const options: Doc = {};
        for (const [k, v] of Object.entries(cmd)) if (k !== 'create' && !GENERIC_FIELDS.has(k)) options[k] = v;
        await e.createCollection(db, name, options);
        return { ok: 1 };
      },
      drop: async (db, cmd, ctx) => {
        this.refuseInTransaction('drop', ctx);
        const name = collectionName(cmd, 'drop');
        const n = e.listIndexes(db, name)?.length ?? 0;
        await e.dropCollection(db, name);
        return { nIndexesWas: n, ns: `${db}.${name}`, ok: 1 };
      },
      dropDatabase: async (db, _cmd, ctx) => {
        this.refuseInTransaction('dropDatabase', ctx);
        await e.dropDatabase(db);
        return { dropped: db, ok: 1 };
      },
      listCollections: (db, cmd) => {
        checkFields('listCollections', cmd, ['filter', 'nameOnly', 'authorizedCollections', 'cursor']);
        let infos: Doc[] = e.listCollections(db, asDoc(cmd.filter, 'filter')) as unknown as Doc[];
        if (asBool(cmd.nameOnly)) infos = infos.map((i) => ({ name: i.name, type: i.type }));
        return this.cursors.first(`${db}.$cmd.listCollections`, infos, { batchSize: asNumber(asDoc(cmd.cursor, 'cursor')?.batchSize, 'cursor.batchSize') });
      },
      createIndexes: async (db, cmd, ctx) => {
        this.refuseInTransaction('createIndexes', ctx);
        checkFields('createIndexes', cmd, ['indexes', 'commitQuorum']);
        const coll = collectionName(cmd, 'createIndexes');
        const specs = asDocArray(cmd.indexes, 'indexes') as unknown as IndexSpec[];
        const res = await e.createIndexes(db, coll, specs);
        return { ...res, ok: 1 };
      },
      listIndexes: (db, cmd) => {
        checkFields('listIndexes', cmd, ['cursor']);
        const coll = collectionName(cmd, 'listIndexes');
        const specs = e.listIndexes(db, coll);
        if (!specs) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${db}.${coll}`);
        return this.cursors.first(`${db}.${coll}`, specs as unknown as Doc[], { batchSize: asNumber(asDoc(cmd.cursor, 'cursor')?.batchSize, 'cursor.batchSize') });
      },
      dropIndexes: async (db, cmd, ctx) => {
        this.refuseInTransaction('dropIndexes', ctx);
        checkFields('dropIndexes', cmd, ['index']);
        const coll = collectionName(cmd, 'dropIndexes');
        const index = cmd.index as string | string[] | Doc;
        if (index === undefined) throw new MongoCommandError('FailedToParse', "BSON field 'dropIndexes.index' is missing but a required field");
        const res = await e.dropIndexes(db, coll, index);
        return { ...res, ok: 1 };
      },
      collStats: (db, cmd) => {
        const coll = collectionName(cmd, 'collStats');
        if (!e.listIndexes(db, coll)) throw new MongoCommandError('NamespaceNotFound', `Collection [${db}.${coll}] not found.`);
        return { ...e.collStats(db, coll), ok: 1 };
      },
      dbStats: (db) => ({ ...e.dbStats(db), ok: 1 }),

      // ---- reads ----------------------------------------------------------------------------
      find: (db, cmd, ctx) => {
        checkFields('find', cmd, ['filter', 'sort', 'projection', 'skip', 'limit', 'batchSize', 'singleBatch', 'hint', 'collation', 'noCursorTimeout', 'allowDiskUse', 'allowPartialResults', 'let', 'readOnce']);
        if (cmd.let !== undefined) throw new MongoCommandError('InvalidOptions', "find option 'let' is not supported by the embedded MongoDB server");
        const coll = collectionName(cmd, 'find');
        let limit = asNumber(cmd.limit, 'limit') ?? 0;
        let singleBatch = asBool(cmd.singleBatch);
        if (limit < 0) {
          limit = -limit;
          singleBatch = true;
        }
        const skip = asNumber(cmd.skip, 'skip') ?? 0;
        if (skip < 0) throw new MongoCommandError('BadValue', 'skip value must be non-negative');
        const docs = e.find(db, coll, {
          filter: asDoc(cmd.filter, 'filter'),
          sort: asDoc(cmd.sort, 'sort'),
          projection: asDoc(cmd.projection, 'projection'),
          skip,
          limit,
          hint: hintOf(cmd.hint),
          collation: asDoc(cmd.collation, 'collation'),
        }, ctx.op);
        const batchSize = asNumber(cmd.batchSize, 'batchSize');
        return this.cursors.first(`${db}.${coll}`, docs, { batchSize: batchSize ?? (limit > 0 && limit < 101 ? limit : undefined), singleBatch, sessionKey: ctx.sessionKey });
      },
      getMore: (db, cmd) => {
        checkFields('getMore', cmd, ['collection', 'batchSize']);
        const id = asBigInt(cmd.getMore, 'getMore');
        if (id === undefined) throw new MongoCommandError('FailedToParse', "BSON field 'getMore.getMore' is missing");
        const coll = collectionName(cmd, 'collection');
        return this.cursors.next(id, `${db}.${coll}`, asNumber(cmd.batchSize, 'batchSize'));
      },
      killCursors: (_db, cmd) => {
        const ids = Array.isArray(cmd.cursors) ? cmd.cursors.map((c, i) => asBigInt(c, `cursors.${i}`)!) : [];
        return this.cursors.kill(ids);
      },
      count: (db, cmd, ctx) => {
        checkFields('count', cmd, ['query', 'limit', 'skip', 'hint', 'collation', 'fields']);
        const coll = collectionName(cmd, 'count');
        const n = e.count(db, coll, { filter: asDoc(cmd.query, 'query'), skip: asNumber(cmd.skip, 'skip'), limit: asNumber(cmd.limit, 'limit') }, ctx.op);
        return { n, ok: 1 };
      },
      distinct: (db, cmd, ctx) => {
        checkFields('distinct', cmd, ['key', 'query', 'collation', 'hint']);
        const coll = collectionName(cmd, 'distinct');
        if (typeof cmd.key !== 'string') throw new MongoCommandError('TypeMismatch', "BSON field 'distinct.key' is the wrong type, expected type 'string'");
        return { values: e.distinct(db, coll, cmd.key, asDoc(cmd.query, 'query'), ctx.op), ok: 1 };
      },
      aggregate: (db, cmd, ctx) => {
        checkFields('aggregate', cmd, ['pipeline', 'cursor', 'allowDiskUse', 'hint', 'collation', 'let', 'explain']);
        if (asBool(cmd.explain)) throw new MongoCommandError('CommandNotSupported', 'explain is not supported by the embedded MongoDB server');
        if (cmd.let !== undefined) throw new MongoCommandError('InvalidOptions', "aggregate option 'let' is not supported by the embedded MongoDB server");
        const cursorOpt = asDoc(cmd.cursor, 'cursor');
        if (!cursorOpt) throw new MongoCommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
        const coll = cmd.aggregate === 1 || (typeof cmd.aggregate === 'object' && asNumber(cmd.aggregate, 'aggregate') === 1) ? null : collectionName(cmd, 'aggregate');
        const pipeline = asDocArray(cmd.pipeline, 'pipeline');
        if (asDoc(cmd.collation, 'collation')) {
          const c = cmd.collation as Doc;
          if (!(Object.keys(c).length === 1 && c.locale === 'simple')) throw new MongoCommandError('BadValue', 'collation other than { locale: "simple" } is not supported by the embedded engine');
        }
        const docs = e.aggregate(db, coll, pipeline, ctx.op);
        return this.cursors.first(coll === null ? `${db}.$cmd.aggregate` : `${db}.${coll}`, docs, { batchSize: asNumber(cursorOpt.batchSize, 'cursor.batchSize'), sessionKey: ctx.sessionKey });
      },
      explain: () => {
        throw new MongoCommandError('CommandNotSupported', 'explain is not supported by the embedded MongoDB server');
      },

      // ---- writes ---------------------------------------------------------------------------
      insert: async (db, cmd, ctx) => {
        checkFields('insert', cmd, ['documents', 'ordered']);
        const coll = collectionName(cmd, 'insert');
        const docs = asDocArray(cmd.documents, 'documents');
        const res = await e.insert(db, coll, docs, { ordered: cmd.ordered === undefined ? true : asBool(cmd.ordered) }, writeOpOf(cmd, ctx.op));
        return withWriteErrors({ n: res.n, ok: 1 }, res.writeErrors);
      },
      update: async (db, cmd, ctx) => {
        checkFields('update', cmd, ['updates', 'ordered', 'let']);
        if (cmd.let !== undefined) throw new MongoCommandError('InvalidOptions', "update option 'let' is not supported by the embedded MongoDB server");
        const coll = collectionName(cmd, 'update');
        const statements = asDocArray(cmd.updates, 'updates').map((s, i) => {
          for (const k of Object.keys(s)) {
            if (!['q', 'u', 'upsert', 'multi', 'arrayFilters', 'collation', 'hint', 'c', 'sort'].includes(k)) {
              throw new MongoCommandError('InvalidOptions', `BSON field 'update.updates.${k}' is not supported by the embedded MongoDB server`);
            }
          }
          if (s.c !== undefined) throw new MongoCommandError('InvalidOptions', "update constants ('c') are not supported by the embedded MongoDB server");
          if (s.sort !== undefined) throw new MongoCommandError('InvalidOptions', "updateOne 'sort' is not supported by the embedded MongoDB server");
          return {
            q: asDoc(s.q, `updates.${i}.q`, false)!,
            u: (Array.isArray(s.u) ? s.u : asDoc(s.u, `updates.${i}.u`, false)) as Doc | Doc[],
            upsert: asBool(s.upsert),
            multi: asBool(s.multi),
            arrayFilters: s.arrayFilters === undefined ? undefined : asDocArray(s.arrayFilters, `updates.${i}.arrayFilters`),
            collation: asDoc(s.collation, 'collation'),
            hint: hintOf(s.hint),
          };
        });
        const res = await e.update(db, coll, statements, { ordered: cmd.ordered === undefined ? true : asBool(cmd.ordered) }, writeOpOf(cmd, ctx.op));
        const reply: Doc = { n: res.n, nModified: res.nModified, ok: 1 };
        if (res.upserted.length) reply.upserted = res.upserted;
        return withWriteErrors(reply, res.writeErrors);
      },
      delete: async (db, cmd, ctx) => {
        checkFields('delete', cmd, ['deletes', 'ordered', 'let']);
        if (cmd.let !== undefined) throw new MongoCommandError('InvalidOptions', "delete option 'let' is not supported by the embedded MongoDB server");
        const coll = collectionName(cmd, 'delete');
        const statements = asDocArray(cmd.deletes, 'deletes').map((s, i) => ({
          q: asDoc(s.q, `deletes.${i}.q`, false)!,
          limit: asNumber(s.limit, `deletes.${i}.limit`) ?? 0,
          collation: asDoc(s.collation, 'collation'),
          hint: hintOf(s.hint),
        }));
        const res = await e.delete(db, coll, statements, { ordered: cmd.ordered === undefined ? true : asBool(cmd.ordered) }, writeOpOf(cmd, ctx.op));
        return withWriteErrors({ n: res.n, ok: 1 }, res.writeErrors);
      },
      findAndModify: async (db, cmd, ctx) => {
        checkFields('findAndModify', cmd, ['query', 'sort', 'remove', 'update', 'new', 'fields', 'upsert', 'arrayFilters', 'collation', 'hint', 'let']);
        if (cmd.let !== undefined) throw new MongoCommandError('InvalidOptions', "findAndModify option 'let' is not supported by the embedded MongoDB server");
        const coll = collectionName(cmd, 'findAndModify');
        const res = await e.findAndModify(db, coll, {
          query: asDoc(cmd.query, 'query'),
          sort: asDoc(cmd.sort, 'sort'),
          remove: asBool(cmd.remove),
          update: cmd.update === undefined ? undefined : ((Array.isArray(cmd.update) ? cmd.update : asDoc(cmd.update, 'update')) as Doc | Doc[]),
          new: asBool(cmd.new),
          fields: asDoc(cmd.fields, 'fields'),
          upsert: asBool(cmd.upsert),
          arrayFilters: cmd.arrayFilters === undefined ? undefined : asDocArray(cmd.arrayFilters, 'arrayFilters'),
          collation: asDoc(cmd.collation, 'collation'),
        }, writeOpOf(cmd, ctx.op));
        return { lastErrorObject: res.lastErrorObject, value: res.value, ok: 1 };
      },

      // ---- transactions ---------------------------------------------------------------------
      commitTransaction: async (_db, cmd) => {
        await this.sessions.commit(sessionKeyOf(cmd.lsid), asBigInt(cmd.txnNumber, 'txnNumber'));
        return { ok: 1 };
      },
      abortTransaction: (_db, cmd) => {
        this.sessions.abort(sessionKeyOf(cmd.lsid), asBigInt(cmd.txnNumber, 'txnNumber'));
        return { ok: 1 };
      },
    };
  }

  private refuseInTransaction(name: string, ctx: CommandContext): void {
    if (ctx.op.txn) {
      throw new MongoCommandError('OperationNotSupportedInTransaction', `Cannot run '${name}' in a multi-document transaction on the embedded MongoDB server.`);
    }
  }
}

function isWriteCommand(name: string): boolean {
  return name === 'insert' || name === 'update' || name === 'delete' || name === 'findAndModify';
}

function withWriteErrors(reply: Doc, writeErrors: Array<object>): Doc {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}
