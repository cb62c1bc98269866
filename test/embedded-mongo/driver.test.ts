/**
 * Conformance of the database server through the unchanged MongoDB driver. Runs against the
 * embedded engine by default and against a real MongoDB when TEST_MONGODB_URI is set: every
 * assertion here must hold for both.
 */
import { Binary, Decimal128, Double, Int32, Long, MongoClient, MongoServerError, ObjectId, UUID, type Db, type Document } from 'mongodb';
import { testServerUri } from '../support/db';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(testServerUri(), { serverSelectionTimeoutMS: 5000 });
  db = client.db(`driver_${process.env.JEST_WORKER_ID}_${Date.now()}`);
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

/** Test documents use numbers and strings as `_id` as freely as the shell does. */
function coll(name: string) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any _id type and raw BSON fields, as in the shell
  return db.collection<any>(name);
}

describe('BSON types', () => {
  it('round-trips every numeric and binary type with its type', async () => {
    const c = coll('types');
    const uuid = new UUID();
    const oid = new ObjectId();
    const when = new Date('2026-10-01T08:00:00.123Z');
    await c.insertOne({
      _id: 'all',
      i32: new Int32(7),
      dbl: new Double(7),
      dblFrac: new Double(2.5),
      i64: Long.fromString('9007199254740993'),
      dec: Decimal128.fromString('1234567890.123456789012345678'),
      date: when,
      oid,
      uuid,
      bin: new Binary(Buffer.from([1, 2, 3, 250]), 0),
      nested: { arr: [new Int32(1), new Double(1), Long.fromNumber(1)] },
    });
    const raw = await c.findOne({ _id: 'all' }, { promoteValues: false, promoteLongs: false });
    expect(raw).not.toBeNull();
    const doc = raw as Document;
    expect(doc.i32._bsontype).toBe('Int32');
    expect(doc.i32.value).toBe(7);
    expect(doc.dbl._bsontype).toBe('Double');
    expect(doc.dbl.value).toBe(7);
    expect(doc.dblFrac._bsontype).toBe('Double');
    expect(doc.i64._bsontype).toBe('Long');
    expect(doc.i64.toString()).toBe('9007199254740993');
    expect(doc.dec._bsontype).toBe('Decimal128');
    expect(doc.dec.toString()).toBe('1234567890.123456789012345678');
    expect(doc.date).toEqual(when);
    expect(doc.oid.equals(oid)).toBe(true);
    expect(doc.uuid.sub_type).toBe(4);
    expect(Buffer.from(doc.uuid.buffer).equals(Buffer.from(uuid.buffer))).toBe(true);
    expect(doc.bin.sub_type).toBe(0);
    expect([...doc.bin.buffer]).toEqual([1, 2, 3, 250]);
    expect(doc.nested.arr.map((v: { _bsontype: string }) => v._bsontype)).toEqual(['Int32', 'Double', 'Long']);
  });

  it('matches numbers across Int32, Double, Long and Decimal128 by value', async () => {
    const c = coll('numeq');
    await c.insertMany([
      { _id: 1, v: new Int32(5) },
      { _id: 2, v: new Double(5) },
      { _id: 3, v: Long.fromNumber(5) },
      { _id: 4, v: Decimal128.fromString('5.0') },
      { _id: 5, v: '5' },
    ]);
    const ids = (await c.find({ v: 5 }).toArray()).map((d) => d._id).sort();
    expect(ids).toEqual([1, 2, 3, 4]);
  });

  it('sorts numbers of mixed types by value, beyond 2^53 too', async () => {
    const c = coll('numsort');
    await c.insertMany([
      { _id: 'a', v: Long.fromString('9007199254740993') }, // 2^53 + 1
      { _id: 'b', v: new Double(9007199254740992) }, // 2^53
      { _id: 'c', v: new Int32(10) },
      { _id: 'd', v: new Double(9.5) },
      { _id: 'e', v: Decimal128.fromString('10.25') },
      { _id: 'f', v: Long.fromNumber(-3) },
      { _id: 'g', v: Long.fromNumber(100) },
    ]);
    const order = (await c.find({}).sort({ v: 1 }).toArray()).map((d) => d._id);
    expect(order).toEqual(['f', 'd', 'c', 'e', 'g', 'b', 'a']);
    const desc = (await c.find({}).sort({ v: -1 }).toArray()).map((d) => d._id);
    expect(desc).toEqual(['a', 'b', 'g', 'e', 'c', 'd', 'f']);
    const gt = (await c.find({ v: { $gt: new Double(9007199254740992) } }).toArray()).map((d) => d._id);
    expect(gt).toEqual(['a']);
  });

  it('orders values of different types in MongoDB BSON order', async () => {
    const c = coll('typesort');
    const oid = new ObjectId('000000000000000000000001');
    await c.insertMany([
      { _id: 1, v: true },
      { _id: 2, v: 'text' },
      { _id: 3, v: new Date(0) },
      { _id: 4, v: oid },
      { _id: 5, v: null },
      { _id: 6, v: 42 },
      { _id: 7, v: { a: 1 } },
      { _id: 8, v: new Binary(Buffer.from('x')) },
      { _id: 9 },
    ]);
    const order = (await c.find({}).sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
    // null and missing sort together first; then numbers, strings, objects, binData, ObjectId, bool, date.
    expect(order).toEqual([5, 9, 6, 2, 7, 8, 4, 1, 3]);
  });

  it('matches $type by alias and number, including objectId and long', async () => {
    const c = coll('typeq');
    await c.insertMany([
      { _id: 1, v: new ObjectId() },
      { _id: 2, v: Long.fromNumber(1) },
      { _id: 3, v: new Int32(1) },
      { _id: 4, v: new Double(1.5) },
      { _id: 5, v: Decimal128.fromString('1') },
      { _id: 6, v: 'x' },
      { _id: 7, v: null },
    ]);
    const ids = async (q: object) => (await c.find(q).toArray()).map((d) => d._id).sort();
    expect(await ids({ v: { $type: 'objectId' } })).toEqual([1]);
    expect(await ids({ v: { $type: 'long' } })).toEqual([2]);
    expect(await ids({ v: { $type: 18 } })).toEqual([2]);
    expect(await ids({ v: { $type: 'int' } })).toEqual([3]);
    expect(await ids({ v: { $type: 'double' } })).toEqual([4]);
    expect(await ids({ v: { $type: 'decimal' } })).toEqual([5]);
    expect(await ids({ v: { $type: 'number' } })).toEqual([2, 3, 4, 5]);
    expect(await ids({ v: { $type: ['string', 'null'] } })).toEqual([6, 7]);
  });

  it('applies $inc to a Long and keeps it a Long', async () => {
    const c = coll('inclong');
    await c.insertOne({ _id: 1, n: Long.fromString('9007199254740993'), i: new Int32(2147483647) });
    await c.updateOne({ _id: 1 }, { $inc: { n: Long.fromNumber(2), i: new Int32(1) } });
    const doc = (await c.findOne({ _id: 1 }, { promoteLongs: false, promoteValues: false })) as Document;
    expect(doc.n._bsontype).toBe('Long');
    expect(doc.n.toString()).toBe('9007199254740995');
    // Int32 overflow is promoted to Long, as mongod does.
    expect(doc.i._bsontype).toBe('Long');
    expect(doc.i.toString()).toBe('2147483648');
  });
});

describe('unique indexes', () => {
  it('reports E11000 with keyPattern and keyValue on insert', async () => {
    const c = coll('uniq');
    await c.createIndex({ email: 1 }, { unique: true, name: 'email_1' });
    await c.insertOne({ email: 'a@example.gov.cn' });
    const err = await c.insertOne({ email: 'a@example.gov.cn' }).catch((e) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'a@example.gov.cn' });
    expect(err.errmsg).toMatch(/E11000 duplicate key error collection: .*uniq index: email_1 dup key: \{ email: "a@example.gov.cn" \}/);
    expect(await c.countDocuments({})).toBe(1);
  });

  it('reports E11000 on update and findOneAndUpdate and leaves data unchanged', async () => {
    const c = coll('uniqupd');
    await c.createIndex({ code: 1 }, { unique: true });
    await c.insertMany([{ _id: 1, code: 'A' }, { _id: 2, code: 'B' }]);
    const e1 = await c.updateOne({ _id: 2 }, { $set: { code: 'A' } }).catch((e) => e);
    expect(e1.code).toBe(11000);
    expect(e1.keyValue).toEqual({ code: 'A' });
    const e2 = await c.findOneAndUpdate({ _id: 2 }, { $set: { code: 'A' } }).catch((e) => e);
    expect(e2).toBeInstanceOf(MongoServerError);
    expect(e2.code).toBe(11000);
    expect(e2.keyPattern).toEqual({ code: 1 });
    expect((await c.findOne({ _id: 2 }))!.code).toBe('B');
  });

  it('treats numerically equal keys of different types as duplicates', async () => {
    const c = coll('uniqnum');
    await c.createIndex({ n: 1 }, { unique: true });
    await c.insertOne({ n: new Int32(3) });
    const err = await c.insertOne({ n: new Double(3) }).catch((e) => e);
    expect(err.code).toBe(11000);
  });

  it('enforces compound unique indexes on the whole key', async () => {
    const c = coll('uniqcompound');
    await c.createIndex({ consultation: 1, openid: 1 }, { unique: true });
    await c.insertMany([
      { consultation: 1, openid: 'x' },
      { consultation: 1, openid: 'y' },
      { consultation: 2, openid: 'x' },
    ]);
    const err = await c.insertOne({ consultation: 1, openid: 'x' }).catch((e) => e);
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ consultation: 1, openid: 1 });
    expect(err.keyValue).toEqual({ consultation: 1, openid: 'x' });
  });

  it('lets sparse unique indexes hold many documents without the field', async () => {
    const c = coll('uniqsparse');
    await c.createIndex({ phone: 1 }, { unique: true, sparse: true });
    await c.insertMany([{ a: 1 }, { a: 2 }, { phone: '13800000000' }]);
    const err = await c.insertOne({ phone: '13800000000' }).catch((e) => e);
    expect(err.code).toBe(11000);
    expect(await c.countDocuments({})).toBe(3);
  });

  it('applies partial unique indexes only to documents matching the filter', async () => {
    const c = coll('uniqpartial');
    await c.createIndex({ url: 1 }, { unique: true, partialFilterExpression: { open: true } });
    await c.insertMany([
      { url: 'https://a.gov.cn', open: false },
      { url: 'https://a.gov.cn', open: false },
      { url: 'https://a.gov.cn', open: true },
    ]);
    const err = await c.insertOne({ url: 'https://a.gov.cn', open: true }).catch((e) => e);
    expect(err.code).toBe(11000);
    // Closing the open one frees the key.
    await c.updateOne({ open: true }, { $set: { open: false } });
    await c.insertOne({ url: 'https://a.gov.cn', open: true });
    expect(await c.countDocuments({ open: true })).toBe(1);
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const c = coll('uniqbuild');
    await c.insertMany([{ k: 1 }, { k: 1 }]);
    const err = await c.createIndex({ k: 1 }, { unique: true }).catch((e) => e);
    expect(err.code).toBe(11000);
    const names = (await c.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_']);
  });

  it('reports every failure of an unordered insertMany and inserts the rest', async () => {
    const c = coll('unordered');
    await c.createIndex({ k: 1 }, { unique: true });
    const err = await c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 2 }, { k: 3 }], { ordered: false }).catch((e) => e);
    expect(err.code).toBe(11000);
    expect(err.writeErrors.map((w: { index: number }) => w.index)).toEqual([1, 3]);
    expect(await c.countDocuments({})).toBe(3);
  });
});

describe('cursors', () => {
  it('returns more than 101 documents through getMore', async () => {
    const c = coll('many');
    await c.insertMany(Array.from({ length: 1000 }, (_, i) => ({ i })));
    const docs = await c.find({}).sort({ i: 1 }).toArray();
    expect(docs).toHaveLength(1000);
    expect(docs[999].i).toBe(999);
    const batched = c.find({}, { batchSize: 7 });
    let n = 0;
    for await (const _ of batched) n++;
    expect(n).toBe(1000);
  });

  it('cuts batches by byte size so results over 16 MiB arrive whole', async () => {
    const c = coll('big');
    const blob = 'x'.repeat(1024 * 1024); // 1 MiB strings: 20 documents are 20 MiB
    for (let i = 0; i < 20; i++) await c.insertOne({ i, blob });
    const cursor = c.find({}).sort({ i: 1 });
    let n = 0;
    let bytes = 0;
    for await (const d of cursor) {
      expect(d.i).toBe(n);
      n++;
      bytes += (d.blob as string).length;
    }
    expect(n).toBe(20);
    expect(bytes).toBe(20 * 1024 * 1024);
  });

  it('kills a cursor so getMore on it fails with CursorNotFound', async () => {
    const c = coll('kill');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ i })));
    const cursor = c.find({}, { batchSize: 2 });
    await cursor.next();
    const id = cursor.id!;
    expect(id.isZero()).toBe(false);
    const killed = await db.command({ killCursors: 'kill', cursors: [id] });
    expect(killed.cursorsKilled.map((x: Long) => x.toString())).toEqual([id.toString()]);
    const err = await db.command({ getMore: id, collection: 'kill' }).catch((e) => e);
    expect(err.code).toBe(43);
    await cursor.close().catch(() => undefined);
  });
});

describe('updates', () => {
  it('upserts with $setOnInsert applied only on insert', async () => {
    const c = coll('upsert');
    const r1 = await c.updateOne({ key: 'k' }, { $set: { seen: 1 }, $setOnInsert: { created: 'first' } }, { upsert: true });
    expect(r1.upsertedCount).toBe(1);
    const r2 = await c.updateOne({ key: 'k' }, { $set: { seen: 2 }, $setOnInsert: { created: 'second' } }, { upsert: true });
    expect(r2.upsertedCount).toBe(0);
    expect(r2.modifiedCount).toBe(1);
    const doc = await c.findOne({ key: 'k' });
    expect(doc).toMatchObject({ key: 'k', seen: 2, created: 'first' });
  });

  it('upserts through findOneAndUpdate returning the new document', async () => {
    const c = coll('fam');
    const res = await c.findOneAndUpdate({ _id: 'counter' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
    expect(res).toMatchObject({ _id: 'counter', seq: 1 });
    const again = await c.findOneAndUpdate({ _id: 'counter' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
    expect(again!.seq).toBe(2);
  });

  it('updates the matched array element through positional $', async () => {
    const c = coll('positional');
    await c.insertOne({ _id: 1, opinions: [{ id: 'a', status: 'new' }, { id: 'b', status: 'new' }] });
    await c.updateOne({ _id: 1, 'opinions.id': 'b' }, { $set: { 'opinions.$.status': 'adopted' } });
    const doc = await c.findOne({ _id: 1 });
    expect(doc!.opinions).toEqual([{ id: 'a', status: 'new' }, { id: 'b', status: 'adopted' }]);
  });

  it('updates elements chosen by arrayFilters', async () => {
    const c = coll('arrayfilters');
    await c.insertOne({ _id: 1, answers: [{ q: 1, score: 2 }, { q: 2, score: 5 }, { q: 3, score: 1 }] });
    await c.updateOne({ _id: 1 }, { $set: { 'answers.$[low].flag': true } }, { arrayFilters: [{ 'low.score': { $lt: 3 } }] });
    const doc = await c.findOne({ _id: 1 });
    expect(doc!.answers).toEqual([{ q: 1, score: 2, flag: true }, { q: 2, score: 5 }, { q: 3, score: 1, flag: true }]);
  });

  it('pushes, pulls and adds to sets', async () => {
    const c = coll('arrays');
    await c.insertOne({ _id: 1, tags: ['a'] });
    await c.updateOne({ _id: 1 }, { $push: { tags: { $each: ['b', 'c'] } } } as object);
    await c.updateOne({ _id: 1 }, { $addToSet: { tags: 'a' } });
    await c.updateOne({ _id: 1 }, { $pull: { tags: 'b' } } as object);
    expect((await c.findOne({ _id: 1 }))!.tags).toEqual(['a', 'c']);
  });

  it('refuses to change _id', async () => {
    const c = coll('immutable');
    await c.insertOne({ _id: 1, a: 1 });
    const err = await c.updateOne({ _id: 1 }, { $set: { _id: 2 } }).catch((e) => e);
    expect(err.code).toBe(66);
  });

  it('reports an unknown update operator with FailedToParse', async () => {
    const c = coll('badop');
    await c.insertOne({ _id: 1 });
    const err = await c.updateOne({ _id: 1 }, { $frobnicate: { a: 1 } } as object).catch((e) => e);
    expect(err.code).toBe(9);
  });
});

describe('queries', () => {
  it('answers an unknown query operator with BadValue', async () => {
    const c = coll('badquery');
    await c.insertOne({ a: 1 });
    const err = await c.find({ a: { $frobnicate: 1 } }).toArray().catch((e) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(2);
  });

  it('pages with sort, skip and limit', async () => {
    const c = coll('paging');
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ i, even: i % 2 === 0 })));
    const page = await c.find({ even: true }).sort({ i: -1 }).skip(2).limit(3).toArray();
    expect(page.map((d) => d.i)).toEqual([24, 22, 20]);
  });

  it('counts and lists distinct values', async () => {
    const c = coll('distinct');
    await c.insertMany([{ k: 'a', tags: ['x', 'y'] }, { k: 'b', tags: ['y'] }, { k: 'a' }]);
    expect(await c.countDocuments({ k: 'a' })).toBe(2);
    expect(await c.estimatedDocumentCount()).toBe(3);
    expect((await c.distinct('k')).sort()).toEqual(['a', 'b']);
    expect((await c.distinct('tags')).sort()).toEqual(['x', 'y']);
  });

  it('aggregates with $match, $group and $sort', async () => {
    const c = coll('agg');
    await c.insertMany([
      { dept: 'A', days: 3 },
      { dept: 'A', days: 5 },
      { dept: 'B', days: 10 },
    ]);
    const out = await c.aggregate([{ $match: { days: { $gte: 3 } } }, { $group: { _id: '$dept', n: { $sum: 1 }, avg: { $avg: '$days' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(out).toEqual([{ _id: 'A', n: 2, avg: 4 }, { _id: 'B', n: 1, avg: 10 }]);
  });
});

describe('catalog commands', () => {
  it('lists, creates and drops collections and indexes', async () => {
    await db.createCollection('cat1');
    const err = await db.createCollection('cat1').catch((e) => e);
    expect(err.code).toBe(48);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('cat1');
    const c = coll('cat1');
    await c.createIndex({ a: 1, b: -1 }, { name: 'a_b' });
    expect((await c.listIndexes().toArray()).map((i) => i.name).sort()).toEqual(['_id_', 'a_b']);
    await c.dropIndex('a_b');
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    expect(await c.drop()).toBe(true);
    const after = (await db.listCollections({ name: 'cat1' }).toArray()).length;
    expect(after).toBe(0);
  });

  it('answers ping, buildInfo, serverStatus, collStats and dbStats', async () => {
    expect((await db.command({ ping: 1 })).ok).toBe(1);
    const info = await db.admin().command({ buildInfo: 1 });
    expect(typeof info.version).toBe('string');
    const status = await db.admin().command({ serverStatus: 1 });
    expect(status.ok).toBe(1);
    await coll('stats').insertMany([{ a: 1 }, { a: 2 }]);
    const cs = await db.command({ collStats: 'stats' });
    expect(cs.count).toBe(2);
    const ds = await db.command({ dbStats: 1 });
    expect(ds.objects).toBeGreaterThanOrEqual(2);
  });

  it('answers an unknown command with CommandNotFound', async () => {
    const err = await db.command({ frobnicate: 1 }).catch((e) => e);
    expect(err.code).toBe(59);
    expect(err.codeName).toBe('CommandNotFound');
  });
});

describe('updates between null and sub-documents', () => {
  it('replaces null with a sub-document and back, by $set and by replacement', async () => {
    const c = coll('nullsub');
    await c.insertMany([{ _id: 1, a: null }, { _id: 2, a: { b: 2 } }, { _id: 3, a: null }]);
    const r1 = await c.updateOne({ _id: 1 }, { $set: { a: { b: 1 } } });
    expect(r1.modifiedCount).toBe(1);
    const r2 = await c.updateOne({ _id: 2 }, { $set: { a: null } });
    expect(r2.modifiedCount).toBe(1);
    await c.replaceOne({ _id: 3 }, { a: { b: 3 } });
    expect(await c.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, a: { b: 1 } },
      { _id: 2, a: null },
      { _id: 3, a: { b: 3 } },
    ]);
    const same = await c.updateOne({ _id: 2 }, { $set: { a: null } });
    expect(same.modifiedCount).toBe(0);
  });
});
