/**
 * The server's identity as the driver sees it: a one-node replica set whose only member is the
 * primary. The replica-set fields are what make the driver offer sessions, retryable writes and
 * transactions. `topologyVersion` is left out on purpose: without it the driver polls `hello`
 * instead of holding an awaitable (streaming) `hello` open on every monitor connection.
 */
import { Long, ObjectId } from 'bson';
import type { Doc } from '../types';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE, MAX_WRITE_BATCH_SIZE } from '../protocol/wire';

/** The version we report; the wire version matches MongoDB 7.0. */
export const SERVER_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;
export const REPLICA_SET_NAME = 'rs0';
/** Fixed: there is never another election. */
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');
const STARTED_AT = new Date();

export interface ServerIdentity {
  /** `host:port` as listed in the replica-set config (what clients should connect to). */
  address: string;
}

/** The reply to `hello` / `isMaster` / `ismaster`. */
export function helloReply(identity: ServerIdentity, connectionId: number, legacyName: boolean): Doc {
  const now = new Date();
  return {
    ...(legacyName ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    setName: REPLICA_SET_NAME,
    setVersion: 1,
    hosts: [identity.address],
    primary: identity.address,
    me: identity.address,
    electionId: ELECTION_ID,
    secondary: false,
    lastWrite: { lastWriteDate: now, majorityWriteDate: now },
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: now,
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

export function buildInfoReply(): Doc {
  return {
    version: SERVER_VERSION,
    gitVersion: 'embedded',
    versionArray: SERVER_VERSION.split('.').map(Number).concat(0),
    bits: 64,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded-journal'],
    javascriptEngine: 'none',
    modules: [],
    embedded: true,
    ok: 1,
  };
}

export function serverStatusReply(identity: ServerIdentity, stats: { connections: number; totalConnections: number; openCursors: number; openTransactions: number }): Doc {
  const uptimeMs = Date.now() - STARTED_AT.getTime();
  return {
    host: identity.address,
    version: SERVER_VERSION,
    process: 'embedded-mongo',
    pid: Long.fromNumber(process.pid),
    uptime: uptimeMs / 1000,
    uptimeMillis: Long.fromNumber(uptimeMs),
    localTime: new Date(),
    connections: { current: stats.connections, available: 10_000, totalCreated: stats.totalConnections },
    metrics: { cursor: { open: { total: Long.fromNumber(stats.openCursors) } } },
    transactions: { currentOpen: Long.fromNumber(stats.openTransactions) },
    mem: { resident: Math.round(process.memoryUsage().rss / (1024 * 1024)), bits: 64 },
    repl: { setName: REPLICA_SET_NAME, isWritablePrimary: true, primary: identity.address, me: identity.address },
    ok: 1,
  };
}
