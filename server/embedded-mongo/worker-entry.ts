/**
 * Runs the embedded server on a worker thread (see `startEmbeddedMongoInWorker` in index.ts): the
 * database's own work (BSON, indexes, the journal) then uses another core than the BFF's requests.
 * Messages: in, `{ type: 'close' }`; out, `{ type: 'ready', uri, port }`, `{ type: 'log', level,
 * msg }`, `{ type: 'error', message }`, `{ type: 'closed' }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedMongo, type EmbeddedMongoOptions } from './index';

const port = parentPort;
if (!port) throw new Error('worker-entry.ts runs only as a worker thread');

const log = (level: 'info' | 'warn' | 'error') => (msg: string) => port.postMessage({ type: 'log', level, msg });
const options = workerData as Omit<EmbeddedMongoOptions, 'logger'>;

startEmbeddedMongo({ ...options, logger: { info: log('info'), warn: log('warn'), error: log('error') } }).then(
  (server) => {
    port.postMessage({ type: 'ready', uri: server.uri, port: server.port });
    port.on('message', (m: { type?: string }) => {
      if (m?.type !== 'close') return;
      server.close().then(
        () => port.postMessage({ type: 'closed' }),
        (err: Error) => port.postMessage({ type: 'error', message: err.message }),
      );
    });
  },
  (err: Error) => port.postMessage({ type: 'error', message: err.message }),
);
