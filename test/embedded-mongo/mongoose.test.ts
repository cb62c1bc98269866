/**
 * mongoose 9 in ordinary use against the database server (embedded, or TEST_MONGODB_URI): schemas
 * with indexes, CRUD, population, counting, pagination, Decimal128/Long fields and transactions.
 */
import mongoose, { Schema, Types } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../support/db';

let tdb: TestDatabase;

interface Department {
  name: string;
  code: string;
}
interface Letter {
  trackingNo: string;
  subject: string;
  department?: Types.ObjectId;
  status: string;
  score?: number;
  fee?: Types.Decimal128;
  views: bigint;
  history: Array<{ at: Date; action: string }>;
  createdAt: Date;
}

let DepartmentModel: mongoose.Model<Department>;
let LetterModel: mongoose.Model<Letter>;

beforeAll(async () => {
  tdb = await openTestDatabase('mongoose');
  const departmentSchema = new Schema<Department>({ name: { type: String, required: true }, code: { type: String, required: true, unique: true } });
  const letterSchema = new Schema<Letter>(
    {
      trackingNo: { type: String, required: true, unique: true },
      subject: { type: String, required: true, maxlength: 40 },
      department: { type: Schema.Types.ObjectId, ref: 'Department' },
      status: { type: String, enum: ['submitted', 'accepted', 'replied'], default: 'submitted', index: true },
      score: Number,
      fee: Schema.Types.Decimal128,
      views: { type: BigInt, default: 0n },
      history: [{ at: Date, action: String }],
    },
    { timestamps: true },
  );
  letterSchema.index({ status: 1, createdAt: -1 });
  DepartmentModel = tdb.connection.model<Department>('Department', departmentSchema);
  LetterModel = tdb.connection.model<Letter>('Letter', letterSchema);
  await DepartmentModel.init();
  await LetterModel.init();
});

afterAll(async () => {
  await tdb.close();
});

beforeEach(async () => {
  await tdb.clear();
});

it('creates the schema indexes, including unique ones', async () => {
  const names = (await LetterModel.collection.listIndexes().toArray()).map((i) => i.name).sort();
  expect(names).toEqual(['_id_', 'status_1', 'status_1_createdAt_-1', 'trackingNo_1']);
  await LetterModel.create({ trackingNo: 'X1', subject: '关于小区噪音的问题' });
  const err = await LetterModel.create({ trackingNo: 'X1', subject: '重复的编号' }).catch((e) => e);
  expect(err.code).toBe(11000);
  expect(err.keyValue).toEqual({ trackingNo: 'X1' });
});

it('saves, finds, updates and deletes documents', async () => {
  const dept = await DepartmentModel.create({ name: '住建局', code: 'zjj' });
  const letter = await LetterModel.create({ trackingNo: 'L1', subject: '道路维修', department: dept._id });
  letter.status = 'accepted';
  letter.history.push({ at: new Date('2026-11-02T01:00:00Z'), action: 'accept' });
  await letter.save();
  const found = await LetterModel.findOne({ trackingNo: 'L1' }).lean();
  expect(found).toMatchObject({ status: 'accepted', history: [{ action: 'accept' }] });
  expect(found!.createdAt).toBeInstanceOf(Date);
  const updated = await LetterModel.findOneAndUpdate({ trackingNo: 'L1' }, { $set: { status: 'replied' }, $push: { history: { at: new Date(), action: 'reply' } } }, { new: true }).lean();
  expect(updated!.history).toHaveLength(2);
  const res = await LetterModel.deleteOne({ trackingNo: 'L1' });
  expect(res.deletedCount).toBe(1);
  expect(await LetterModel.countDocuments()).toBe(0);
});

it('populates references', async () => {
  const dept = await DepartmentModel.create({ name: '交通局', code: 'jtj' });
  await LetterModel.create({ trackingNo: 'P1', subject: '公交线路', department: dept._id });
  const letter = await LetterModel.findOne({ trackingNo: 'P1' }).populate<{ department: Department }>('department').lean();
  expect(letter!.department.name).toBe('交通局');
});

it('counts, sorts and pages like the letter lists do', async () => {
  const base = new Date('2026-11-01T00:00:00Z').getTime();
  await LetterModel.insertMany(
    Array.from({ length: 45 }, (_, i) => ({ trackingNo: `T${String(i).padStart(3, '0')}`, subject: `第${i}封`, status: i % 3 === 0 ? 'replied' : 'submitted', createdAt: new Date(base + i * 60_000) })),
    { timestamps: false },
  );
  expect(await LetterModel.countDocuments({ status: 'replied' })).toBe(15);
  expect(await LetterModel.estimatedDocumentCount()).toBe(45);
  const page = await LetterModel.find({ status: 'replied' }).sort({ createdAt: -1 }).skip(5).limit(5).lean();
  expect(page.map((l) => l.trackingNo)).toEqual(['T027', 'T024', 'T021', 'T018', 'T015']);
  const cursorPage = await LetterModel.find({ status: 'replied', createdAt: { $lt: page[4].createdAt } }).sort({ createdAt: -1 }).limit(2).lean();
  expect(cursorPage.map((l) => l.trackingNo)).toEqual(['T012', 'T009']);
  const byStatus = await LetterModel.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
  expect(byStatus).toEqual([{ _id: 'replied', n: 15 }, { _id: 'submitted', n: 30 }]);
});

it('keeps Decimal128 and BigInt (Long) fields exact', async () => {
  await LetterModel.create({ trackingNo: 'D1', subject: '费用', fee: Types.Decimal128.fromString('12345.67'), views: 9007199254740993n });
  await LetterModel.updateOne({ trackingNo: 'D1' }, { $inc: { views: 2n } });
  const doc = await LetterModel.findOne({ trackingNo: 'D1' });
  expect(doc!.fee!.toString()).toBe('12345.67');
  expect(doc!.views).toBe(9007199254740995n);
});

it('rejects invalid documents through schema validation without writing', async () => {
  const err = await LetterModel.create({ trackingNo: 'V1', subject: 'x'.repeat(41) }).catch((e) => e);
  expect(err).toBeInstanceOf(mongoose.Error.ValidationError);
  expect(await LetterModel.countDocuments()).toBe(0);
});

it('runs a transaction through connection.transaction and rolls back on error', async () => {
  await expect(
    tdb.connection.transaction(async (session) => {
      await LetterModel.create([{ trackingNo: 'R1', subject: '事务内写入' }], { session });
      throw new Error('boom');
    }),
  ).rejects.toThrow('boom');
  expect(await LetterModel.countDocuments()).toBe(0);
  await tdb.connection.transaction(async (session) => {
    await LetterModel.create([{ trackingNo: 'R2', subject: '事务提交' }], { session });
    await DepartmentModel.create([{ name: '信访局', code: 'xfj' }], { session });
  });
  expect(await LetterModel.countDocuments()).toBe(1);
  expect(await DepartmentModel.countDocuments()).toBe(1);
});
