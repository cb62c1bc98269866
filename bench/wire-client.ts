/**
 * A minimal MongoDB wire client for benchmarks: pre-encoded OP_MSG commands sent over raw TCP,
 * several in flight per connection. It measures what the server can answer, without the driver's
 * own per-operation cost (which, on a 2-core machine, is the limit the driver figures hit first).
 * Each connection authenticates once (SCRAM-SHA-256) before the timed part, as a driver's pooled
 * connection does.
 */
import net from 'node:net';
import { BSON } from 'bson';
import { authenticateConnection, type EmbeddedCredentials } from '../server/embedded-mongo';

type Doc = Record<string, unknown>;

let nextRequestId = 1;

/** Encodes a command as an OP_MSG with one body section. */
export function encodeCommand(cmd: Doc): Buffer {
  const body = Buffer.from(BSON.serialize(cmd));
  const msg = Buffer.alloc(16 + 4 + 1 + body.length);
  msg.writeInt32LE(msg.length, 0);
  msg.writeInt32LE(nextRequestId++, 4);
  msg.writeInt32LE(2013, 12);
  body.copy(msg, 21);
  return msg;
}

/** One connection that sends commands back to back and counts whole replies. */
class PipelinedConnection {
  private pending = Buffer.alloc(0);
  replies = 0;
  failures = 0;
  private onReply: (() => void) | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      this.pending = this.pending.length ? Buffer.concat([this.pending, d]) : d;
      while (this.pending.length >= 4) {
        const len = this.pending.readInt32LE(0);
        if (this.pending.length < len) break;
        // ok: 1 is the last field of our replies; checking the body keeps errors from counting.
        const reply = BSON.deserialize(this.pending.subarray(21, len));
        if (reply.ok === 1) this.replies++;
        else this.failures++;
        this.pending = this.pending.subarray(len);
        this.onReply?.();
      }
    });
  }

  static async open(port: number, credentials: EmbeddedCredentials): Promise<PipelinedConnection> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    await authenticateConnection((cmd) => exchange(socket, cmd), credentials);
    return new PipelinedConnection(socket);
  }

  /** Keeps `depth` requests in flight until `deadline`; resolves when all replies are in. */
  run(next: () => Buffer, depth: number, deadline: number): Promise<void> {
    let inFlight = 0;
    return new Promise((resolve) => {
      const pump = () => {
        while (inFlight < depth && Date.now() < deadline) {
          this.socket.write(next());
          inFlight++;
        }
        if (inFlight === 0) resolve();
      };
      this.onReply = () => {
        inFlight--;
        pump();
      };
      pump();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends one command and resolves with its reply (for the handshake, before pipelining starts). */
function exchange(socket: net.Socket, cmd: Doc): Promise<Doc> {
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      if (pending.length < 4 || pending.length < pending.readInt32LE(0)) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve(BSON.deserialize(pending.subarray(21, pending.readInt32LE(0))));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(encodeCommand(cmd));
  });
}

/** Replies per second over `connections` connections with `depth` requests in flight on each. */
export async function rawRate(
  server: { port: number; credentials: EmbeddedCredentials },
  durationMs: number,
  connections: number,
  depth: number,
  next: (i: number) => Buffer,
): Promise<{ rate: number; failures: number }> {
  const conns = await Promise.all(Array.from({ length: connections }, () => PipelinedConnection.open(server.port, server.credentials)));
  let i = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  await Promise.all(conns.map((c) => c.run(() => next(i++), depth, deadline)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const replies = conns.reduce((n, c) => n + c.replies, 0);
  const failures = conns.reduce((n, c) => n + c.failures, 0);
  conns.forEach((c) => c.close());
  return { rate: replies / seconds, failures };
}

/**
 * Mean milliseconds to set up one connection, opened one after another: TCP and `hello` alone, and
 * TCP, `hello` and the SCRAM-SHA-256 conversation (what every pooled connection pays once). The
 * client's salted password is cached after the first, as the driver caches it.
 */
export async function connectionSetupMs(server: { port: number; credentials: EmbeddedCredentials }, count: number): Promise<{ hello: number; authenticated: number }> {
  const setup = async (authenticate: boolean, n: number): Promise<number> => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(server.port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      });
      socket.setNoDelay(true);
      await exchange(socket, { hello: 1, $db: 'admin' });
      if (authenticate) await authenticateConnection((cmd) => exchange(socket, cmd), server.credentials);
      socket.destroy();
    }
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  // Warm up both paths, then alternate in rounds so load changes on the machine hit both alike.
  await setup(false, 10);
  await setup(true, 10);
  const rounds = 10;
  let hello = 0;
  let authenticated = 0;
  for (let r = 0; r < rounds; r++) {
    hello += await setup(false, count / rounds);
    authenticated += await setup(true, count / rounds);
  }
  return { hello: hello / count, authenticated: authenticated / count };
}
