/**
 * The TCP side of the embedded server: frames messages off each connection, hands the commands
 * to the dispatcher one at a time per connection (so replies keep request order) and writes the
 * replies back. A malformed or oversized message closes that connection only.
 */
import net from 'node:net';
import type { EmbeddedCredentials } from './auth/credentials';
import { Authenticator, newConnectionAuth } from './commands/auth';
import { CommandDispatcher, type ConnectionInfo, type ServerCounters } from './commands/dispatcher';
import { MongoCommandError } from './errors';
import { encodeMsgReply, encodeOpReply, MAX_MESSAGE_SIZE, parseMessage, readHeader, WireError } from './protocol/wire';
import type { Engine } from './store/engine';
import type { JournalLogger } from './store/journal';

export interface WireServerOptions {
  host: string;
  port: number;
  /** The one user every connection must authenticate as (SCRAM-SHA-256, in `admin`). */
  credentials: EmbeddedCredentials;
  logger?: JournalLogger;
  /** Idle cursors are closed after this long (MongoDB's default is 10 minutes). */
  cursorTimeoutMs?: number;
  /** Transactions open longer than this are aborted (MongoDB's default is 60 s). */
  transactionLifetimeMs?: number;
}

/** A listening wire-protocol server over one engine. */
export class WireServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private dispatcher!: CommandDispatcher;
  private readonly counters: ServerCounters = { connections: 0, totalConnections: 0 };
  private nextConnectionId = 1;
  /** `host:port` actually bound (known after `listen`). */
  address = '';

  constructor(private readonly engine: Engine, private readonly options: WireServerOptions) {
    this.server = net.createServer((socket) => this.onConnection(socket));
    this.server.on('error', (err) => options.logger?.error(`embedded mongo: server error: ${err.message}`));
  }

  /** Binds the port; resolves with the `host:port` clients should use. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const addr = this.server.address() as net.AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.address = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
    const authenticator = new Authenticator(this.options.credentials, this.options.logger);
    this.dispatcher = new CommandDispatcher(this.engine, { address: this.address }, this.counters, authenticator, {
      cursorTimeoutMs: this.options.cursorTimeoutMs,
      transactionLifetimeMs: this.options.transactionLifetimeMs,
    });
    return this.address;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The dispatcher (for tests: cursor and session registries). */
  get commands(): CommandDispatcher {
    return this.dispatcher;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dispatcher?.close();
  }

  private onConnection(socket: net.Socket): void {
    const id = this.nextConnectionId++;
    this.sockets.add(socket);
    this.counters.connections++;
    this.counters.totalConnections++;
    socket.setNoDelay(true);
    const remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    // One per connection: what it has authenticated as lives as long as the connection.
    const conn: ConnectionInfo = { id, remoteAddress, auth: newConnectionAuth() };
    let chunks: Buffer[] = [];
    let buffered = 0;
    // Replies go out in request order: each message waits for the one before it.
    let queue: Promise<void> = Promise.resolve();
    let closed = false;

    const fail = (reason: string) => {
      if (closed) return;
      closed = true;
      this.options.logger?.warn(`embedded mongo: closing connection ${id} from ${remoteAddress}: ${reason}`);
      socket.destroy();
    };

    socket.on('data', (data) => {
      if (closed) return;
      chunks.push(data);
      buffered += data.length;
      // Only join chunks once a whole message is there, so a large message costs one copy.
      while (buffered >= 4) {
        if (chunks[0].length < 4) chunks = [Buffer.concat(chunks)];
        const length = chunks[0].readInt32LE(0);
        if (length < 16 || length > MAX_MESSAGE_SIZE) {
          fail(`invalid message length ${length}`);
          return;
        }
        if (buffered < length) break;
        const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        const message = all.subarray(0, length);
        const rest = all.subarray(length);
        chunks = rest.length ? [rest] : [];
        buffered = rest.length;
        queue = queue.then(() => (closed ? undefined : this.handle(socket, message, conn, fail)));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      this.sockets.delete(socket);
      this.counters.connections--;
    });
  }

  private async handle(socket: net.Socket, message: Buffer, conn: ConnectionInfo, fail: (reason: string) => void): Promise<void> {
    let request;
    try {
      request = parseMessage(message);
    } catch (err) {
      fail(err instanceof WireError ? err.message : `unreadable message: ${(err as Error).message}`);
      return;
    }
    const header = readHeader(message);
    let db: string;
    if (request.kind === 'query') {
      const full = request.fullCollectionName ?? '';
      if (!full.endsWith('.$cmd')) {
        const reply = new MongoCommandError('CommandNotSupported', 'legacy OP_QUERY is only supported for commands (<db>.$cmd)').toReply();
        socket.write(encodeOpReply(header.requestId, reply));
        return;
      }
      db = full.slice(0, -'.$cmd'.length);
    } else {
      const d = request.command.$db;
      if (typeof d !== 'string' || d.length === 0) {
        const reply = new MongoCommandError('FailedToParse', 'OP_MSG requires a $db argument').toReply();
        if (!request.moreToCome) socket.write(encodeMsgReply(header.requestId, reply));
        return;
      }
      db = d;
    }
    const reply = await this.dispatcher.run(db, request.command, conn);
    if (request.moreToCome) return;
    let encoded: Buffer;
    try {
      encoded = request.kind === 'query' ? encodeOpReply(header.requestId, reply) : encodeMsgReply(header.requestId, reply);
    } catch (err) {
      // A reply that cannot be encoded (e.g. over the BSON size limit) is an error reply instead.
      const error = new MongoCommandError('BadValue', `reply could not be encoded: ${(err as Error).message}`).toReply();
      encoded = request.kind === 'query' ? encodeOpReply(header.requestId, error) : encodeMsgReply(header.requestId, error);
    }
    if (!socket.destroyed) socket.write(encoded);
  }
}
