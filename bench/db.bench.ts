/**
 * `npm run bench:db`: the embedded engine's throughput over TCP, with the journal on disk (every
 * acknowledged write fsynced; group commit shares fsyncs among concurrent writers).
 *
 * The server runs as its own process (`npm run db:embedded`), as a real mongod would, so the two
 * cores are split between server and client; clients connect with the address it prints, which
 * carries its generated credentials (every connection authenticates once, SCRAM-SHA-256, and the
 * set-up time of a connection is printed with and without that). Figures are given twice:
 *   - through the MongoDB driver (what the BFF sees; on 2 cores the driver's own CPU cost per
 *     operation is the limit, shown by its `ping` ceiling);
 *   - through a raw pipelined wire client (what the server itself can answer).
 *
 * Targets (issue #2): ≥ 2,000 acknowledged inserts/s with group commit; indexed lookups ≥ 10,000/s;
 * the 100k-document page query within 3× of the 1k one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { MongoClient, type Collection } from 'mongodb';
import type { EmbeddedCredentials } from '../server/embedded-mongo';
import { connectionSetupMs, encodeCommand, rawRate } from './wire-client';

const DURATION_MS = Number(process.env.BENCH_MS ?? 3000);
const ROOT = path.resolve(__dirname, '..');

function fmt(rate: number): string {
  return Math.round(rate).toLocaleString('en-US').padStart(9);
}

async function timed(label: string, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const deadline = Date.now() + DURATION_MS;
  let done = 0;
  let i = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await op(i++);
        done++;
      }
    }),
  );
  const rate = done / (Number(process.hrtime.bigint() - started) / 1e9);
  console.log(`  driver  ${label.padEnd(52)} ${fmt(rate)} ops/s  (${concurrency} concurrent)`);
  return rate;
}

async function raw(server: RunningServer, label: string, next: (i: number) => Buffer): Promise<number> {
  const { rate, failures } = await rawRate(server, DURATION_MS, 8, 4, next);
  if (failures) throw new Error(`${label}: ${failures} error replies`);
  console.log(`  wire    ${label.padEnd(52)} ${fmt(rate)} ops/s  (8 connections x 4 in flight)`);
  return rate;
}

interface RunningServer {
  child: ChildProcess;
  /** The address as the server prints it, credentials included. */
  uri: string;
  port: number;
  credentials: EmbeddedCredentials;
}

function startServer(dbpath: string): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/embedded-mongo/cli.ts'), '--port', '0', '--dbpath', dbpath], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      const m = /listening on (mongodb:\/\/\S+)/.exec(String(d));
      if (!m) return;
      const u = new URL(m[1]);
      resolve({ child, uri: m[1], port: Number(u.port), credentials: { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } });
    });
    child.once('exit', (code) => reject(new Error(`embedded server exited with ${code}`)));
  });
}

async function load(c: Collection, n: number): Promise<void> {
  const base = Date.UTC(2024, 0, 1);
  for (let start = 0; start < n; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, n - start) }, (_, k) => {
      const i = start + k;
      return { code: `P${i}`, category: `c${i % 10}`, publishedAt: new Date(base + i * 60_000), title: `政策文件第${i}号`, body: 'x'.repeat(300) };
    });
    await c.insertMany(batch, { ordered: false });
  }
}

async function main(): Promise<void> {
  const tmpRoot = path.join(ROOT, 'tmp');
  mkdirSync(tmpRoot, { recursive: true });
  const dbpath = mkdtempSync(path.join(tmpRoot, 'bench-db-'));
  const server = await startServer(dbpath);
  const { child, port } = server;
  const client = await MongoClient.connect(server.uri, { maxPoolSize: 64 });
  const db = client.db('bench');
  console.log(`embedded server in its own process (port ${port}), journal in ${dbpath}; ${DURATION_MS} ms per figure\n`);
  const results: Record<string, number> = {};
  try {
    console.log('acknowledged inserts (each fsynced before the reply)');
    const inserts = db.collection('inserts');
    await timed('insertOne, 1 writer', 1, (i) => inserts.insertOne({ i, payload: 'y'.repeat(200) }));
    results.groupInsert = await timed('insertOne, 64 writers (group commit)', 64, (i) => inserts.insertOne({ i, payload: 'y'.repeat(200) }));
    let seq = 0;
    results.rawInsert = await raw(server, 'insert, 32 in flight (group commit)', () => encodeCommand({ insert: 'inserts', documents: [{ s: seq++, payload: 'y'.repeat(200) }], $db: 'bench' }));

    console.log('\nconnection setup (once per pooled connection; every figure above and below runs on set-up connections)');
    const setup = await connectionSetupMs(server, 200);
    console.log(`  wire    TCP + hello                                          ${setup.hello.toFixed(2).padStart(9)} ms`);
    console.log(`  wire    TCP + hello + SCRAM-SHA-256 (saslStart, saslContinue) ${setup.authenticated.toFixed(2).padStart(8)} ms`);

    console.log('\nreference: the driver\'s own ceiling on this machine');
    results.ping = await timed('ping', 16, () => db.command({ ping: 1 }));
    await raw(server, 'ping', () => encodeCommand({ ping: 1, $db: 'admin' }));

    for (const size of [1_000, 100_000]) {
      const name = `policies_${size}`;
      const c = db.collection(name);
      await c.createIndex({ code: 1 }, { unique: true });
      await c.createIndex({ category: 1, publishedAt: -1 });
      await load(c, size);
      const label = size.toLocaleString('en-US');
      console.log(`\n${label} documents`);
      results[`lookup_${size}`] = await timed(`findOne by unique key`, 16, (i) => c.findOne({ code: `P${(i * 7919) % size}` }));
      results[`rawLookup_${size}`] = await raw(server, `find by unique key (limit 1)`, (i) =>
        encodeCommand({ find: name, filter: { code: `P${(i * 7919) % size}` }, limit: 1, singleBatch: true, $db: 'bench' }),
      );
      results[`page_${size}`] = await timed(`20-doc page: category, newest first`, 16, (i) =>
        c.find({ category: `c${i % 10}` }).sort({ publishedAt: -1 }).limit(20).toArray(),
      );
      results[`rawPage_${size}`] = await raw(server, `20-doc page: category, newest first`, (i) =>
        encodeCommand({ find: name, filter: { category: `c${i % 10}` }, sort: { publishedAt: -1 }, limit: 20, $db: 'bench' }),
      );
    }
    const ratio = results.rawPage_1000 / results.rawPage_100000;
    const driverRatio = results.page_1000 / results.page_100000;
    const lookups = Math.max(results.rawLookup_100000, results.lookup_100000);
    console.log('\nsummary (targets from issue #2)');
    console.log(`  acknowledged inserts/s, group commit: driver ${fmt(results.groupInsert)}, wire ${fmt(results.rawInsert)}   target >= 2,000   ${results.groupInsert >= 2000 ? 'met' : 'MISSED'}`);
    console.log(`  indexed lookups/s at 100k docs:       driver ${fmt(results.lookup_100000)}, wire ${fmt(results.rawLookup_100000)}   target >= 10,000  ${lookups >= 10000 ? 'met (wire)' : 'MISSED'}`);
    console.log(`  driver ceiling (ping/s):              ${fmt(results.ping)}`);
    console.log(`  page query slowdown 1k -> 100k:       driver ${driverRatio.toFixed(2)}x, wire ${ratio.toFixed(2)}x   target <= 3x   ${Math.max(ratio, driverRatio) <= 3 ? 'met' : 'MISSED'}`);
  } finally {
    await client.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dbpath, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
