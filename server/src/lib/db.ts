/**
 * The database connection. With MONGODB_URI set, the BFF connects to that MongoDB (a replica set
 * in production, for transactions). Without it, the embedded MongoDB-compatible server starts
 * in-process, on a worker thread, with its data under `DATA_DIR/db`, and mongoose talks to it over loopback TCP like
 * to any MongoDB, so the code path is the same either way. The embedded server requires
 * authentication: the URI it hands back carries the credentials it generated into
 * `DATA_DIR/db/credentials.json` (and `authSource=admin`, which `withDatabase` keeps).
 *
 * The connection is a dedicated mongoose connection (not the global default), passed to
 * `createModels(connection)`; tests open one per test file the same way.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config';
import type { Logger } from './logger';

/** Which server the BFF runs on; reported by the health endpoint. */
export type DatabaseKind = 'embedded' | 'mongodb';

/** An open database. */
export interface Database {
  kind: DatabaseKind;
  connection: mongoose.Connection;
  /** Closes the connection, then stops the embedded server if there is one. */
  close(): Promise<void>;
}

const CONNECT_OPTIONS: mongoose.ConnectOptions = {
  serverSelectionTimeoutMS: 10_000,
  // Indexes are created explicitly at boot (ensureIndexes), never implicitly per model.
  autoIndex: false,
};

/** Connects to MONGODB_URI, or starts the embedded server and connects to it. */
export async function connectDatabase(config: Pick<Config, 'mongodbUri' | 'dataDir' | 'embeddedMongoPort'>, logger: Logger): Promise<Database> {
  if (config.mongodbUri) {
    const connection = await mongoose.createConnection(config.mongodbUri, CONNECT_OPTIONS).asPromise();
    logger.info({ db: 'mongodb', name: connection.name }, 'connected to MongoDB');
    return { kind: 'mongodb', connection, close: () => connection.close() };
  }
  // Loaded only when needed, so production (which always has MONGODB_URI) never loads the engine.
  const { startEmbeddedMongoInWorker } = await import('../../embedded-mongo');
  const dbpath = path.join(config.dataDir, 'db');
  const dbLogger = logger.child({ component: 'embedded-mongo' });
  // On its own thread, so the database's work does not queue behind request handling.
  const server = await startEmbeddedMongoInWorker({
    port: config.embeddedMongoPort,
    host: '127.0.0.1',
    dbpath,
    logger: { info: (m) => dbLogger.info(m), warn: (m) => dbLogger.warn(m), error: (m) => dbLogger.error(m) },
  });
  let connection: mongoose.Connection;
  try {
    connection = await mongoose.createConnection(withDatabase(server.uri, 'zhengwu'), CONNECT_OPTIONS).asPromise();
  } catch (err) {
    await server.close();
    throw err;
  }
  logger.info({ db: 'embedded', dbpath, port: server.port }, 'started the embedded database');
  return {
    kind: 'embedded',
    connection,
    async close() {
      await connection.close();
      await server.close();
    },
  };
}

/** Puts a database name into a connection string that has none, keeping its options. */
function withDatabase(uri: string, dbName: string): string {
  const u = new URL(uri);
  if (u.pathname === '' || u.pathname === '/') u.pathname = `/${dbName}`;
  return u.toString();
}

/** Round-trips a ping to the server; false when it does not answer within `timeoutMs`. */
export async function pingDatabase(connection: mongoose.Connection, timeoutMs = 2000): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== mongoose.ConnectionStates.connected) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ping = db.command({ ping: 1 }).then((r) => r.ok === 1);
    return await Promise.race([ping, timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
