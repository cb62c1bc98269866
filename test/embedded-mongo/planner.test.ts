/**
 * The embedded engine serves equality on indexed fields and index-ordered pages without scanning
 * the collection. Checked through the engine's record of its last plan (embedded only).
 */
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';

let server: EmbeddedMongo;
let client: MongoClient;

beforeAll(async () => {
  server = await startEmbeddedMongo({ port: 0, dbpath: null });
  client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 5000 });
  const c = client.db('plan').collection('docs');
  await c.createIndex({ code: 1 }, { unique: true });
  await c.createIndex({ status: 1, createdAt: -1 });
  await c.insertMany(
    Array.from({ length: 5000 }, (_, i) => ({ code: `C${i}`, status: i % 2 ? 'open' : 'closed', createdAt: new Date(1_700_000_000_000 + i * 1000), n: i })),
  );
});

afterAll(async () => {
  await client.close();
  await server.close();
});

it('finds by a unique key through the index hash, examining one document', async () => {
  const doc = await client.db('plan').collection('docs').findOne({ code: 'C4321' });
  expect(doc!.n).toBe(4321);
  expect(server.engine.lastPlan).toMatchObject({ kind: 'ids', index: 'code_1', examined: 1 });
});

it('finds by _id without a scan', async () => {
  const c = client.db('plan').collection('docs');
  const one = await c.findOne({ code: 'C10' });
  await c.findOne({ _id: one!._id });
  expect(server.engine.lastPlan).toMatchObject({ kind: 'ids', index: '_id_', examined: 1 });
});

it('serves an equality-plus-sort page by walking the compound index', async () => {
  const page = await client.db('plan').collection('docs').find({ status: 'open' }).sort({ createdAt: -1 }).limit(20).toArray();
  expect(page).toHaveLength(20);
  expect(page[0].n).toBe(4999);
  expect(server.engine.lastPlan.kind).toBe('walk');
  expect(server.engine.lastPlan.examined).toBe(20);
});

it('scans when no index applies (and says so)', async () => {
  await client.db('plan').collection('docs').findOne({ n: 77 });
  expect(server.engine.lastPlan.kind).toBe('scan');
});

it('serves $in on _id and on an indexed field from the index, examining only the listed documents', async () => {
  const c = client.db('plan').collection('docs');
  const some = await c.find({ code: { $in: ['C1', 'C2', 'C3'] } }).toArray();
  expect(some.map((d) => d.n).sort((a, b) => a - b)).toEqual([1, 2, 3]);
  expect(server.engine.lastPlan).toMatchObject({ kind: 'ids', index: 'code_1', examined: 3 });
  const byId = await c.find({ _id: { $in: some.map((d) => d._id) } }).toArray();
  expect(byId).toHaveLength(3);
  expect(server.engine.lastPlan).toMatchObject({ kind: 'ids', index: '_id_', examined: 3 });
  // The rest of the filter still applies to the candidates.
  const filtered = await c.find({ code: { $in: ['C1', 'C2', 'C3'] }, status: 'open' }).toArray();
  expect(filtered.map((d) => d.n).sort((a, b) => a - b)).toEqual([1, 3]);
});
