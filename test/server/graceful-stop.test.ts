/**
 * SIGTERM on the real server process (as `npm start` runs it, on the embedded database): every
 * request whose bytes reached the server before the signal is answered in full — on keep-alive
 * connections that were idle a moment before and on connections still waiting to be accepted —
 * and every acknowledged letter is stored after a restart. Deterministic by construction, not by
 * timing: the signal is sent only once every request has been written to its socket ('finish'),
 * so the bytes are in the server's receive buffers when it arrives, and each letter submission
 * takes real time (fsynced writes), so they are still in flight while the server stops.
 *
 * The second part drives lib/graceful-stop.ts on a plain HTTP server over raw connections:
 * requests written in the same tick as the stop, pipelined requests, and the deadline.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { gracefulStop } from '../../server/src/lib/graceful-stop';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const tmpRoot = path.resolve(__dirname, '../../tmp');

interface Outcome {
  status?: number;
  connection?: string;
  body?: { trackingNo?: string };
  error?: string;
}

interface Sent {
  /** Resolves once the whole request is written to the socket. */
  written: Promise<void>;
  outcome: Promise<Outcome>;
}

function send(base: URL, agent: http.Agent | false, method: string, pathname: string, token?: string, payload?: unknown): Sent {
  const body = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
  let written!: () => void;
  const writtenP = new Promise<void>((resolve) => (written = resolve));
  const outcome = new Promise<Outcome>((resolve) => {
    const req = http.request({
      host: base.hostname,
      port: base.port,
      method,
      path: pathname,
      agent,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}),
      },
    });
    req.on('finish', () => written());
    req.on('error', (err: NodeJS.ErrnoException) => {
      written();
      resolve({ error: err.code ?? err.message });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Outcome['body'];
        try {
          parsed = JSON.parse(text) as Outcome['body'];
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode, connection: res.headers.connection, body: parsed });
      });
    });
    req.end(body);
  });
  return { written: writtenP, outcome };
}

async function json<T>(res: Promise<Outcome>): Promise<T> {
  const out = await res;
  if (out.status === undefined || out.status >= 300) throw new Error(`request failed: ${JSON.stringify(out)}`);
  return out.body as T;
}

describe('graceful stop (server/src/main.ts)', () => {
  let dataDir: string;
  let server: ServerProcess | null = null;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpRoot, 'graceful-'));
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every request that reached it before SIGTERM, and stores every acknowledged letter', async () => {
    const env = {
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
    };
    server = startServerProcess(env);
    const base = new URL(String((await server.waitFor((l) => typeof l.url === 'string')).url));

    // Twelve citizens, five letters each (the daily cap is ten).
    const tokens: string[] = [];
    for (let i = 0; i < 12; i++) {
      const login = await json<{ token: string }>(send(base, false, 'POST', '/api/auth/wechat', undefined, { code: `dev:graceful-${i}` }).outcome);
      tokens.push(login.token);
    }
    const letter = (i: number) => ({
      category: 'consult',
      subject: `关于停车位规划的咨询第${i}号`,
      content: `请问我们小区周边新增的停车位什么时候可以投入使用？编号${i}。`,
      publicConsent: false,
    });

    // 34 keep-alive connections, opened and then left idle (the server closes idle connections
    // when it stops); 30 of them carry a letter below, 4 stay idle.
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 34 });
    const warmUp = Array.from({ length: 34 }, () => send(base, keepAlive, 'GET', '/api/health').outcome);
    for (const out of await Promise.all(warmUp)) expect(out.status).toBe(200);
    expect(Object.values(keepAlive.freeSockets).flat()).toHaveLength(34);

    // The burst: 30 letters on the idle keep-alive connections, 30 on new connections.
    const sent: Sent[] = [];
    for (let i = 0; i < 60; i++) {
      const token = tokens[i % tokens.length];
      sent.push(send(base, i < 30 ? keepAlive : false, 'POST', '/api/letters', token, letter(i)));
    }
    await Promise.all(sent.map((s) => s.written));
    server.child.kill('SIGTERM');

    const outcomes = await Promise.all(sent.map((s) => s.outcome));
    const failed = outcomes.map((o, i) => ({ i, ...o })).filter((o) => o.status !== 201);
    expect(failed).toEqual([]);
    // Answers sent after the signal tell the client not to reuse the connection.
    const afterSignal = outcomes.filter((o) => o.connection === 'close');
    expect(afterSignal.length).toBeGreaterThan(0);
    expect(await server.exited).toBe(0);
    expect(server.lines.some((l) => l.msg === 'stopped')).toBe(true);
    keepAlive.destroy();

    // Every acknowledged letter is stored.
    const acknowledged = outcomes.map((o) => o.body?.trackingNo).filter((n): n is string => typeof n === 'string');
    expect(new Set(acknowledged).size).toBe(60);
    server = startServerProcess(env);
    const again = new URL(String((await server.waitFor((l) => typeof l.url === 'string')).url));
    const stored: string[] = [];
    for (const token of tokens) {
      const mine = await json<{ items: { trackingNo: string }[] }>(send(again, false, 'GET', '/api/letters/mine?limit=50', token).outcome);
      stored.push(...mine.items.map((l) => l.trackingNo));
    }
    expect(stored.sort()).toEqual([...acknowledged].sort());
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);
});

describe('gracefulStop (lib/graceful-stop.ts) on a plain HTTP server', () => {
  /** A server whose answers to `/hold` wait until the test releases them. */
  async function holdingServer() {
    const held: (() => void)[] = [];
    let received = 0;
    const server = http.createServer((req, res) => {
      received += 1;
      const answer = () => res.end(`answer ${req.url}`);
      if (req.url === '/hold') held.push(answer);
      else answer();
    });
    const stopper = gracefulStop(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, stopper, port: (server.address() as AddressInfo).port, held, received: () => received };
  }

  /** Everything a raw connection receives until the server closes it. */
  function readAll(socket: net.Socket): Promise<{ text: string; error?: string }> {
    return new Promise((resolve) => {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve({ text, error: err.code }));
      socket.on('close', () => resolve({ text }));
    });
  }

  const connect = (port: number) =>
    new Promise<net.Socket>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    });
  const write = (socket: net.Socket, text: string) => new Promise<void>((resolve) => socket.write(text, () => resolve()));
  const get = (url: string) => `GET ${url} HTTP/1.1\r\nHost: test\r\n\r\n`;
  const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d+)[^]*?Connection: ([a-z-]+)/gi)].map((m) => `${m[1]} ${m[2]}`);

  it('answers requests written just before the stop on an idle keep-alive connection and on new ones', async () => {
    const { stopper, port } = await holdingServer();
    // A keep-alive connection that has served one request and is idle.
    const idle = await connect(port);
    const idleRead = readAll(idle);
    await write(idle, get('/first'));
    await new Promise((resolve) => idle.once('data', resolve));
    // In the same tick as the stop (the server cannot read anything in between): the idle
    // connection's next request, and new connections with theirs.
    idle.write(get('/second'));
    const fresh = Array.from({ length: 20 }, () => net.connect(port, '127.0.0.1'));
    const freshRead = fresh.map(readAll);
    for (const socket of fresh) socket.write(get('/fresh'));
    expect(await stopper.stop(5_000)).toEqual({ destroyed: 0 });

    expect(statuses((await idleRead).text)).toEqual(['200 keep-alive', '200 close']);
    for (const read of await Promise.all(freshRead)) expect({ ...read, text: statuses(read.text) }).toEqual({ text: ['200 close'] });
  });

  it('answers pipelined requests in full: only the last one received closes the connection', async () => {
    const { stopper, port, held, received } = await holdingServer();
    const socket = await connect(port);
    const read = readAll(socket);
    await write(socket, get('/hold') + get('/hold'));
    while (received() < 2) await new Promise((resolve) => setImmediate(resolve));
    const stopped = stopper.stop(5_000);
    // The stop waits for the held requests.
    await new Promise((resolve) => setTimeout(resolve, 50));
    held.splice(0).forEach((answer) => answer());
    expect(await stopped).toEqual({ destroyed: 0 });
    const { text, error } = await read;
    expect(error).toBeUndefined();
    expect(statuses(text)).toEqual(['200 keep-alive', '200 close']);
  });

  it('closes the connections of requests still running at the deadline', async () => {
    const { stopper, port } = await holdingServer();
    const socket = await connect(port);
    const read = readAll(socket);
    await write(socket, get('/hold'));
    expect(await stopper.stop(100)).toEqual({ destroyed: 1 });
    expect((await read).text).toBe('');
  });
});
