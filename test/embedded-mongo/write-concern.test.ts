/**
 * Write concern `j: false` on the embedded server, as MongoDB honours it: the write is acknowledged
 * once applied (readable at once), the next group commit makes it durable, and a journaled write
 * after it is acknowledged only once everything before it in the journal is on disk.
 * (Specific to the embedded server: holding the journal back stands in for a disk that has not
 * synced yet.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { MongoClient, type Collection } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';
import { readJournal } from '../../server/embedded-mongo/store/journal';
import { tempDirs } from '../support/temp-dirs';

const ROOT = path.resolve(__dirname, '../..');
const LAZY = { writeConcern: { w: 1, j: false } } as const;
const JOURNALED = { writeConcern: { w: 1, j: true } } as const;

interface Counter {
  _id: string;
  n?: number;
}

const tempDir = tempDirs('write-concern');

async function open(dbpath: string): Promise<{ server: EmbeddedMongo; client: MongoClient; c: Collection<Counter> }> {
  const server = await startEmbeddedMongo({ port: 0, dbpath });
  const client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 5000 });
  return { server, client, c: client.db('app').collection<Counter>('counters') };
}

/** The documents of `app.counters` as the journal file on disk holds them right now. */
function onDisk(dbpath: string): Map<string, unknown> {
  const docs = new Map<string, unknown>();
  for (const r of readJournal(dbpath).records) {
    const ops = r.op === 'tx' ? (r.ops as Array<Record<string, unknown>>) : [r];
    for (const op of ops) {
      if (op.coll !== 'counters') continue;
      const doc = op.doc as { _id: string; n?: { valueOf(): number } } | undefined;
      if (op.op === 'put' && doc) docs.set(doc._id, doc.n === undefined ? undefined : Number(doc.n.valueOf()));
      if (op.op === 'del') docs.delete(op.id as string);
    }
  }
  return docs;
}

it('acknowledges a j:false write once applied, readable at once, before the journal reaches the disk', async () => {
  const dbpath = tempDir();
  const { server, client, c } = await open(dbpath);
  try {
    await c.insertOne({ _id: 'setup' });
    const release = server.engine.holdJournal();
    try {
      await c.insertOne({ _id: 'views', n: 1 }, LAZY);
      await c.updateOne({ _id: 'views' }, { $inc: { n: 2 } }, LAZY);
      await c.findOneAndUpdate({ _id: 'window' }, { $inc: { n: 1 } }, { ...LAZY, upsert: true });
      await c.deleteOne({ _id: 'setup' }, LAZY);
      expect(await c.find({}).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'views', n: 3 },
        { _id: 'window', n: 1 },
      ]);
      // Acknowledged, yet nothing of it is on disk while the group commit is held back.
      expect([...onDisk(dbpath).keys()]).toEqual(['setup']);
    } finally {
      release();
    }
  } finally {
    await client.close();
    await server.close();
  }
});

it('acknowledges a journaled write only once the j:false writes before it are durable too', async () => {
  const dbpath = tempDir();
  const { server, client, c } = await open(dbpath);
  try {
    await c.insertOne({ _id: 'setup' });
    const release = server.engine.holdJournal();
    let journaledAck = false;
    let noOpAck = false;
    let durable: Promise<unknown>;
    let noOp: Promise<unknown>;
    try {
      await c.insertOne({ _id: 'lock', n: 1 }, LAZY);
      durable = c.insertOne({ _id: 'letter', n: 1 }, JOURNALED).then(() => (journaledAck = true));
      // A journaled write that changes nothing waits as well: its answer may rest on the lazy one.
      noOp = c.updateOne({ _id: 'nobody' }, { $set: { n: 1 } }).then(() => (noOpAck = true));
      // Lazy writes and reads still go through meanwhile.
      await c.insertOne({ _id: 'later', n: 1 }, LAZY);
      expect(await c.countDocuments({})).toBe(4);
      expect([journaledAck, noOpAck]).toEqual([false, false]);
    } finally {
      release();
    }
    await Promise.all([durable, noOp]);
    expect([journaledAck, noOpAck]).toEqual([true, true]);
    // The journaled write's acknowledgement covers the lazy write before it, in the file itself.
    const disk = onDisk(dbpath);
    expect(disk.has('lock')).toBe(true);
    expect(disk.has('letter')).toBe(true);
  } finally {
    await client.close();
    await server.close();
  }
});

it('keeps j:false writes across a clean restart', async () => {
  const dbpath = tempDir();
  const first = await open(dbpath);
  try {
    await first.c.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `p${i}`, n: 0 })));
    await first.c.bulkWrite(
      Array.from({ length: 20 }, (_, i) => ({ updateOne: { filter: { _id: `p${i}` }, update: { $inc: { n: i + 1 } } } })),
      { ordered: false, ...LAZY },
    );
  } finally {
    await first.client.close();
    await first.server.close();
  }
  const second = await open(dbpath);
  try {
    const docs = await second.c.find({}).toArray();
    expect(docs).toHaveLength(20);
    for (const d of docs) expect(d.n).toBe(Number(d._id.slice(1)) + 1);
  } finally {
    await second.client.close();
    await second.server.close();
  }
});

/** The standalone server as a child process, and the address it prints once listening. */
function startChild(dbpath: string): Promise<{ child: ChildProcess; uri: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/embedded-mongo/cli.ts'), '--port', '0', '--dbpath', dbpath], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (mongodb:\/\/\S+)/.exec(out);
      if (m) resolve({ child, uri: m[1] });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${err}`)));
  });
}

it('loses no j:false write that a journaled write acknowledged after it, when the server is killed with SIGKILL', async () => {
  const dbpath = tempDir();
  const { child, uri } = await startChild(dbpath);
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000, retryWrites: false });
  const c = client.db('app').collection<Counter>('counters');
  try {
    for (let i = 0; i < 200; i++) await c.updateOne({ _id: `w${i % 10}` }, { $inc: { n: 1 } }, { ...LAZY, upsert: true });
    await c.insertOne({ _id: 'submission', n: 1 }, JOURNALED);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await client.close(true).catch(() => undefined);
  }
  const again = await startChild(dbpath);
  const client2 = await MongoClient.connect(again.uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const docs = await client2.db('app').collection<Counter>('counters').find({}).sort({ _id: 1 }).toArray();
    expect(docs.find((d) => d._id === 'submission')).toEqual({ _id: 'submission', n: 1 });
    expect(docs.filter((d) => d._id.startsWith('w')).map((d) => d.n)).toEqual(Array(10).fill(20));
  } finally {
    await client2.close();
    again.child.kill('SIGTERM');
    await new Promise((r) => again.child.once('exit', r));
  }
}, 60_000);
