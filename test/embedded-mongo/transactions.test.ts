/**
 * Sessions, retryable writes and multi-document transactions through the driver, against the
 * embedded engine or (TEST_MONGODB_URI) a real replica set.
 */
import { MongoClient, type Db } from 'mongodb';
import { testServerUri } from '../support/db';

let client: MongoClient;
let other: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(testServerUri(), { serverSelectionTimeoutMS: 5000 });
  other = await MongoClient.connect(testServerUri(), { serverSelectionTimeoutMS: 5000 });
  db = client.db(`txn_${process.env.JEST_WORKER_ID}_${Date.now()}`);
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await other.close();
});

it('commits all writes of a transaction together', async () => {
  const accounts = db.collection('accounts');
  await accounts.insertMany([{ _id: 'a', balance: 100 } as never, { _id: 'b', balance: 0 } as never]);
  const session = client.startSession();
  try {
    await session.withTransaction(async () => {
      await accounts.updateOne({ _id: 'a' } as never, { $inc: { balance: -30 } }, { session });
      await accounts.updateOne({ _id: 'b' } as never, { $inc: { balance: 30 } }, { session });
      await db.collection('ledger').insertOne({ from: 'a', to: 'b', amount: 30 }, { session });
    });
  } finally {
    await session.endSession();
  }
  const docs = await accounts.find({}).sort({ _id: 1 }).toArray();
  expect(docs.map((d) => d.balance)).toEqual([70, 30]);
  expect(await db.collection('ledger').countDocuments({})).toBe(1);
});

it('discards every write of an aborted transaction', async () => {
  const c = db.collection('aborted');
  await c.insertOne({ _id: 1, v: 'before' } as never);
  const session = client.startSession();
  session.startTransaction();
  await c.updateOne({ _id: 1 } as never, { $set: { v: 'during' } }, { session });
  await c.insertOne({ _id: 2 } as never, { session });
  await session.abortTransaction();
  await session.endSession();
  expect(await c.findOne({ _id: 1 } as never)).toEqual({ _id: 1, v: 'before' });
  expect(await c.countDocuments({})).toBe(1);
});

it('hides uncommitted writes from readers outside the transaction', async () => {
  const c = db.collection('isolation');
  await c.insertOne({ _id: 1, v: 'committed' } as never);
  const session = client.startSession();
  session.startTransaction();
  await c.updateOne({ _id: 1 } as never, { $set: { v: 'uncommitted' } }, { session });
  await c.insertOne({ _id: 2, v: 'new' } as never, { session });
  // Inside: sees its own writes.
  expect((await c.findOne({ _id: 1 } as never, { session }))!.v).toBe('uncommitted');
  expect(await c.countDocuments({}, { session })).toBe(2);
  // Outside (another client): sees only committed data.
  const outside = other.db(db.databaseName).collection('isolation');
  expect((await outside.findOne({ _id: 1 } as never))!.v).toBe('committed');
  expect(await outside.countDocuments({})).toBe(1);
  expect(await outside.findOne({ _id: 2 } as never)).toBeNull();
  await session.commitTransaction();
  await session.endSession();
  expect((await outside.findOne({ _id: 1 } as never))!.v).toBe('uncommitted');
  expect(await outside.countDocuments({})).toBe(2);
});

it('never loses an increment when two sessions update the same document concurrently', async () => {
  const c = db.collection('counter');
  await c.insertOne({ _id: 'n', value: 0 } as never);
  const rounds = 20;
  const worker = async (mc: MongoClient) => {
    const coll = mc.db(db.databaseName).collection('counter');
    for (let i = 0; i < rounds; i++) {
      const session = mc.startSession();
      try {
        await session.withTransaction(async () => {
          const doc = await coll.findOne({ _id: 'n' } as never, { session });
          // Read-modify-write: a lost update would show as a final value below 2 * rounds.
          await coll.updateOne({ _id: 'n' } as never, { $set: { value: (doc!.value as number) + 1 } }, { session });
        });
      } finally {
        await session.endSession();
      }
    }
  };
  await Promise.all([worker(client), worker(other)]);
  expect((await c.findOne({ _id: 'n' } as never))!.value).toBe(2 * rounds);
});

it('keeps both transactions when two sessions write different documents at once', async () => {
  const c = db.collection('disjoint');
  const s1 = client.startSession();
  const s2 = other.startSession();
  const c2 = other.db(db.databaseName).collection('disjoint');
  s1.startTransaction();
  s2.startTransaction();
  await c.insertOne({ _id: 'from1' } as never, { session: s1 });
  await c2.insertOne({ _id: 'from2' } as never, { session: s2 });
  await s1.commitTransaction();
  await s2.commitTransaction();
  await s1.endSession();
  await s2.endSession();
  expect((await c.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['from1', 'from2']);
});

it('reports a write conflict between open transactions as a transient error', async () => {
  const c = db.collection('conflict');
  await c.insertOne({ _id: 1, v: 0 } as never);
  const s1 = client.startSession();
  const s2 = other.startSession();
  s1.startTransaction();
  s2.startTransaction();
  await c.updateOne({ _id: 1 } as never, { $set: { v: 1 } }, { session: s1 });
  const err = await other
    .db(db.databaseName)
    .collection('conflict')
    .updateOne({ _id: 1 } as never, { $set: { v: 2 } }, { session: s2 })
    .catch((e) => e);
  expect(err.code).toBe(112);
  expect(err.hasErrorLabel('TransientTransactionError')).toBe(true);
  await s2.abortTransaction().catch(() => undefined);
  await s1.commitTransaction();
  await s1.endSession();
  await s2.endSession();
  expect((await c.findOne({ _id: 1 } as never))!.v).toBe(1);
});

it('enforces unique indexes across transactions at commit', async () => {
  const c = db.collection('txnunique');
  await c.createIndex({ k: 1 }, { unique: true });
  const session = client.startSession();
  session.startTransaction();
  await c.insertOne({ k: 'x' }, { session });
  const err = await c.insertOne({ k: 'x' }, { session }).catch((e) => e);
  expect(err.code).toBe(11000);
  await session.abortTransaction().catch(() => undefined);
  await session.endSession();
  expect(await c.countDocuments({})).toBe(0);
});
