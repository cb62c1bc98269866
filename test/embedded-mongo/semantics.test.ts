/**
 * Unit tests of the embedded engine's MongoDB semantics (server/embedded-mongo/semantics): BSON
 * order and hashing, filters, sorts, projections, updates, upsert seeds and pipelines, with real
 * bson values as the wire decoder produces them.
 */
import { Binary, BSONRegExp, BSONSymbol, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'bson';
import { MongoCommandError } from '../../server/embedded-mongo/errors';
import {
  applyProjection,
  applyUpdate,
  buildUpsertDocument,
  compareValues,
  compileFilter,
  compileSort,
  equalityFieldsOf,
  getPathValues,
  indexKeyOf,
  runPipeline,
} from '../../server/embedded-mongo/semantics';
import type { Doc } from '../../server/embedded-mongo/types';

// ---- helpers ------------------------------------------------------------------------------------

function ids(filter: Doc | undefined, docs: Doc[]): unknown[] {
  const m = compileFilter(filter);
  return docs.filter((d) => m(d)).map((d) => d._id);
}

function matches(filter: Doc, doc: Doc): boolean {
  return compileFilter(filter)(doc);
}

function mongoError(fn: () => unknown): MongoCommandError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MongoCommandError) return err;
    throw new Error(`expected a MongoCommandError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a MongoCommandError, nothing was thrown');
}

function expectRefusal(fn: () => unknown, codeName: string, code: number, message?: string | RegExp): MongoCommandError {
  const err = mongoError(fn);
  expect({ codeName: err.codeName, code: err.code }).toEqual({ codeName, code });
  if (typeof message === 'string') expect(err.message).toBe(message);
  else if (message) expect(err.message).toMatch(message);
  return err;
}

function update(doc: Doc, u: Doc | Doc[], options: { query?: Doc; arrayFilters?: Doc[]; isInsert?: boolean } = {}) {
  return applyUpdate(doc, u, { isInsert: false, ...options });
}

const noLookup = { lookup: (): Doc[] => [] };

function sortIds(sort: Doc, docs: Doc[]): unknown[] {
  return docs.slice().sort(compileSort(sort)).map((d) => d._id);
}

const dec = (s: string) => Decimal128.fromString(s);

// ---- compareValues ----------------------------------------------------------------------------

describe('compareValues', () => {
  it('orders BSON types as MongoDB does', () => {
    const ordered = [
      new MinKey(),
      null,
      new Int32(5),
      'a string',
      { a: 1 },
      [1],
      new Binary(Buffer.from([1])),
      new ObjectId('000000000000000000000001'),
      false,
      new Date(0),
      new Timestamp({ t: 1, i: 1 }),
      /re/,
      new MaxKey(),
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect([i, j, Math.sign(compareValues(ordered[i], ordered[j]))]).toEqual([i, j, Math.sign(i - j)]);
      }
    }
  });

  it('treats undefined (missing) as null', () => {
    expect(compareValues(undefined, null)).toBe(0);
    expect(compareValues(undefined, new MinKey())).toBe(1);
    expect(compareValues(undefined, 0)).toBe(-1);
  });

  it('compares numbers by value across Int32, Double, Long, Decimal128 and plain numbers', () => {
    expect(compareValues(new Int32(1), new Double(1))).toBe(0);
    expect(compareValues(Long.fromNumber(1), 1)).toBe(0);
    expect(compareValues(dec('1.0'), new Int32(1))).toBe(0);
    expect(compareValues(new Double(1.5), new Int32(1))).toBe(1);
    expect(compareValues(dec('1.5'), new Double(1.5))).toBe(0);
    expect(compareValues(dec('-2'), Long.fromNumber(-1))).toBe(-1);
    expect(compareValues(0, -0)).toBe(0);
    expect(compareValues(new Double(-0), new Int32(0))).toBe(0);
  });

  it('compares Long beyond 2^53 exactly against doubles', () => {
    const big = Long.fromString('9007199254740993'); // 2^53 + 1, not a double
    expect(compareValues(big, new Double(2 ** 53))).toBe(1);
    expect(compareValues(new Double(2 ** 53), big)).toBe(-1);
    expect(compareValues(Long.fromString('9007199254740992'), new Double(2 ** 53))).toBe(0);
    expect(compareValues(Long.fromString('9223372036854775807'), new Double(2 ** 63) /* the double nearest to 2^63 − 1 */)).toBe(-1);
    expect(compareValues(big, Long.fromString('9007199254740992'))).toBe(1);
    expect(compareValues(Long.fromString('-9007199254740993'), new Double(-(2 ** 53)))).toBe(-1);
    expect(compareValues(Long.fromNumber(3), new Double(2.5))).toBe(1);
    expect(compareValues(Long.fromNumber(2), new Double(2.5))).toBe(-1);
  });

  it('compares decimals exactly against doubles (0.1 is not the double 0.1)', () => {
    expect(compareValues(dec('0.1'), new Double(0.1))).not.toBe(0);
    expect(compareValues(dec('0.1'), new Double(0.1))).toBe(-1); // the double 0.1 is slightly larger
    expect(compareValues(dec('0.5'), 0.5)).toBe(0);
    expect(compareValues(dec('1E+400'), new Double(Number.MAX_VALUE))).toBe(1);
  });

  it('sorts NaN below every other number and equal to NaN', () => {
    expect(compareValues(NaN, -Infinity)).toBe(-1);
    expect(compareValues(new Double(NaN), NaN)).toBe(0);
    expect(compareValues(dec('NaN'), new Double(NaN))).toBe(0);
    expect(compareValues(dec('NaN'), new Int32(-5))).toBe(-1);
    expect(compareValues(null, NaN)).toBe(-1);
    expect(compareValues(-Infinity, Long.fromString('-9223372036854775808'))).toBe(-1);
    expect(compareValues(dec('Infinity'), new Double(Infinity))).toBe(0);
  });

  it('compares strings by code point, not UTF-16 unit', () => {
    // U+FF5E (one unit 0xFF5E) < U+1F600 (surrogates 0xD83D 0xDE00) by code point.
    expect(compareValues('\uFF5E', '\u{1F600}')).toBe(-1);
    expect(compareValues('\u{1F600}', '\uFF5E')).toBe(1);
    expect(compareValues('a', 'b')).toBe(-1);
    expect(compareValues('ab', 'a')).toBe(1);
    expect(compareValues('B', 'a')).toBe(-1);
    expect(compareValues(new BSONSymbol('x'), 'x')).toBe(0);
  });

  it('compares objects field by field: type, then name, then value', () => {
    expect(compareValues({ a: 1 }, { a: 2 })).toBe(-1);
    expect(compareValues({ a: 1 }, { b: 1 })).toBe(-1);
    expect(compareValues({ a: 1, b: 1 }, { a: 1 })).toBe(1);
    expect(compareValues({ b: 1 }, { a: 'x' })).toBe(-1); // number < string before names are compared
    expect(compareValues({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(-1);
    expect(compareValues({ a: new Int32(1) }, { a: new Double(1) })).toBe(0);
  });

  it('compares arrays element by element, shorter first', () => {
    expect(compareValues([1, 2], [1, 3])).toBe(-1);
    expect(compareValues([1, 2], [1])).toBe(1);
    expect(compareValues([], [null])).toBe(-1);
    expect(compareValues([new Int32(1)], [Long.fromNumber(1)])).toBe(0);
  });

  it('compares Binary by length, then subtype, then bytes', () => {
    const b = (bytes: number[], sub = 0) => new Binary(Buffer.from(bytes), sub);
    expect(compareValues(b([9]), b([1, 1]))).toBe(-1);
    expect(compareValues(b([1], 0), b([0], 4))).toBe(-1);
    expect(compareValues(b([1, 2]), b([1, 3]))).toBe(-1);
    expect(compareValues(b([7, 7]), b([7, 7]))).toBe(0);
    const u = new UUID();
    expect(compareValues(u, new Binary(Buffer.from(u.buffer), 4))).toBe(0);
  });

  it('compares ObjectIds by bytes, Dates by time, booleans false < true, Timestamps by t then i', () => {
    expect(compareValues(new ObjectId('00000000000000000000000a'), new ObjectId('0000000000000000000000ff'))).toBe(-1);
    expect(compareValues(new Date(5), new Date(4))).toBe(1);
    expect(compareValues(false, true)).toBe(-1);
    expect(compareValues(new Timestamp({ t: 1, i: 9 }), new Timestamp({ t: 2, i: 0 }))).toBe(-1);
    expect(compareValues(new Timestamp({ t: 2, i: 1 }), new Timestamp({ t: 2, i: 0 }))).toBe(1);
  });

  it('compares regexes by pattern then flags, and JS RegExp equals BSONRegExp', () => {
    expect(compareValues(/a/, /b/)).toBe(-1);
    expect(compareValues(/a/i, new BSONRegExp('a', 'i'))).toBe(0);
    expect(compareValues(/a/, /a/i)).toBe(-1);
  });
});

// ---- indexKeyOf --------------------------------------------------------------------------------

describe('indexKeyOf', () => {
  it('gives equal numbers the same key across types', () => {
    const keys = [new Int32(1), new Double(1), Long.fromNumber(1), dec('1.0'), dec('1'), dec('0.001E+3'), 1].map(indexKeyOf);
    expect(new Set(keys).size).toBe(1);
    expect(indexKeyOf(0)).toBe(indexKeyOf(-0));
    expect(indexKeyOf(new Double(-0))).toBe(indexKeyOf(new Int32(0)));
    expect(indexKeyOf(dec('-0'))).toBe(indexKeyOf(0));
    expect(indexKeyOf(dec('0.5'))).toBe(indexKeyOf(new Double(0.5)));
    expect(indexKeyOf(Long.fromString('9007199254740992'))).toBe(indexKeyOf(new Double(2 ** 53)));
    expect(indexKeyOf(Long.fromString('4611686018427387904'))).toBe(indexKeyOf(new Double(2 ** 62)));
    expect(indexKeyOf(dec('4611686018427387904'))).toBe(indexKeyOf(Long.fromString('4611686018427387904')));
    expect(indexKeyOf(new Double(NaN))).toBe(indexKeyOf(dec('NaN')));
  });

  it('gives different numbers different keys', () => {
    expect(indexKeyOf(Long.fromString('9007199254740993'))).not.toBe(indexKeyOf(new Double(2 ** 53)));
    expect(indexKeyOf(dec('0.1'))).not.toBe(indexKeyOf(new Double(0.1)));
    expect(indexKeyOf(new Double(1.5))).not.toBe(indexKeyOf(new Int32(1)));
    expect(indexKeyOf(2)).not.toBe(indexKeyOf(20));
  });

  it('separates values of different types', () => {
    const oid = new ObjectId();
    expect(indexKeyOf('1')).not.toBe(indexKeyOf(1));
    expect(indexKeyOf(oid)).not.toBe(indexKeyOf(oid.toHexString()));
    expect(indexKeyOf(new Date(5))).not.toBe(indexKeyOf(5));
    expect(indexKeyOf(true)).not.toBe(indexKeyOf(1));
    expect(indexKeyOf(null)).not.toBe(indexKeyOf(0));
    expect(indexKeyOf(null)).not.toBe(indexKeyOf(''));
    expect(indexKeyOf([1])).not.toBe(indexKeyOf(1));
    expect(indexKeyOf(new Binary(Buffer.from('ab'), 0))).not.toBe(indexKeyOf(new Binary(Buffer.from('ab'), 5)));
  });

  it('treats null and undefined (missing) alike', () => {
    expect(indexKeyOf(undefined)).toBe(indexKeyOf(null));
  });

  it('keys equal ObjectIds, Dates, UUIDs and strings equally', () => {
    const oid = new ObjectId();
    expect(indexKeyOf(new ObjectId(oid.toHexString()))).toBe(indexKeyOf(oid));
    expect(indexKeyOf(new Date(1234))).toBe(indexKeyOf(new Date(1234)));
    const u = new UUID();
    expect(indexKeyOf(new Binary(Buffer.from(u.buffer), 4))).toBe(indexKeyOf(u));
    expect(indexKeyOf(new BSONSymbol('s'))).toBe(indexKeyOf('s'));
  });

  it('is field-order sensitive for objects and element-wise for arrays', () => {
    expect(indexKeyOf({ a: 1, b: 2 })).not.toBe(indexKeyOf({ b: 2, a: 1 }));
    expect(indexKeyOf({ a: new Int32(1) })).toBe(indexKeyOf({ a: new Double(1) }));
    expect(indexKeyOf([1, 2])).not.toBe(indexKeyOf([2, 1]));
    expect(indexKeyOf([new Int32(1), 'x'])).toBe(indexKeyOf([Long.fromNumber(1), 'x']));
  });

  it('cannot be fooled into collisions by separator characters inside strings', () => {
    expect(indexKeyOf(['a,s1:b'])).not.toBe(indexKeyOf(['a', 'b']));
    expect(indexKeyOf({ 'a=s1:b': 1 })).not.toBe(indexKeyOf({ a: 'b' }));
  });
});

// ---- getPathValues -----------------------------------------------------------------------------

describe('getPathValues', () => {
  it('reads top-level and nested fields', () => {
    expect(getPathValues({ a: 1 }, 'a')).toEqual([1]);
    expect(getPathValues({ a: { b: { c: 'x' } } }, 'a.b.c')).toEqual(['x']);
  });

  it('expands a terminal array into its elements', () => {
    expect(getPathValues({ a: [1, 2, [3]] }, 'a')).toEqual([1, 2, [3]]);
  });

  it('descends through arrays of subdocuments', () => {
    expect(getPathValues({ a: [{ b: 1 }, { b: [2, 3] }] }, 'a.b')).toEqual([1, 2, 3]);
  });

  it('gives null for subdocuments in an array that lack the field', () => {
    expect(getPathValues({ a: [{ b: 1 }, { c: 1 }] }, 'a.b')).toEqual([1, null]);
  });

  it('gives [] for a missing path and for an empty array', () => {
    expect(getPathValues({}, 'a')).toEqual([]);
    expect(getPathValues({ a: 5 }, 'a.b')).toEqual([]);
    expect(getPathValues({ a: [] }, 'a')).toEqual([]);
  });

  it('uses numeric components as array indexes', () => {
    expect(getPathValues({ a: [10, 20] }, 'a.1')).toEqual([20]);
    // Subdocuments without a field named "1" also contribute null, as the filter sees them.
    expect(getPathValues({ a: [{ b: 1 }, { b: 2 }] }, 'a.1.b')).toEqual([null, null, 2]);
    expect(getPathValues({ a: [10] }, 'a.5')).toEqual([]);
  });

  it('contains the value of every equality the filter matches (planner invariant)', () => {
    const docs: Doc[] = [
      { a: 1 },
      { a: [1, 2] },
      { a: [[1]] },
      { a: { b: 1 } },
      { a: [{ b: 1 }, { c: 2 }] },
      { a: [{ b: [1, null] }] },
      { a: [5, { b: 1 }] },
      { a: null },
      {},
      { a: [] },
      { a: [{}] },
      { a: [{ 0: 1 }] },
      { a: [[{ b: 1 }]] },
    ];
    for (const path of ['a', 'a.b', 'a.0', 'a.0.b']) {
      for (const value of [1, null, 2]) {
        for (const doc of docs) {
          if (!matches({ [path]: value }, doc)) continue;
          const vals = getPathValues(doc, path);
          const keys = (vals.length === 0 ? [null] : vals).map(indexKeyOf);
          expect({ path, value, doc, ok: keys.includes(indexKeyOf(value)) }).toEqual({ path, value, doc, ok: true });
        }
      }
    }
  });
});

// ---- compileFilter: equality -------------------------------------------------------------------

describe('compileFilter equality', () => {
  const docs: Doc[] = [
    { _id: 1, a: new Int32(1) },
    { _id: 2, a: new Double(1) },
    { _id: 3, a: Long.fromNumber(1) },
    { _id: 4, a: dec('1.00') },
    { _id: 5, a: '1' },
    { _id: 6, a: [3, 1] },
    { _id: 7, a: [[1]] },
    { _id: 8 },
    { _id: 9, a: null },
  ];

  it('matches everything with an empty or absent filter', () => {
    expect(ids(undefined, docs)).toHaveLength(docs.length);
    expect(ids({}, docs)).toHaveLength(docs.length);
  });

  it('matches numbers by value across types, and array elements, but not strings or nested arrays', () => {
    expect(ids({ a: 1 }, docs)).toEqual([1, 2, 3, 4, 6]);
    expect(ids({ a: new Int32(1) }, docs)).toEqual([1, 2, 3, 4, 6]);
    expect(ids({ a: dec('1') }, docs)).toEqual([1, 2, 3, 4, 6]);
    expect(ids({ a: { $eq: Long.fromNumber(1) } }, docs)).toEqual([1, 2, 3, 4, 6]);
  });

  it('matches a whole array and an array element that is an array', () => {
    expect(ids({ a: [3, 1] }, docs)).toEqual([6]);
    expect(ids({ a: [1] }, docs)).toEqual([7]);
    expect(ids({ a: [1, 3] }, docs)).toEqual([]);
  });

  it('matches null against null and missing fields', () => {
    expect(ids({ a: null }, docs)).toEqual([8, 9]);
    expect(ids({ a: { $eq: null } }, docs)).toEqual([8, 9]);
    expect(ids({ a: { $ne: null } }, docs)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('matches null inside arrays, and dotted null paths as MongoDB 7 does', () => {
    const d: Doc[] = [
      { _id: 'arr_null', a: [1, null] },
      { _id: 'obj_missing', a: [{ b: 5 }, {}] },
      { _id: 'obj_all', a: [{ b: 5 }] },
      { _id: 'empty', a: [] },
      { _id: 'scalars', a: [5, { b: 5 }] },
      { _id: 'number', a: 4 },
      { _id: 'sub_null', a: { b: null } },
      { _id: 'none' },
    ];
    expect(ids({ a: null }, d)).toEqual(['arr_null', 'none']);
    expect(ids({ 'a.b': null }, d)).toEqual(['obj_missing', 'number', 'sub_null', 'none']);
    expect(ids({ 'a.b': { $in: [null] } }, d)).toEqual(['obj_missing', 'number', 'sub_null', 'none']);
  });

  it('follows dotted paths through arrays of subdocuments and numeric components', () => {
    const d: Doc[] = [
      { _id: 1, a: [{ b: 1 }, { b: 2 }] },
      { _id: 2, a: { b: [3, 2] } },
      { _id: 3, a: [{ b: [{ c: 2 }] }] },
      { _id: 4, a: [[{ b: 2 }]] },
      { _id: 5, a: [7, 2] },
      { _id: 6, a: [{ 1: 2 }] },
    ];
    expect(ids({ 'a.b': 2 }, d)).toEqual([1, 2]);
    expect(ids({ 'a.b.c': 2 }, d)).toEqual([3]);
    expect(ids({ 'a.1': 2 }, d)).toEqual([5, 6]);
    expect(ids({ 'a.1.b': 2 }, d)).toEqual([1]);
    expect(ids({ 'a.0.0.b': 2 }, d)).toEqual([4]);
  });

  it('compares subdocuments exactly, field order included', () => {
    const d: Doc[] = [{ _id: 1, a: { x: 1, y: 2 } }, { _id: 2, a: { y: 2, x: 1 } }, { _id: 3, a: [{ x: 1, y: 2 }] }];
    expect(ids({ a: { x: 1, y: 2 } }, d)).toEqual([1, 3]);
  });

  it('distinguishes ObjectIds from their hex strings, and Dates from numbers', () => {
    const oid = new ObjectId();
    const d: Doc[] = [
      { _id: 1, r: oid },
      { _id: 2, r: oid.toHexString() },
      { _id: 3, r: new Date(10) },
      { _id: 4, r: 10 },
    ];
    expect(ids({ r: new ObjectId(oid.toHexString()) }, d)).toEqual([1]);
    expect(ids({ r: oid.toHexString() }, d)).toEqual([2]);
    expect(ids({ r: new Date(10) }, d)).toEqual([3]);
    expect(ids({ r: 10 }, d)).toEqual([4]);
  });

  it('matches UUIDs against Binary subtype 4 with the same bytes', () => {
    const u = new UUID();
    expect(matches({ u }, { u: new Binary(Buffer.from(u.buffer), 4) })).toBe(true);
    expect(matches({ u }, { u: new Binary(Buffer.from(u.buffer), 0) })).toBe(false);
  });

  it('does not treat inherited object properties as fields', () => {
    expect(matches({ constructor: { $exists: true } }, {})).toBe(false);
    expect(matches({ toString: null }, {})).toBe(true);
  });

  it('accepts collation { locale: "simple" } and refuses any other', () => {
    expect(compileFilter({ a: 1 }, { collation: { locale: 'simple' } })({ a: 1 })).toBe(true);
    expectRefusal(() => compileFilter({ a: 1 }, { collation: { locale: 'fr' } }), 'BadValue', 2, /collation/);
  });
});

// ---- compileFilter: comparison -----------------------------------------------------------------

describe('compileFilter comparisons', () => {
  const docs: Doc[] = [
    { _id: 1, v: new Int32(3) },
    { _id: 2, v: new Double(7.5) },
    { _id: 3, v: Long.fromString('9007199254740993') },
    { _id: 4, v: 'string' },
    { _id: 5, v: null },
    { _id: 6 },
    { _id: 7, v: [1, 10] },
    { _id: 8, v: new Date(1000) },
    { _id: 9, v: NaN },
  ];

  it('brackets by type: $gt on a number only matches numbers', () => {
    expect(ids({ v: { $gt: 5 } }, docs)).toEqual([2, 3, 7]);
    expect(ids({ v: { $gte: new Int32(3) } }, docs)).toEqual([1, 2, 3, 7]);
    expect(ids({ v: { $lt: 5 } }, docs)).toEqual([1, 7]);
    expect(ids({ v: { $lte: 3 } }, docs)).toEqual([1, 7]);
  });

  it('compares Long beyond 2^53 exactly in filters', () => {
    expect(ids({ v: { $gt: new Double(2 ** 53) } }, docs)).toEqual([3]);
    expect(ids({ v: { $lte: Long.fromString('9007199254740992') } }, docs)).toEqual([1, 2, 7]);
  });

  it('brackets strings and dates', () => {
    expect(ids({ v: { $gt: 'a' } }, docs)).toEqual([4]);
    expect(ids({ v: { $gt: new Date(0) } }, docs)).toEqual([8]);
    expect(ids({ v: { $lt: new Date(0) } }, docs)).toEqual([]);
  });

  it('matches null and missing with $gte/$lte null, nothing with $gt/$lt null', () => {
    expect(ids({ v: { $gte: null } }, docs)).toEqual([5, 6]);
    expect(ids({ v: { $lte: null } }, docs)).toEqual([5, 6]);
    expect(ids({ v: { $gt: null } }, docs)).toEqual([]);
    expect(ids({ v: { $lt: null } }, docs)).toEqual([]);
  });

  it('never matches NaN with $lt/$gt but does with $gte/$lte NaN', () => {
    expect(ids({ v: { $lt: 1000 } }, docs)).not.toContain(9);
    expect(ids({ v: { $gte: NaN } }, docs)).toEqual([9]);
    expect(ids({ v: { $gt: NaN } }, docs)).toEqual([]);
    expect(ids({ v: NaN }, docs)).toEqual([9]);
  });

  it('treats MinKey and MaxKey bounds as matching every present value', () => {
    expect(ids({ v: { $gt: new MinKey() } }, docs)).toEqual([1, 2, 3, 4, 5, 7, 8, 9]);
    expect(ids({ v: { $lt: new MaxKey() } }, docs)).toEqual([1, 2, 3, 4, 5, 7, 8, 9]);
    expect(ids({ v: { $gt: new MaxKey() } }, docs)).toEqual([]);
  });

  it('lets different array elements satisfy different bounds without $elemMatch', () => {
    expect(ids({ v: { $gt: 5, $lt: 2 } }, docs)).toEqual([7]);
    expect(ids({ v: { $elemMatch: { $gt: 5, $lt: 2 } } }, docs)).toEqual([]);
  });

  it('applies $ne, $nin and $not as negations of the whole path', () => {
    const d: Doc[] = [{ _id: 1, a: [1, 2] }, { _id: 2, a: 3 }, { _id: 3 }];
    expect(ids({ a: { $ne: 1 } }, d)).toEqual([2, 3]);
    expect(ids({ a: { $nin: [1, 3] } }, d)).toEqual([3]);
    expect(ids({ a: { $not: { $gt: 1 } } }, d)).toEqual([3]);
    expect(ids({ a: { $not: /x/ } }, [{ _id: 1, a: 'xyz' }, { _id: 2, a: 'abc' }])).toEqual([2]);
  });
});

// ---- compileFilter: other operators ------------------------------------------------------------

describe('compileFilter operators', () => {
  it('$in matches any value, null matches missing, and regexes match strings', () => {
    const d: Doc[] = [{ _id: 1, a: 'apple' }, { _id: 2, a: 'berry' }, { _id: 3, a: [new Int32(5)] }, { _id: 4 }, { _id: 5, a: 'cherry' }];
    expect(ids({ a: { $in: ['berry', 5] } }, d)).toEqual([2, 3]);
    expect(ids({ a: { $in: [/^a/, /^c/] } }, d)).toEqual([1, 5]);
    expect(ids({ a: { $in: [null] } }, d)).toEqual([4]);
    expect(ids({ a: { $nin: [/^a/, null] } }, d)).toEqual([2, 3, 5]);
    expect(ids({ a: { $in: [] } }, d)).toEqual([]);
    expectRefusal(() => compileFilter({ a: { $in: 5 } }), 'BadValue', 2, '$in needs an array');
  });

  it('$exists tests presence (null counts as present)', () => {
    const d: Doc[] = [{ _id: 1, a: null }, { _id: 2 }, { _id: 3, a: { b: 1 } }, { _id: 4, a: [{ b: 1 }, {}] }];
    expect(ids({ a: { $exists: true } }, d)).toEqual([1, 3, 4]);
    expect(ids({ a: { $exists: false } }, d)).toEqual([2]);
    expect(ids({ 'a.b': { $exists: true } }, d)).toEqual([3, 4]);
    expect(ids({ 'a.b': { $exists: new Int32(0) } }, d)).toEqual([1, 2]);
  });

  it('$type matches by type name, number code, "number" and arrays of them', () => {
    const oid = new ObjectId();
    const d: Doc[] = [
      { _id: 'double', v: new Double(1.5) },
      { _id: 'int', v: new Int32(1) },
      { _id: 'long', v: Long.fromNumber(1) },
      { _id: 'decimal', v: dec('1') },
      { _id: 'plainInt', v: 2 },
      { _id: 'plainDouble', v: 2.5 },
      { _id: 'string', v: 's' },
      { _id: 'object', v: { x: 1 } },
      { _id: 'array', v: [] },
      { _id: 'binData', v: new UUID() },
      { _id: 'objectId', v: oid },
      { _id: 'bool', v: true },
      { _id: 'date', v: new Date() },
      { _id: 'null', v: null },
      { _id: 'regex', v: /x/ },
      { _id: 'timestamp', v: new Timestamp({ t: 1, i: 1 }) },
      { _id: 'minKey', v: new MinKey() },
      { _id: 'maxKey', v: new MaxKey() },
      { _id: 'missing' },
    ];
    const byType = (t: unknown) => ids({ v: { $type: t } }, d);
    expect(byType('double')).toEqual(['double', 'plainDouble']);
    expect(byType('int')).toEqual(['int', 'plainInt']);
    expect(byType('long')).toEqual(['long']);
    expect(byType('decimal')).toEqual(['decimal']);
    expect(byType('number')).toEqual(['double', 'int', 'long', 'decimal', 'plainInt', 'plainDouble']);
    expect(byType('string')).toEqual(['string']);
    expect(byType('object')).toEqual(['object']);
    expect(byType('array')).toEqual(['array']);
    expect(byType('binData')).toEqual(['binData']);
    expect(byType('objectId')).toEqual(['objectId']);
    expect(byType('bool')).toEqual(['bool']);
    expect(byType('date')).toEqual(['date']);
    expect(byType('null')).toEqual(['null']);
    expect(byType('regex')).toEqual(['regex']);
    expect(byType('timestamp')).toEqual(['timestamp']);
    expect(byType('minKey')).toEqual(['minKey']);
    expect(byType('maxKey')).toEqual(['maxKey']);
    expect(byType('undefined')).toEqual([]);
    expect(byType('javascript')).toEqual([]);
    expect(byType(new Int32(7))).toEqual(['objectId']);
    expect(byType(2)).toEqual(['string']);
    expect(byType(['string', 'bool'])).toEqual(['string', 'bool']);
    expectRefusal(() => compileFilter({ v: { $type: 'nope' } }), 'BadValue', 2, 'Unknown type name alias: nope');
    expectRefusal(() => compileFilter({ v: { $type: 99 } }), 'BadValue', 2, /Invalid numerical type code/);
  });

  it('$type matches array elements too', () => {
    expect(matches({ v: { $type: 'string' } }, { v: [1, 'x'] })).toBe(true);
  });

  it('$regex with $options, RegExp and BSONRegExp values as implicit regex matches', () => {
    const d: Doc[] = [{ _id: 1, s: 'Hello' }, { _id: 2, s: 'hello\nworld' }, { _id: 3, s: ['x', 'HELLO'] }, { _id: 4, s: 5 }];
    expect(ids({ s: { $regex: '^hello' } }, d)).toEqual([2]);
    expect(ids({ s: { $regex: '^hello', $options: 'i' } }, d)).toEqual([1, 2, 3]);
    expect(ids({ s: /^world/m }, d)).toEqual([2]);
    expect(ids({ s: new BSONRegExp('^HELLO$', 'i') }, d)).toEqual([1, 3]);
    expect(ids({ s: { $regex: /hello.world/s } }, d)).toEqual([2]);
    expect(ids({ s: { $regex: 'h e l l o # comment', $options: 'x' } }, d)).toEqual([2]);
    expectRefusal(() => compileFilter({ s: { $regex: 'a', $options: 'q' } }), 'BadValue', 2, /invalid flag/);
    expectRefusal(() => compileFilter({ s: { $options: 'i' } }), 'BadValue', 2, '$options needs a $regex');
    expectRefusal(() => compileFilter({ s: { $regex: '(' } }), 'BadValue', 2, /Regular expression is invalid/);
    expectRefusal(() => compileFilter({ s: { $regex: 5 } }), 'BadValue', 2, '$regex has to be a string');
  });

  it('regex equality via $eq compares regex values, not strings', () => {
    expect(matches({ r: { $eq: /a/ } }, { r: /a/ })).toBe(true);
    expect(matches({ r: { $eq: /a/ } }, { r: 'a' })).toBe(false);
    expect(matches({ r: /a/ }, { r: /a/ })).toBe(true);
  });

  it('$and, $or and $nor combine filters and need non-empty arrays', () => {
    const d: Doc[] = [{ _id: 1, a: 1, b: 1 }, { _id: 2, a: 1, b: 2 }, { _id: 3, a: 2, b: 2 }];
    expect(ids({ $and: [{ a: 1 }, { b: 2 }] }, d)).toEqual([2]);
    expect(ids({ $or: [{ a: 2 }, { b: 1 }] }, d)).toEqual([1, 3]);
    expect(ids({ $nor: [{ a: 2 }, { b: 1 }] }, d)).toEqual([2]);
    for (const op of ['$and', '$or', '$nor']) {
      expectRefusal(() => compileFilter({ [op]: [] }), 'BadValue', 2, `${op} must be a nonempty array`);
      expectRefusal(() => compileFilter({ [op]: {} }), 'BadValue', 2, `${op} must be a nonempty array`);
      expectRefusal(() => compileFilter({ [op]: [5] }), 'BadValue', 2);
    }
  });

  it('$elemMatch on subdocuments needs one element to satisfy every condition', () => {
    const d: Doc[] = [
      { _id: 1, r: [{ k: 'a', v: 1 }, { k: 'b', v: 2 }] },
      { _id: 2, r: [{ k: 'a', v: 2 }] },
      { _id: 3, r: { k: 'a', v: 2 } },
    ];
    expect(ids({ r: { $elemMatch: { k: 'a', v: 2 } } }, d)).toEqual([2]);
    expect(ids({ 'r.k': 'a', 'r.v': 2 }, d)).toEqual([1, 2, 3]);
    expect(ids({ r: { $elemMatch: { $or: [{ v: 1 }, { k: 'x' }] } } }, d)).toEqual([1]);
  });

  it('$elemMatch with operators applies to scalar elements', () => {
    const d: Doc[] = [{ _id: 1, s: [55, 82, 100] }, { _id: 2, s: [50, 90] }, { _id: 3, s: 85 }];
    expect(ids({ s: { $elemMatch: { $gte: 80, $lt: 85 } } }, d)).toEqual([1]);
    expect(ids({ s: { $elemMatch: { $ne: 50 } } }, d)).toEqual([1, 2]);
    expectRefusal(() => compileFilter({ s: { $elemMatch: 5 } }), 'BadValue', 2, '$elemMatch needs an Object');
  });

  it('$size matches arrays of exactly that length', () => {
    const d: Doc[] = [{ _id: 1, a: [1, 2] }, { _id: 2, a: [[1, 2]] }, { _id: 3, a: 'xy' }, { _id: 4, a: [] }];
    expect(ids({ a: { $size: 2 } }, d)).toEqual([1]);
    expect(ids({ a: { $size: new Int32(0) } }, d)).toEqual([4]);
    expect(ids({ a: { $size: 1 } }, d)).toEqual([2]);
    expectRefusal(() => compileFilter({ a: { $size: 'x' } }), 'BadValue', 2, '$size needs a number');
    expectRefusal(() => compileFilter({ a: { $size: 1.5 } }), 'BadValue', 2);
    expectRefusal(() => compileFilter({ a: { $size: -1 } }), 'BadValue', 2);
  });

  it('$all needs every value, including $all of $elemMatch', () => {
    const d: Doc[] = [
      { _id: 1, t: ['a', 'b', 'c'] },
      { _id: 2, t: ['a'] },
      { _id: 3, t: 'a' },
      { _id: 4, q: [{ n: 1, ok: true }, { n: 2, ok: false }] },
      { _id: 5, q: [{ n: 1, ok: false }, { n: 2, ok: true }] },
    ];
    expect(ids({ t: { $all: ['a', 'b'] } }, d)).toEqual([1]);
    expect(ids({ t: { $all: ['a'] } }, d)).toEqual([1, 2, 3]);
    expect(ids({ t: { $all: [/^c/] } }, d)).toEqual([1]);
    expect(ids({ t: { $all: [] } }, d)).toEqual([]);
    expect(ids({ q: { $all: [{ $elemMatch: { n: 1, ok: true } }, { $elemMatch: { n: 2, ok: false } }] } }, d)).toEqual([4]);
    expectRefusal(() => compileFilter({ q: { $all: [{ $elemMatch: { n: 1 } }, 5] } }), 'BadValue', 2, '$all/$elemMatch has to be consistent');
    expectRefusal(() => compileFilter({ t: { $all: 'a' } }), 'BadValue', 2, '$all needs an array');
  });

  it('$mod truncates and keeps the dividend sign', () => {
    const d: Doc[] = [{ _id: 1, n: new Int32(10) }, { _id: 2, n: new Double(11.9) }, { _id: 3, n: -7 }, { _id: 4, n: Long.fromString('9007199254740993') }, { _id: 5, n: 'x' }];
    expect(ids({ n: { $mod: [5, 0] } }, d)).toEqual([1]);
    expect(ids({ n: { $mod: [5, 1] } }, d)).toEqual([2]);
    expect(ids({ n: { $mod: [4, -3] } }, d)).toEqual([3]);
    expect(ids({ n: { $mod: [2, 1] } }, d)).toEqual([2, 4]);
    expect(ids({ n: { $mod: [2, -1] } }, d)).toEqual([3]);
    expectRefusal(() => compileFilter({ n: { $mod: [0, 1] } }), 'BadValue', 2, 'divisor cannot be 0');
    expectRefusal(() => compileFilter({ n: { $mod: [1] } }), 'BadValue', 2, 'malformed mod, not enough elements');
    expectRefusal(() => compileFilter({ n: { $mod: [1, 2, 3] } }), 'BadValue', 2, 'malformed mod, too many elements');
  });

  it('implements the $bits operators on numbers and BinData', () => {
    const d: Doc[] = [{ _id: 1, b: new Int32(0b1010) }, { _id: 2, b: 0b0101 }, { _id: 3, b: new Binary(Buffer.from([0b1010])) }, { _id: 4, b: -1 }];
    expect(ids({ b: { $bitsAllSet: [1, 3] } }, d)).toEqual([1, 3, 4]);
    expect(ids({ b: { $bitsAllSet: 0b1010 } }, d)).toEqual([1, 3, 4]);
    expect(ids({ b: { $bitsAnySet: [0] } }, d)).toEqual([2, 4]);
    expect(ids({ b: { $bitsAllClear: [1, 3] } }, d)).toEqual([2]);
    expect(ids({ b: { $bitsAnyClear: [0, 1] } }, d)).toEqual([1, 2, 3]);
    expect(ids({ b: { $bitsAllSet: [70] } }, d)).toEqual([4]);
  });

  it('ignores $comment and evaluates $expr with aggregation expressions', () => {
    const d: Doc[] = [{ _id: 1, a: new Int32(5), b: new Int32(3) }, { _id: 2, a: 1, b: 3 }];
    expect(ids({ $comment: 'why', a: { $gt: 0 } }, d)).toEqual([1, 2]);
    expect(ids({ $expr: { $gt: ['$a', '$b'] } }, d)).toEqual([1]);
  });

  it('refuses $where as server-side JavaScript', () => {
    expectRefusal(() => compileFilter({ $where: 'this.a > 1' }), 'BadValue', 2, /server-side JavaScript/);
  });

  it('refuses $text as MongoDB does without a text index', () => {
    expectRefusal(() => compileFilter({ $text: { $search: 'x' } }), 'IndexNotFound', 27, 'text index required for $text query');
  });

  it('refuses geospatial operators as unsupported', () => {
    for (const op of ['$near', '$nearSphere', '$geoWithin', '$geoIntersects']) {
      expectRefusal(() => compileFilter({ loc: { [op]: {} } }), 'BadValue', 2, new RegExp(`\\${op} is not supported`));
    }
  });

  it('refuses $jsonSchema', () => {
    expectRefusal(() => compileFilter({ $jsonSchema: {} }), 'BadValue', 2, /\$jsonSchema is not supported/);
  });

  it('refuses unknown operators with MongoDB messages', () => {
    expectRefusal(() => compileFilter({ a: { $foo: 1 } }), 'BadValue', 2, 'unknown operator: $foo');
    expectRefusal(() => compileFilter({ a: { $gt: 1, b: 2 } }), 'BadValue', 2, 'unknown operator: b');
    expectRefusal(() => compileFilter({ $foo: 1 }), 'BadValue', 2, /^unknown top level operator: \$foo/);
  });

  it('treats an object whose first key is not an operator as a literal', () => {
    expect(matches({ a: { b: 1, $c: 2 } }, { a: { b: 1, $c: 2 } })).toBe(true);
  });

  it('reports the matched array position for positional operators', () => {
    const m = compileFilter({ 'a.x': 2 });
    const d: { elemMatchKey?: number } = {};
    expect(m({ a: [{ x: 1 }, { x: 2 }] }, d)).toBe(true);
    expect(d.elemMatchKey).toBe(1);
    const d2: { elemMatchKey?: number } = {};
    compileFilter({ a: { $elemMatch: { $gt: 5 } } })({ a: [1, 9, 10] }, d2);
    expect(d2.elemMatchKey).toBe(1);
  });
});

// ---- equalityFieldsOf -----------------------------------------------------------------------------

describe('equalityFieldsOf', () => {
  it('collects top-level scalar equalities and $eq, including inside a top-level $and', () => {
    const oid = new ObjectId();
    const m = equalityFieldsOf({
      a: 1,
      b: 'x',
      c: { $eq: oid },
      d: null,
      $and: [{ e: new Date(5) }, { f: { $gt: 1 } }],
      g: true,
      h: new Int32(2),
      i: new UUID(),
    });
    expect([...m.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'g', 'h', 'i']);
    expect(m.get('c')).toBe(oid);
  });

  it('leaves out regexes, arrays, subdocuments, operators and $or', () => {
    const m = equalityFieldsOf({ a: /x/, b: [1], c: { x: 1 }, d: { $in: [1] }, e: { $gt: 1 }, $or: [{ f: 1 }, { g: 2 }], h: { $eq: [1] } });
    expect(m.size).toBe(0);
    expect(equalityFieldsOf(undefined).size).toBe(0);
  });
});

// ---- compileSort -------------------------------------------------------------------------------

describe('compileSort', () => {
  it('sorts numbers by value across types, ascending and descending', () => {
    const docs: Doc[] = [
      { _id: 'long', n: Long.fromString('9007199254740993') },
      { _id: 'double', n: new Double(2 ** 53) },
      { _id: 'int', n: new Int32(-1) },
      { _id: 'dec', n: dec('0.5') },
      { _id: 'nan', n: NaN },
    ];
    expect(sortIds({ n: 1 }, docs)).toEqual(['nan', 'int', 'dec', 'double', 'long']);
    expect(sortIds({ n: new Int32(-1) }, docs)).toEqual(['long', 'double', 'dec', 'int', 'nan']);
  });

  it('sorts mixed types in BSON order with missing as null', () => {
    const docs: Doc[] = [
      { _id: 'date', v: new Date(0) },
      { _id: 'oid', v: new ObjectId() },
      { _id: 'str', v: 'a' },
      { _id: 'missing' },
      { _id: 'num', v: 1 },
      { _id: 'null', v: null },
      { _id: 'bool', v: false },
      { _id: 'obj', v: { a: 1 } },
    ];
    expect(sortIds({ v: 1 }, docs)).toEqual(['missing', 'null', 'num', 'str', 'obj', 'oid', 'bool', 'date']);
  });

  it('sorts arrays by their smallest element ascending and largest descending', () => {
    const docs: Doc[] = [
      { _id: 'a', v: [1, 10] },
      { _id: 'b', v: [5] },
      { _id: 'c', v: 3 },
    ];
    expect(sortIds({ v: 1 }, docs)).toEqual(['a', 'c', 'b']);
    expect(sortIds({ v: -1 }, docs)).toEqual(['a', 'b', 'c']);
  });

  it('sorts an empty array before null', () => {
    expect(sortIds({ v: 1 }, [{ _id: 'null', v: null }, { _id: 'empty', v: [] }, { _id: 'one', v: 1 }])).toEqual(['empty', 'null', 'one']);
  });

  it('sorts by dotted paths and several fields, keeping ties stable', () => {
    const docs: Doc[] = [
      { _id: 1, a: { b: 2 }, c: 1 },
      { _id: 2, a: { b: 1 }, c: 1 },
      { _id: 3, a: { b: 2 }, c: 0 },
      { _id: 4, a: { b: 1 }, c: 1 },
      { _id: 5, a: [{ b: 0 }, { b: 9 }], c: 5 },
    ];
    expect(sortIds({ 'a.b': 1, c: -1 }, docs)).toEqual([5, 2, 4, 1, 3]);
    expect(sortIds({ c: 1 }, docs)).toEqual([3, 1, 2, 4, 5]);
  });

  it('accepts Double, Long and plain number directions and refuses others', () => {
    expect(sortIds({ v: new Double(-1) }, [{ _id: 1, v: 1 }, { _id: 2, v: 2 }])).toEqual([2, 1]);
    expect(sortIds({ v: Long.fromNumber(1) }, [{ _id: 1, v: 2 }, { _id: 2, v: 1 }])).toEqual([2, 1]);
    expectRefusal(() => compileSort({ v: 2 }), 'Location15974', 15974, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    expectRefusal(() => compileSort({ v: { $meta: 'textScore' } }), 'BadValue', 2, /\$meta/);
  });
});

// ---- applyProjection ------------------------------------------------------------------------------

describe('applyProjection', () => {
  const doc: Doc = {
    _id: 1,
    name: 'n',
    size: { h: 10, w: 20, uom: 'cm' },
    items: [{ sku: 'a', qty: 1 }, 5, { sku: 'b', qty: 2 }, { qty: 3 }],
    tags: ['x', 'y', 'z', 'w'],
  };

  it('includes fields (and _id unless excluded) in document order', () => {
    expect(applyProjection(doc, { tags: 1, name: 1 })).toEqual({ _id: 1, name: 'n', tags: doc.tags });
    expect(Object.keys(applyProjection(doc, { tags: 1, name: 1 }))).toEqual(['_id', 'name', 'tags']);
    expect(applyProjection(doc, { name: new Int32(1), _id: 0 })).toEqual({ name: 'n' });
    expect(applyProjection(doc, { _id: 1 })).toEqual({ _id: 1 });
  });

  it('excludes fields', () => {
    expect(applyProjection(doc, { items: 0, tags: false, size: 0 })).toEqual({ _id: 1, name: 'n' });
    expect(applyProjection(doc, { _id: 0, items: 0, tags: 0, size: 0 })).toEqual({ name: 'n' });
    expect(applyProjection(doc, { 'size.uom': 0, items: 0, tags: 0 })).toEqual({ _id: 1, name: 'n', size: { h: 10, w: 20 } });
  });

  it('includes dotted paths and nested specs through arrays of subdocuments', () => {
    expect(applyProjection(doc, { 'size.h': 1, _id: 0 })).toEqual({ size: { h: 10 } });
    expect(applyProjection(doc, { size: { w: 1 }, _id: 0 })).toEqual({ size: { w: 20 } });
    expect(applyProjection(doc, { 'items.sku': 1, _id: 0 })).toEqual({ items: [{ sku: 'a' }, { sku: 'b' }, {}] });
    expect(applyProjection(doc, { 'items.qty': 0, tags: 0, size: 0 })).toEqual({ _id: 1, name: 'n', items: [{ sku: 'a' }, 5, { sku: 'b' }, {}] });
    expect(applyProjection({ a: 5 }, { 'a.b': 1, _id: 0 })).toEqual({});
  });

  it('slices arrays with n, -n and [skip, n]', () => {
    expect(applyProjection(doc, { tags: { $slice: 2 }, _id: 0, items: 0, size: 0, name: 0 })).toEqual({ tags: ['x', 'y'] });
    expect(applyProjection(doc, { tags: { $slice: -1 } }).tags).toEqual(['w']);
    expect(applyProjection(doc, { tags: { $slice: [1, 2] } }).tags).toEqual(['y', 'z']);
    expect(applyProjection(doc, { tags: { $slice: [-3, 2] } }).tags).toEqual(['y', 'z']);
    expect(applyProjection(doc, { tags: { $slice: 2 } }).name).toBe('n'); // $slice alone keeps the other fields
    expect(applyProjection(doc, { tags: { $slice: 1 }, name: 1 })).toEqual({ _id: 1, name: 'n', tags: ['x'] });
    expect(applyProjection({ s: 'abc' }, { s: { $slice: 1 } })).toEqual({ s: 'abc' });
  });

  it('keeps the first element matching $elemMatch, or omits the field', () => {
    expect(applyProjection(doc, { items: { $elemMatch: { qty: { $gte: 2 } } } })).toEqual({ _id: 1, items: [{ sku: 'b', qty: 2 }] });
    expect(applyProjection(doc, { items: { $elemMatch: { qty: 99 } } })).toEqual({ _id: 1 });
  });

  it('keeps the element the query matched for a positional projection', () => {
    expect(applyProjection(doc, { 'items.$': 1 }, { 'items.sku': 'b' })).toEqual({ _id: 1, items: [{ sku: 'b', qty: 2 }] });
    expect(applyProjection(doc, { 'tags.$': 1, _id: 0 }, { name: 'n', tags: 'z' })).toEqual({ tags: ['z'] });
    expectRefusal(() => applyProjection(doc, { 'tags.$': 1 }, { name: 'n' }), 'Location51246', 51246, /requires corresponding field in query specifier/);
  });

  it('computes literal and expression values in inclusion projections', () => {
    expect(applyProjection(doc, { name: 1, label: 'fixed', h: '$size.h' })).toEqual({ _id: 1, name: 'n', label: 'fixed', h: 10 });
    expect(applyProjection(doc, { _id: 0, total: { $add: ['$size.h', '$size.w'] } })).toEqual({ total: 30 });
    expect(applyProjection(doc, { _id: 0, 'meta.h': '$size.h', 'size.w': 1 })).toEqual({ size: { w: 20 }, meta: { h: 10 } });
    expect(applyProjection(doc, { _id: 0, 'name.first': '$name' })).toEqual({ name: { first: 'n' } });
  });

  it('refuses mixing inclusion and exclusion with MongoDB codes', () => {
    expectRefusal(() => applyProjection(doc, { name: 1, tags: 0 }), 'Location31254', 31254, 'Cannot do exclusion on field tags in inclusion projection');
    expectRefusal(() => applyProjection(doc, { tags: 0, name: 1 }), 'Location31253', 31253, 'Cannot do inclusion on field name in exclusion projection');
    expect(applyProjection(doc, { _id: 0, name: 1 })).toEqual({ name: 'n' });
  });

  it('refuses path collisions and $meta', () => {
    expectRefusal(() => applyProjection(doc, { size: 1, 'size.h': 1 }), 'Location31250', 31250, /Path collision/);
    expectRefusal(() => applyProjection(doc, { score: { $meta: 'textScore' } }), 'BadValue', 2, /\$meta/);
  });

  it('does not mutate the document', () => {
    const copy = JSON.parse(JSON.stringify(doc));
    applyProjection(doc, { 'items.sku': 1, tags: { $slice: 1 } });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(copy);
  });
});

// ---- applyUpdate ---------------------------------------------------------------------------------

describe('applyUpdate basics', () => {
  it('replaces the document keeping the old _id first', () => {
    const r = update({ _id: 7, a: 1 }, { b: 2 });
    expect(r).toEqual({ doc: { _id: 7, b: 2 }, modified: true });
    expect(Object.keys(update({ _id: 7, a: 1 }, { b: 2, _id: 7 }).doc)).toEqual(['_id', 'b']);
  });

  it('reports a replacement with identical content as unmodified', () => {
    const doc = { _id: 1, a: new Int32(1) };
    const r = update(doc, { a: new Int32(1) });
    expect(r.modified).toBe(false);
    expect(r.doc).toBe(doc);
    expect(update(doc, { a: new Double(1) }).modified).toBe(true);
  });

  it('refuses $-prefixed fields in a replacement', () => {
    expectRefusal(() => update({ _id: 1 }, { a: 1, $set: { b: 1 } }), 'DollarPrefixedFieldName', 52);
    expectRefusal(() => update({ _id: 1 }, { a: { $x: 1 } }), 'DollarPrefixedFieldName', 52);
  });

  it('treats an empty operator document as a no-op', () => {
    const doc = { _id: 1, a: 1 };
    expect(update(doc, { $set: {} })).toEqual({ doc, modified: false });
  });

  it('never mutates the input document and shares untouched subtrees', () => {
    const doc = { _id: 1, a: { b: 1 }, c: { d: [1, 2] } };
    const snapshot = JSON.stringify(doc);
    const r = update(doc, { $set: { 'a.b': 2 }, $push: { 'c.d': 3 } });
    expect(JSON.stringify(doc)).toBe(snapshot);
    expect(r.doc).toEqual({ _id: 1, a: { b: 2 }, c: { d: [1, 2, 3] } });
    const r2 = update(doc, { $set: { 'a.b': 5 } });
    expect(r2.doc.c).toBe(doc.c);
  });

  it('refuses pipeline updates clearly', () => {
    expectRefusal(() => update({ _id: 1 }, [{ $set: { a: 1 } }]), 'CommandNotSupported', 115, /pipeline/);
    expectRefusal(() => buildUpsertDocument({}, [{ $set: { a: 1 } }]), 'CommandNotSupported', 115, /pipeline/);
  });

  it('refuses unknown modifiers with FailedToParse', () => {
    expectRefusal(
      () => update({ _id: 1 }, { $foo: { a: 1 } }),
      'FailedToParse',
      9,
      'Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array',
    );
    expectRefusal(() => update({ _id: 1 }, { $set: { a: 1 }, b: 2 }), 'FailedToParse', 9, /^Unknown modifier: b/);
    expectRefusal(() => update({ _id: 1 }, { $set: 5 }), 'FailedToParse', 9, /Modifiers operate on fields/);
  });

  it('refuses conflicting paths across operators', () => {
    expectRefusal(() => update({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }), 'ConflictingUpdateOperators', 40, "Updating the path 'a' would create a conflict at 'a'");
    expectRefusal(() => update({ _id: 1 }, { $set: { a: 1 }, $unset: { 'a.b': 1 } }), 'ConflictingUpdateOperators', 40, "Updating the path 'a.b' would create a conflict at 'a'");
    expectRefusal(() => update({ _id: 1 }, { $set: { 'a.b': 1 }, $unset: { a: 1 } }), 'ConflictingUpdateOperators', 40, "Updating the path 'a' would create a conflict at 'a'");
    expect(update({ _id: 1 }, { $set: { 'a.b': 1, 'a.bc': 2 } }).doc).toEqual({ _id: 1, a: { b: 1, bc: 2 } });
  });

  it('refuses traversing through a scalar with PathNotViable', () => {
    expectRefusal(() => update({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }), 'PathNotViable', 28, "Cannot create field 'b' in element {a: 5}");
    expectRefusal(() => update({ _id: 1, a: [1] }, { $set: { 'a.b': 1 } }), 'PathNotViable', 28, "Cannot create field 'b' in element {a: [ 1 ]}");
    expectRefusal(() => update({ _id: 1, a: null }, { $inc: { 'a.b': 1 } }), 'PathNotViable', 28);
  });

  it('refuses $-prefixed field names in values and paths', () => {
    expectRefusal(() => update({ _id: 1 }, { $set: { a: { $bad: 1 } } }), 'DollarPrefixedFieldName', 52, /\$bad/);
    expectRefusal(() => update({ _id: 1 }, { $set: { $bad: 1 } }), 'DollarPrefixedFieldName', 52);
    expectRefusal(() => update({ _id: 1 }, { $push: { a: { $each: [{ $x: 1 }] } } }), 'DollarPrefixedFieldName', 52);
  });

  it('refuses empty path components', () => {
    expectRefusal(() => update({ _id: 1 }, { $set: { 'a..b': 1 } }), 'EmptyFieldName', 56);
    expectRefusal(() => update({ _id: 1 }, { $set: { '': 1 } }), 'EmptyFieldName', 56);
  });

  it('creates new fields in lexicographic path order (MongoDB 5+)', () => {
    expect(Object.keys(update({ _id: 1 }, { $set: { b: 1, a: 1 }, $inc: { c: 1 } }).doc)).toEqual(['_id', 'a', 'b', 'c']);
    expect(Object.keys(update({ _id: 1 }, { $set: { 'x.10': 1, 'x.9': 1 } }).doc.x as Doc)).toEqual(['9', '10']);
  });
});

describe('applyUpdate operators', () => {
  it('$set stores values with their BSON types and detects type-only changes', () => {
    const doc = { _id: 1, n: new Int32(5) };
    const r = update(doc, { $set: { n: new Double(5) } });
    expect(r.modified).toBe(true);
    expect((r.doc.n as Double)._bsontype).toBe('Double');
    expect(update(doc, { $set: { n: new Int32(5) } })).toEqual({ doc, modified: false });
    expect(update(doc, { $set: { n: 5 } }).modified).toBe(false);
  });

  it('$set creates nested documents and pads arrays with null', () => {
    expect(update({ _id: 1 }, { $set: { 'a.b.c': 1 } }).doc).toEqual({ _id: 1, a: { b: { c: 1 } } });
    expect(update({ _id: 1, a: [1] }, { $set: { 'a.3': 4 } }).doc).toEqual({ _id: 1, a: [1, null, null, 4] });
    expect(update({ _id: 1 }, { $set: { 'a.0': 1 } }).doc).toEqual({ _id: 1, a: { 0: 1 } });
    expect(update({ _id: 1, a: [{ b: 1 }, { b: 2 }] }, { $set: { 'a.1.b': 3 } }).doc).toEqual({ _id: 1, a: [{ b: 1 }, { b: 3 }] });
  });

  it('$unset removes fields, nulls array elements and ignores missing paths', () => {
    const doc = { _id: 1, a: 1, b: { c: 1, d: 2 }, e: [1, 2] };
    expect(update(doc, { $unset: { a: '', 'b.c': 1, 'e.0': 1 } }).doc).toEqual({ _id: 1, b: { d: 2 }, e: [null, 2] });
    expect(update(doc, { $unset: { x: 1, 'a.b': 1, 'b.x.y': 1 } })).toEqual({ doc, modified: false });
  });

  it('$inc keeps Int32 and overflows into Long', () => {
    const r = update({ _id: 1, n: new Int32(2147483647) }, { $inc: { n: new Int32(1) } });
    expect(r.doc.n).toBeInstanceOf(Long);
    expect(String(r.doc.n)).toBe('2147483648');
    const small = update({ _id: 1, n: new Int32(1) }, { $inc: { n: new Int32(2) } }).doc.n as Int32;
    expect(small._bsontype).toBe('Int32');
    expect(small.value).toBe(3);
  });

  it('$inc on a Long stays Long and is exact beyond 2^53', () => {
    const r = update({ _id: 1, n: Long.fromString('9007199254740993') }, { $inc: { n: new Int32(1) } });
    expect(r.doc.n).toBeInstanceOf(Long);
    expect(String(r.doc.n)).toBe('9007199254740994');
    const r2 = update({ _id: 1, n: new Int32(1) }, { $inc: { n: Long.fromNumber(1) } });
    expect(r2.doc.n).toBeInstanceOf(Long);
  });

  it('$inc with a Double gives a Double, with a Decimal128 an exact Decimal128', () => {
    const r = update({ _id: 1, n: new Int32(1) }, { $inc: { n: new Double(0.5) } });
    expect((r.doc.n as Double)._bsontype).toBe('Double');
    expect((r.doc.n as Double).value).toBe(1.5);
    const d = update({ _id: 1, n: dec('0.1') }, { $inc: { n: dec('0.2') } }).doc.n as Decimal128;
    expect(d._bsontype).toBe('Decimal128');
    expect(d.toString()).toBe('0.3');
    const d2 = update({ _id: 1, n: new Int32(2) }, { $inc: { n: dec('1.50') } }).doc.n as Decimal128;
    expect(d2.toString()).toBe('3.50');
    // A double converts to decimal with 15 significant digits, as in MongoDB.
    expect(String(update({ _id: 1, n: dec('1') }, { $inc: { n: new Double(0.1) } }).doc.n)).toBe('1.100000000000000');
  });

  it('$inc of Double 2.5 + 2.5 stays a Double 5 (not an Int32)', () => {
    const n = update({ _id: 1, n: new Double(2.5) }, { $inc: { n: new Double(2.5) } }).doc.n as Double;
    expect(n._bsontype).toBe('Double');
    expect(n.value).toBe(5);
  });

  it('$inc on a missing field sets the increment with its type; by zero is a no-op', () => {
    const r = update({ _id: 1 }, { $inc: { n: Long.fromNumber(5) } });
    expect(r.doc.n).toBeInstanceOf(Long);
    const doc = { _id: 1, n: new Int32(3) };
    expect(update(doc, { $inc: { n: new Int32(0) } })).toEqual({ doc, modified: false });
    expect(update(doc, { $inc: { n: new Double(0) } }).modified).toBe(true);
  });

  it('$inc on a non-number is a TypeMismatch naming the document and field', () => {
    expectRefusal(
      () => update({ _id: 1, x: 'str' }, { $inc: { x: 1 } }),
      'TypeMismatch',
      14,
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'x' of non-numeric type string",
    );
    expectRefusal(() => update({ _id: 1 }, { $inc: { x: 'a' } }), 'TypeMismatch', 14, /Cannot increment with non-numeric argument/);
    expectRefusal(() => update({ _id: 1, x: null }, { $mul: { x: 2 } }), 'TypeMismatch', 14, /Cannot apply \$mul/);
  });

  it('$mul multiplies with type promotion and sets a typed zero on missing fields', () => {
    const r = update({ _id: 1, n: new Int32(65536) }, { $mul: { n: new Int32(65536) } });
    expect(r.doc.n).toBeInstanceOf(Long);
    expect(String(r.doc.n)).toBe('4294967296');
    const z = update({ _id: 1 }, { $mul: { n: new Double(3) } }).doc.n as Double;
    expect(z._bsontype).toBe('Double');
    expect(z.value).toBe(0);
    expect(String(update({ _id: 1, n: dec('1.5') }, { $mul: { n: new Int32(3) } }).doc.n)).toBe('4.5');
  });

  it('$min and $max compare by BSON order and keep unchanged values', () => {
    const doc = { _id: 1, lo: new Int32(5), hi: new Int32(5), d: new Date(100) };
    expect(update(doc, { $min: { lo: new Double(3) }, $max: { hi: Long.fromNumber(9) } }).doc).toEqual({ _id: 1, lo: new Double(3), hi: Long.fromNumber(9), d: doc.d });
    expect(update(doc, { $min: { lo: 7 }, $max: { hi: 1 } })).toEqual({ doc, modified: false });
    expect(update(doc, { $max: { d: new Date(200) } }).doc.d).toEqual(new Date(200));
    expect(update(doc, { $min: { lo: null } }).doc.lo).toBeNull();
    expect(update({ _id: 1 }, { $max: { x: 1 } }).doc).toEqual({ _id: 1, x: 1 });
  });

  it('$rename moves fields and validates source and target', () => {
    expect(update({ _id: 1, a: 1, b: { c: 2 } }, { $rename: { a: 'z', 'b.c': 'b.d' } }).doc).toEqual({ _id: 1, b: { d: 2 }, z: 1 });
    const doc = { _id: 1, a: 1 };
    expect(update(doc, { $rename: { missing: 'x' } })).toEqual({ doc, modified: false });
    expectRefusal(() => update(doc, { $rename: { a: 'a' } }), 'BadValue', 2, /must differ/);
    expectRefusal(() => update(doc, { $rename: { a: 'a.b' } }), 'BadValue', 2, /must not be on the same path/);
    expectRefusal(() => update(doc, { $rename: { a: 5 } }), 'BadValue', 2, /must be a string/);
    expectRefusal(() => update({ _id: 1, a: [{ b: 1 }] }, { $rename: { 'a.0.b': 'c' } }), 'BadValue', 2, /source field cannot be an array element/);
    expectRefusal(() => update({ _id: 1, a: 1, c: [] }, { $rename: { a: 'c.0' } }), 'BadValue', 2, /destination field cannot be an array element/);
    expectRefusal(() => update(doc, { $rename: { a: 'b' }, $set: { b: 1 } }), 'ConflictingUpdateOperators', 40);
  });

  it('$setOnInsert applies only on insert', () => {
    const doc = { _id: 1 };
    expect(update(doc, { $setOnInsert: { a: 1 } })).toEqual({ doc, modified: false });
    expect(update(doc, { $setOnInsert: { a: 1 } }, { isInsert: true }).doc).toEqual({ _id: 1, a: 1 });
  });

  it('$currentDate sets a Date or a Timestamp', () => {
    const before = Date.now();
    const r = update({ _id: 1 }, { $currentDate: { d: true, t: { $type: 'timestamp' }, e: { $type: 'date' } } });
    expect(r.doc.d).toBeInstanceOf(Date);
    expect((r.doc.d as Date).getTime()).toBeGreaterThanOrEqual(before);
    expect(r.doc.e).toBeInstanceOf(Date);
    expect((r.doc.t as Timestamp)._bsontype).toBe('Timestamp');
    expectRefusal(() => update({ _id: 1 }, { $currentDate: { d: { $type: 'x' } } }), 'BadValue', 2);
  });

  it('$push appends, creates arrays, and supports $each, $position, $sort and $slice', () => {
    expect(update({ _id: 1 }, { $push: { a: 1 } }).doc).toEqual({ _id: 1, a: [1] });
    expect(update({ _id: 1, a: [1] }, { $push: { a: [2] } }).doc).toEqual({ _id: 1, a: [1, [2]] });
    expect(update({ _id: 1, a: [1, 4] }, { $push: { a: { $each: [2, 3], $position: 1 } } }).doc.a).toEqual([1, 2, 3, 4]);
    expect(update({ _id: 1, a: [1, 4] }, { $push: { a: { $each: [9], $position: -1 } } }).doc.a).toEqual([1, 9, 4]);
    expect(update({ _id: 1, a: [5, 1] }, { $push: { a: { $each: [3], $sort: 1, $slice: 2 } } }).doc.a).toEqual([1, 3]);
    expect(update({ _id: 1, a: [5, 1] }, { $push: { a: { $each: [3], $sort: -1, $slice: -2 } } }).doc.a).toEqual([3, 1]);
    expect(
      update({ _id: 1, q: [{ s: 2 }, { s: 9 }] }, { $push: { q: { $each: [{ s: 5 }], $sort: { s: -1 } } } }).doc.q,
    ).toEqual([{ s: 9 }, { s: 5 }, { s: 2 }]);
    expectRefusal(() => update({ _id: 1, a: 5 }, { $push: { a: 1 } }), 'BadValue', 2, "The field 'a' must be an array but is of type int in document {_id: 1}");
    expectRefusal(() => update({ _id: 1 }, { $push: { a: { $each: 1 } } }), 'BadValue', 2, /\$each/);
    expectRefusal(() => update({ _id: 1 }, { $push: { a: { $each: [], $bad: 1 } } }), 'BadValue', 2, /Unrecognized clause in \$push: \$bad/);
  });

  it('$addToSet adds only values not already present, by MongoDB equality', () => {
    const doc = { _id: 1, a: [new Int32(1), 'x', { k: 1 }] };
    expect(update(doc, { $addToSet: { a: new Double(1) } })).toEqual({ doc, modified: false });
    expect(update(doc, { $addToSet: { a: { k: 1 } } }).modified).toBe(false);
    expect(update(doc, { $addToSet: { a: { $each: [2, 'x', 2, 3] } } }).doc.a).toEqual([new Int32(1), 'x', { k: 1 }, 2, 3]);
    expect(update({ _id: 1 }, { $addToSet: { a: { $each: [] } } }).doc).toEqual({ _id: 1, a: [] });
    expectRefusal(() => update({ _id: 1, a: 1 }, { $addToSet: { a: 1 } }), 'BadValue', 2, /Cannot apply \$addToSet to non-array field/);
  });

  it('$pop removes the last or first element', () => {
    expect(update({ _id: 1, a: [1, 2, 3] }, { $pop: { a: 1 } }).doc.a).toEqual([1, 2]);
    expect(update({ _id: 1, a: [1, 2, 3] }, { $pop: { a: new Int32(-1) } }).doc.a).toEqual([2, 3]);
    const doc = { _id: 1, a: [] };
    expect(update(doc, { $pop: { a: 1, b: 1 } })).toEqual({ doc, modified: false });
    expectRefusal(() => update(doc, { $pop: { a: 2 } }), 'BadValue', 2, '$pop expects 1 or -1, found: 2');
    expectRefusal(() => update({ _id: 1, a: 'x' }, { $pop: { a: 1 } }), 'BadValue', 2, /non-array/);
  });

  it('$pull removes matching values, conditions and subdocument queries', () => {
    expect(update({ _id: 1, a: [1, 2, new Double(1), 3] }, { $pull: { a: 1 } }).doc.a).toEqual([2, 3]);
    expect(update({ _id: 1, a: [1, 5, 8, 2] }, { $pull: { a: { $gte: 5 } } }).doc.a).toEqual([1, 2]);
    expect(update({ _id: 1, a: ['apple', 'berry'] }, { $pull: { a: /^a/ } }).doc.a).toEqual(['berry']);
    expect(update({ _id: 1, a: ['apple', 'berry'] }, { $pull: { a: { $in: ['berry'] } } }).doc.a).toEqual(['apple']);
    expect(
      update({ _id: 1, r: [{ k: 'a', n: 1 }, { k: 'b', n: 2 }, 7] }, { $pull: { r: { k: 'a' } } }).doc.r,
    ).toEqual([{ k: 'b', n: 2 }, 7]);
    expect(update({ _id: 1, r: [[1, 2], [3]] }, { $pull: { r: [1, 2] } }).doc.r).toEqual([[3]]);
    const doc = { _id: 1, a: [1] };
    expect(update(doc, { $pull: { a: 5, missing: 1 } })).toEqual({ doc, modified: false });
    expectRefusal(() => update({ _id: 1, a: 1 }, { $pull: { a: 1 } }), 'BadValue', 2, 'Cannot apply $pull to a non-array value');
  });

  it('$pullAll removes every listed value', () => {
    expect(update({ _id: 1, a: [0, 5, 5, 1, new Int32(0)] }, { $pullAll: { a: [0, 5] } }).doc.a).toEqual([1]);
    expectRefusal(() => update({ _id: 1, a: [] }, { $pullAll: { a: 1 } }), 'BadValue', 2, /\$pullAll requires an array argument/);
  });

  it('$bit applies and/or/xor keeping Int32 or Long', () => {
    const r = update({ _id: 1, n: new Int32(13) }, { $bit: { n: { and: new Int32(10) } } }).doc.n as Int32;
    expect(r._bsontype).toBe('Int32');
    expect(r.value).toBe(8);
    expect((update({ _id: 1, n: new Int32(1) }, { $bit: { n: { or: new Int32(4), xor: new Int32(1) } } }).doc.n as Int32).value).toBe(4);
    expect(update({ _id: 1, n: new Int32(1) }, { $bit: { n: { or: Long.fromNumber(2) } } }).doc.n).toBeInstanceOf(Long);
    expectRefusal(() => update({ _id: 1, n: new Int32(1) }, { $bit: { n: { and: new Double(1) } } }), 'BadValue', 2);
    expectRefusal(() => update({ _id: 1, n: new Double(1) }, { $bit: { n: { and: new Int32(1) } } }), 'BadValue', 2, /non-integral/);
    expectRefusal(() => update({ _id: 1, n: new Int32(1) }, { $bit: { n: { nand: new Int32(1) } } }), 'BadValue', 2);
  });
});

describe('applyUpdate positional and array filters', () => {
  it('$ updates the element the query matched', () => {
    const doc = { _id: 1, grades: [80, 85, 90], items: [{ k: 'a', n: 1 }, { k: 'b', n: 2 }] };
    expect(update(doc, { $set: { 'grades.$': 82 } }, { query: { grades: 85 } }).doc.grades).toEqual([80, 82, 90]);
    expect(update(doc, { $inc: { 'items.$.n': 10 } }, { query: { 'items.k': 'b' } }).doc.items).toEqual([{ k: 'a', n: 1 }, { k: 'b', n: new Int32(12) }]);
    expect(update(doc, { $set: { 'items.$.n': 0 } }, { query: { _id: 1, items: { $elemMatch: { k: 'a' } } } }).doc.items).toEqual([{ k: 'a', n: 0 }, { k: 'b', n: 2 }]);
  });

  it('refuses $ when the query did not match an array element', () => {
    expectRefusal(() => update({ _id: 1, a: [1] }, { $set: { 'a.$': 2 } }, { query: { _id: 1 } }), 'BadValue', 2, 'The positional operator did not find the match needed from the query.');
    expectRefusal(() => update({ _id: 1, a: [1] }, { $set: { 'a.$': 2 } }), 'BadValue', 2);
    expectRefusal(() => update({ _id: 1, a: [[1]] }, { $set: { 'a.$.$': 2 } }, { query: { a: [1] } }), 'BadValue', 2, /Too many positional/);
  });

  it('$[] updates every element', () => {
    expect(update({ _id: 1, a: [1, 2, 3] }, { $inc: { 'a.$[]': 10 } }).doc.a).toEqual([new Int32(11), new Int32(12), new Int32(13)]);
    expect(update({ _id: 1, a: [{ b: 1 }, { b: 2 }] }, { $set: { 'a.$[].c': 0 } }).doc.a).toEqual([{ b: 1, c: 0 }, { b: 2, c: 0 }]);
    expectRefusal(() => update({ _id: 1 }, { $set: { 'a.$[]': 1 } }), 'BadValue', 2, /must exist in the document/);
    expectRefusal(() => update({ _id: 1, a: 5 }, { $set: { 'a.$[]': 1 } }), 'BadValue', 2, /non-array element/);
  });

  it('$[id] updates the elements its array filter matches', () => {
    const doc = { _id: 1, grades: [95, 92, 90, 100], items: [{ k: 'a', q: 1 }, { k: 'b', q: 5 }] };
    expect(update(doc, { $set: { 'grades.$[g]': 100 } }, { arrayFilters: [{ g: { $gte: 92 } }] }).doc.grades).toEqual([100, 100, 90, 100]);
    expect(update(doc, { $set: { 'items.$[it].q': 0 } }, { arrayFilters: [{ 'it.q': { $gt: 2 } }] }).doc.items).toEqual([{ k: 'a', q: 1 }, { k: 'b', q: 0 }]);
    const nested = { _id: 1, a: [{ b: [1, 2] }, { b: [3] }] };
    expect(update(nested, { $set: { 'a.$[x].b.$[y]': 0 } }, { arrayFilters: [{ 'x.b': 3 }, { y: 3 }] }).doc.a).toEqual([{ b: [1, 2] }, { b: [0] }]);
  });

  it('refuses missing, unused, duplicate and malformed array filters', () => {
    const doc = { _id: 1, a: [1] };
    expectRefusal(() => update(doc, { $set: { 'a.$[x]': 1 } }), 'BadValue', 2, "No array filter found for identifier 'x' in path 'a.$[x]'");
    expectRefusal(() => update(doc, { $set: { a: 1 } }, { arrayFilters: [{ x: 1 }] }), 'FailedToParse', 9, /The array filter for identifier 'x' was not used/);
    expectRefusal(() => update(doc, { $set: { 'a.$[x]': 1 } }, { arrayFilters: [{ x: 1 }, { x: 2 }] }), 'FailedToParse', 9, /multiple array filters/);
    expectRefusal(() => update(doc, { $set: { 'a.$[x]': 1 } }, { arrayFilters: [{ x: 1, y: 2 }] }), 'FailedToParse', 9);
    expectRefusal(() => update(doc, { $set: { 'a.$[X]': 1 } }, { arrayFilters: [{ X: 1 }] }), 'BadValue', 2, /alphanumeric string beginning with a lowercase letter/);
  });
});

// ---- buildUpsertDocument ------------------------------------------------------------------------

describe('buildUpsertDocument', () => {
  it('seeds the document from equality conditions, _id first, then applies the update', () => {
    const oid = new ObjectId();
    const doc = buildUpsertDocument({ name: 'x', _id: oid, 'a.b': 1, n: { $gt: 5 }, $and: [{ c: { $eq: 2 } }] }, { $set: { z: 1 }, $inc: { count: new Int32(1) } });
    expect(doc).toEqual({ _id: oid, name: 'x', a: { b: 1 }, c: 2, count: new Int32(1), z: 1 });
    expect(Object.keys(doc)[0]).toBe('_id');
  });

  it('applies $setOnInsert', () => {
    expect(buildUpsertDocument({ k: 1 }, { $setOnInsert: { created: true } })).toEqual({ k: 1, created: true });
  });

  it('takes single-value $in but not multi-value $in, regexes or other operators', () => {
    expect(buildUpsertDocument({ a: { $in: [7] }, b: { $in: [1, 2] }, c: /x/, d: { $exists: true } }, { $set: { e: 1 } })).toEqual({ a: 7, e: 1 });
  });

  it('uses only the query _id for a replacement', () => {
    expect(buildUpsertDocument({ _id: 3, name: 'x' }, { other: 1 })).toEqual({ _id: 3, other: 1 });
    expect(buildUpsertDocument({ name: 'x' }, { other: 1 })).toEqual({ other: 1 });
  });

  it('refuses ambiguous queries and _id changes', () => {
    expectRefusal(() => buildUpsertDocument({ a: 1, $and: [{ a: 2 }] }, { $set: { b: 1 } }), 'NotSingleValueField', 54, /matched twice/);
    expectRefusal(() => buildUpsertDocument({ a: 1, 'a.b': 2 }, { $set: { c: 1 } }), 'NotSingleValueField', 54);
    expectRefusal(() => buildUpsertDocument({ _id: 1 }, { $set: { _id: 2 } }), 'ImmutableField', 66);
  });

  it('refuses the positional operator when inserting', () => {
    expectRefusal(() => buildUpsertDocument({ a: 1 }, { $set: { 'a.$': 1 } }), 'BadValue', 2, /positional operator/);
  });

  it('fails with PathNotViable when the update traverses a seeded scalar', () => {
    expectRefusal(() => buildUpsertDocument({ a: 1 }, { $set: { 'a.b': 1 } }), 'PathNotViable', 28);
  });
});

// ---- runPipeline ---------------------------------------------------------------------------------

describe('runPipeline', () => {
  const docs: Doc[] = [
    { _id: new Int32(1), cat: 'a', qty: new Int32(5), price: new Double(1.5) },
    { _id: new Int32(2), cat: 'b', qty: new Int32(2), price: new Double(10) },
    { _id: new Int32(3), cat: 'a', qty: new Int32(1), price: new Double(4) },
  ];

  it('counts documents the way mongoose countDocuments asks', () => {
    const out = runPipeline(docs, [{ $match: { cat: 'a' } }, { $group: { _id: new Int32(1), n: { $sum: new Int32(1) } } }], noLookup);
    expect(out).toEqual([{ _id: 1, n: 2 }]);
    expect(typeof out[0].n).toBe('number');
    expect(runPipeline([], [{ $group: { _id: 1, n: { $sum: 1 } } }], noLookup)).toEqual([]);
  });

  it('keeps BSON types through native $match, $sort, $skip and $limit', () => {
    const out = runPipeline(docs, [{ $match: { qty: { $gte: new Int32(2) } } }, { $sort: { qty: new Int32(1) } }, { $skip: 0 }, { $limit: new Int32(5) }], noLookup);
    expect(out.map((d) => d._id)).toEqual([new Int32(2), new Int32(1)]);
    expect(out[0]).toBe(docs[1]);
  });

  it('groups, projects and sorts with mingo on converted values', () => {
    const out = runPipeline(
      docs,
      [{ $group: { _id: '$cat', total: { $sum: { $multiply: ['$qty', '$price'] } } } }, { $sort: { _id: 1 } }, { $project: { _id: 0, cat: '$_id', total: 1 } }],
      noLookup,
    );
    expect(out).toEqual([{ cat: 'a', total: 11.5 }, { cat: 'b', total: 20 }]);
  });

  it('returns no document for $count over nothing, like MongoDB', () => {
    expect(runPipeline(docs, [{ $count: 'n' }], noLookup)).toEqual([{ n: 3 }]);
    expect(runPipeline(docs, [{ $match: { cat: 'z' } }, { $count: 'n' }], noLookup)).toEqual([]);
  });

  it('groups and joins on ObjectId values', () => {
    const u1 = new ObjectId();
    const u2 = new ObjectId();
    const orders: Doc[] = [{ _id: 1, user: u1 }, { _id: 2, user: new ObjectId(u1.toHexString()) }, { _id: 3, user: u2 }];
    const users: Doc[] = [{ _id: new ObjectId(u1.toHexString()), name: 'one' }, { _id: u2, name: 'two' }];
    const grouped = runPipeline(orders, [{ $group: { _id: '$user', n: { $sum: 1 } } }, { $sort: { n: -1 } }], noLookup);
    expect(grouped.map((g) => [String(g._id), g.n])).toEqual([[u1.toHexString(), 2], [u2.toHexString(), 1]]);
    const lookup = (name: string) => (name === 'users' ? users : []);
    const joined = runPipeline(orders, [{ $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'u' } }, { $project: { name: { $first: '$u.name' } } }], { lookup });
    expect(joined.map((j) => j.name)).toEqual(['one', 'one', 'two']);
  });

  it('wires $unionWith through lookup', () => {
    const out = runPipeline([{ _id: 1 }], [{ $unionWith: { coll: 'other', pipeline: [{ $match: { k: 2 } }] } }], {
      lookup: (n) => (n === 'other' ? [{ _id: 9, k: 2 }, { _id: 8, k: 3 }] : []),
    });
    expect(out).toEqual([{ _id: 1 }, { _id: 9, k: 2 }]);
  });

  it('sorts by our BSON order after mingo stages (ObjectId after strings)', () => {
    const out = runPipeline([{ v: new ObjectId() }, { v: 'x' }, { v: new Int32(1) }], [{ $addFields: { t: 1 } }, { $sort: { v: 1 } }], noLookup);
    expect(out.map((d) => typeof d.v)).toEqual(['number', 'string', 'object']);
  });

  it('does not mutate input documents in mingo stages', () => {
    const input: Doc[] = [{ a: { b: 1 } }];
    runPipeline(input, [{ $set: { 'a.c': 2 } }], noLookup);
    expect(input).toEqual([{ a: { b: 1 } }]);
  });

  it('refuses stages the engine cannot run, even nested', () => {
    for (const stage of ['$out', '$merge', '$geoNear', '$search', '$searchMeta', '$vectorSearch', '$changeStream', '$collStats', '$indexStats', '$currentOp', '$listSessions', '$listLocalSessions', '$planCacheStats']) {
      expectRefusal(() => runPipeline(docs, [{ [stage]: {} }], noLookup), 'CommandNotSupported', 115, new RegExp(`\\${stage} is not supported`));
    }
    expectRefusal(() => runPipeline(docs, [{ $facet: { x: [{ $out: 'c' }] } }], noLookup), 'CommandNotSupported', 115);
    expectRefusal(() => runPipeline(docs, [{ $lookup: { from: 'x', pipeline: [{ $bogus: 1 }], as: 'y' } }], noLookup), 'Location40324', 40324);
  });

  it('refuses unknown stages and malformed stage documents with MongoDB codes', () => {
    expectRefusal(() => runPipeline(docs, [{ $foo: 1 }], noLookup), 'Location40324', 40324, "Unrecognized pipeline stage name: '$foo'");
    expectRefusal(() => runPipeline(docs, [{ $match: {}, $limit: 1 }], noLookup), 'Location40323', 40323);
    expectRefusal(() => runPipeline(docs, [{ $limit: 0 }], noLookup), 'Location15958', 15958, 'the limit must be positive');
    expectRefusal(() => runPipeline(docs, [{ $sort: {} }], noLookup), 'Location15976', 15976);
  });

  it('uses our filter semantics in $match (refusing $text, comparing Long exactly)', () => {
    expectRefusal(() => runPipeline(docs, [{ $match: { $text: { $search: 'x' } } }], noLookup), 'IndexNotFound', 27);
    const big = [{ _id: 1, n: Long.fromString('9007199254740993') }, { _id: 2, n: Long.fromString('9007199254740992') }];
    expect(runPipeline(big, [{ $match: { n: { $gt: new Double(2 ** 53) } } }], noLookup).map((d) => d._id)).toEqual([1]);
  });

  it('turns mingo failures into command errors and keeps server-side JavaScript off', () => {
    const err = mongoError(() => runPipeline(docs, [{ $addFields: { f: { $function: { body: 'function(){return 1}', args: [], lang: 'js' } } } }], noLookup));
    expect(err.codeName).toBe('BadValue');
  });
});
