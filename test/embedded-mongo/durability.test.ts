/**
 * Durability of the embedded server's journal: replay on start, a torn last record, compaction,
 * and `kill -9` of a server process in the middle of a stream of acknowledged writes.
 * (Specific to the embedded server.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../server/embedded-mongo';
import { JOURNAL_FILE } from '../../server/embedded-mongo/store/journal';
import { tempDirs } from '../support/temp-dirs';

const ROOT = path.resolve(__dirname, '../..');

const tempDir = tempDirs('durability');

async function withServer<T>(dbpath: string, fn: (client: MongoClient) => Promise<T>, options: { compactThresholdBytes?: number } = {}): Promise<T> {
  const server = await startEmbeddedMongo({ port: 0, dbpath, ...options });
  const client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 5000 });
  try {
    return await fn(client);
  } finally {
    await client.close();
    await server.close();
  }
}

it('replays the journal on start: documents, updates, deletes and indexes survive a restart', async () => {
  const dbpath = tempDir();
  await withServer(dbpath, async (client) => {
    const c = client.db('app').collection('letters');
    await c.createIndex({ trackingNo: 1 }, { unique: true });
    await c.insertMany([{ trackingNo: 'A1', status: 'submitted' }, { trackingNo: 'A2', status: 'submitted' }, { trackingNo: 'A3' }]);
    await c.updateOne({ trackingNo: 'A1' }, { $set: { status: 'accepted' } });
    await c.deleteOne({ trackingNo: 'A3' });
  });
  await withServer(dbpath, async (client) => {
    const c = client.db('app').collection('letters');
    const docs = await c.find({}, { projection: { _id: 0 } }).sort({ trackingNo: 1 }).toArray();
    expect(docs).toEqual([{ trackingNo: 'A1', status: 'accepted' }, { trackingNo: 'A2', status: 'submitted' }]);
    const err = await c.insertOne({ trackingNo: 'A2' }).catch((e) => e);
    expect(err.code).toBe(11000);
  });
});

it('truncates a torn last record and keeps every complete one', async () => {
  const dbpath = tempDir();
  await withServer(dbpath, async (client) => {
    await client.db('app').collection('c').insertMany(Array.from({ length: 5 }, (_, i) => ({ i })));
  });
  const file = path.join(dbpath, JOURNAL_FILE);
  const goodSize = statSync(file).size;
  // Half a record: a length header promising more bytes than follow, as a crash mid-write leaves.
  const torn = Buffer.alloc(20);
  torn.writeUInt32LE(500, 0);
  appendFileSync(file, torn);
  await withServer(dbpath, async (client) => {
    expect(await client.db('app').collection('c').countDocuments({})).toBe(5);
    await client.db('app').collection('c').insertOne({ i: 5 });
  });
  expect(statSync(file).size).toBeGreaterThan(goodSize);
  await withServer(dbpath, async (client) => {
    expect(await client.db('app').collection('c').countDocuments({})).toBe(6);
  });
});

it('refuses to start on corruption in the middle of the journal', async () => {
  const dbpath = tempDir();
  await withServer(dbpath, async (client) => {
    for (let i = 0; i < 3; i++) await client.db('app').collection('c').insertOne({ i });
  });
  const file = path.join(dbpath, JOURNAL_FILE);
  const buf = readFileSync(file);
  buf[12] ^= 0xff; // inside the first record's payload
  writeFileSync(file, buf);
  await expect(startEmbeddedMongo({ port: 0, dbpath })).rejects.toThrow(/corrupt/);
});

it('compacts the journal by write-then-rename without losing data', async () => {
  const dbpath = tempDir();
  await withServer(
    dbpath,
    async (client) => {
      const c = client.db('app').collection('counters');
      await c.insertOne({ _id: 'n', v: 0 } as never);
      for (let i = 0; i < 400; i++) await c.updateOne({ _id: 'n' } as never, { $inc: { v: 1 } });
    },
    { compactThresholdBytes: 4096 },
  );
  // 400 updates of one document compact down to a few records.
  expect(statSync(path.join(dbpath, JOURNAL_FILE)).size).toBeLessThan(4096 * 2);
  await withServer(dbpath, async (client) => {
    expect((await client.db('app').collection('counters').findOne({ _id: 'n' } as never))!.v).toBe(400);
  });
});

it('refuses a second server on the same data directory', async () => {
  const dbpath = tempDir();
  const first = await startEmbeddedMongo({ port: 0, dbpath });
  try {
    await expect(startEmbeddedMongo({ port: 0, dbpath })).rejects.toThrow(/already open|in use/);
  } finally {
    await first.close();
  }
});

/** Starts the standalone server as a child process and resolves with the address it prints once listening. */
function startChild(dbpath: string): Promise<{ child: ChildProcess; uri: string }> {
  // `node --import tsx` (not the tsx CLI, which runs the script in a grandchild that SIGKILL would miss).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/embedded-mongo/cli.ts'), '--port', '0', '--dbpath', dbpath], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${err}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (mongodb:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, uri: m[1] });
      }
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

it('loses no acknowledged write when the server is killed with SIGKILL mid-write', async () => {
  const dbpath = tempDir();
  const { child, uri } = await startChild(dbpath);
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000, retryWrites: false });
  const c = client.db('app').collection('acks');
  const acknowledged = new Set<number>();
  let stop = false;
  // Several concurrent writers, so the kill lands while group commits are in flight.
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const id = w * 1_000_000 + i;
      try {
        await c.insertOne({ _id: id, payload: 'x'.repeat(200) } as never);
        acknowledged.add(id);
      } catch {
        return;
      }
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  await new Promise((r) => setTimeout(r, 700));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  stop = true;
  await Promise.all(writers);
  await client.close(true).catch(() => undefined);
  expect(acknowledged.size).toBeGreaterThan(50);

  const { child: again, uri: uri2 } = await startChild(dbpath);
  const client2 = await MongoClient.connect(uri2, { serverSelectionTimeoutMS: 5000 });
  try {
    const stored = new Set((await client2.db('app').collection('acks').find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id as unknown as number));
    const lost = [...acknowledged].filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
  } finally {
    await client2.close();
    again.kill('SIGTERM');
    await new Promise((r) => again.once('exit', r));
  }
}, 60_000);
