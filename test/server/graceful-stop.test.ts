/**
 * SIGTERM on the real server process (`tsx server/src/main.ts` on the embedded database): every
 * request whose bytes reached the server before the signal is answered in full — on keep-alive
 * connections that were idle a moment before and on connections still waiting to be accepted —
 * and every acknowledged letter is stored after a restart.
 *
 * Deterministic by construction, not by timing: the signal is sent only once every request has
 * been written to its socket ('finish'), so the bytes are in the server's receive buffers when
 * the signal arrives, and each letter submission takes real time (fsynced writes), so they are
 * still in flight while the server stops.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
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
