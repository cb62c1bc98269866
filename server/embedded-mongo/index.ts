/**
 * The embedded MongoDB-compatible server: an engine (in-memory state, journaled to disk) behind
 * a wire-protocol listener, so the unchanged MongoDB driver and mongoose talk to it over TCP.
 * See README.md in this folder for what it supports and what it refuses.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { credentialsUri, generateCredentials, loadOrCreateCredentials, type EmbeddedCredentials } from './auth/credentials';
import { Engine } from './store/engine';
import type { JournalLogger } from './store/journal';
import { WireServer } from './server';

export { Engine } from './store/engine';
export { WireServer } from './server';
export { credentialsUri, readCredentials, type EmbeddedCredentials } from './auth/credentials';
export { authenticateConnection } from './auth/client';

export interface EmbeddedMongoOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the server has no TLS, so it never listens beyond loopback by default. */
  host?: string;
  /**
   * Data directory (journal, lock file, credentials); null keeps everything in memory, with
   * credentials made up for this server's lifetime (tests only).
   */
  dbpath: string | null;
  logger?: JournalLogger;
  /** Journal size that triggers compaction (when also twice the live data). */
  compactThresholdBytes?: number;
  cursorTimeoutMs?: number;
  transactionLifetimeMs?: number;
}

export interface EmbeddedMongo {
  /**
   * `mongodb://user:password@host:port/?authSource=admin`: every client must authenticate (SCRAM-
   * SHA-256); put a database name after the slash, keeping the query.
   */
  uri: string;
  port: number;
  /** The user the server requires (generated into the data directory on the first start). */
  credentials: EmbeddedCredentials;
  engine: Engine;
  server: WireServer;
  /** Stops listening, closes connections, flushes and closes the journal, releases the lock. */
  close(): Promise<void>;
}

/** Opens the data directory (replaying its journal) and starts listening. */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const engine = await Engine.open({ dbpath: options.dbpath, compactThresholdBytes: options.compactThresholdBytes }, options.logger);
  let credentials: EmbeddedCredentials;
  try {
    // Read (or created) with the data directory locked by Engine.open.
    credentials = options.dbpath ? loadOrCreateCredentials(options.dbpath, options.logger) : generateCredentials();
  } catch (err) {
    await engine.close();
    throw err;
  }
  const server = new WireServer(engine, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    credentials,
    logger: options.logger,
    cursorTimeoutMs: options.cursorTimeoutMs,
    transactionLifetimeMs: options.transactionLifetimeMs,
  });
  let address: string;
  try {
    address = await server.listen();
  } catch (err) {
    await engine.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    uri: credentialsUri(address, credentials),
    port: server.port,
    credentials,
    engine,
    server,
    close() {
      closing ??= (async () => {
        await server.close();
        await engine.close();
      })();
      return closing;
    },
  };
}

/** The embedded server running on its own worker thread (see {@link startEmbeddedMongoInWorker}). */
export interface EmbeddedMongoWorker {
  /** As {@link EmbeddedMongo.uri}: credentials included. */
  uri: string;
  port: number;
  /** Stops the server (flushing the journal) and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts the embedded server on a worker thread, so its work runs on another core than the
 * caller's (the BFF starts it this way). The worker loads this folder's TypeScript through tsx's
 * require hook (a dependency of the project, as for `npm start`).
 */
export function startEmbeddedMongoInWorker(options: Omit<EmbeddedMongoOptions, 'logger'> & { logger?: JournalLogger }): Promise<EmbeddedMongoWorker> {
  const { logger, ...data } = options;
  // Worker threads do not inherit tsx's loader: register its require hook, then load the entry.
  const entry = path.join(__dirname, 'worker-entry.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    let closing: Promise<void> | null = null;
    let onClosed: (() => void) | null = null;
    worker.on('message', (m: { type: string; uri?: string; port?: number; level?: 'info' | 'warn' | 'error'; msg?: string; message?: string }) => {
      if (m.type === 'log' && m.level && m.msg !== undefined) logger?.[m.level](m.msg);
      else if (m.type === 'closed') onClosed?.();
      else if (m.type === 'error') {
        logger?.error(`embedded mongo worker: ${m.message}`);
        if (!closing) reject(new Error(m.message));
      } else if (m.type === 'ready' && m.uri && m.port) {
        resolve({
          uri: m.uri,
          port: m.port,
          close() {
            closing ??= new Promise<void>((done) => {
              onClosed = () => {
                void worker.terminate().then(() => done());
              };
              worker.postMessage({ type: 'close' });
            });
            return closing;
          },
        });
      }
    });
    worker.once('error', (err) => reject(err));
    worker.once('exit', (code) => {
      if (!closing) reject(new Error(`embedded mongo worker exited with code ${code}`));
    });
  });
}
