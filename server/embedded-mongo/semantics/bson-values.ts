/**
 * BSON values as MongoDB orders, hashes and names them. Values are as decoded by
 * `BSON.deserialize(buf, { promoteValues: false })` (wrapped numbers, ObjectId, Binary, ...), plus
 * plain JS numbers. JS `undefined` stands for a missing value and behaves like null.
 */
import type { Binary, BSONRegExp, BSONSymbol, Code, DBRef, Long, ObjectId, Timestamp } from 'bson';
import type { Doc } from '../types';
import { compareNumbers, numberKey, numKind, INT, LONG, DOUBLE, DECIMAL, toDouble } from './numeric';

interface BsonTagged {
  _bsontype?: string;
}

/** Canonical type ranks in MongoDB's comparison order. */
export const RANK_MIN_KEY = 0;
/** Below null, above MinKey: the sort key of an empty array (MongoDB sorts [] before null). */
export const RANK_EMPTY_ARRAY = 1;
export const RANK_NULL = 2;
export const RANK_NUMBER = 3;
export const RANK_STRING = 4;
export const RANK_OBJECT = 5;
export const RANK_ARRAY = 6;
export const RANK_BINARY = 7;
export const RANK_OBJECT_ID = 8;
export const RANK_BOOL = 9;
export const RANK_DATE = 10;
export const RANK_TIMESTAMP = 11;
export const RANK_REGEX = 12;
export const RANK_CODE = 13;
export const RANK_MAX_KEY = 14;

/** Sort-key stand-in for an empty array (see RANK_EMPTY_ARRAY). */
export const EMPTY_ARRAY_KEY: unique symbol = Symbol('emptyArray');

const OBJECT_PROTO = Object.prototype;

/** A document-like value: a plain object (not a BSON wrapper, Date, RegExp, Buffer...). */
export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  const p = Object.getPrototypeOf(v);
  return p === OBJECT_PROTO || p === null;
}

/** The value of an own field (inherited properties such as `constructor` are not fields). */
export function ownField(obj: Doc, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** A DBRef seen as the document MongoDB stores for it. */
export function dbrefAsDoc(r: DBRef): Doc {
  const d: Doc = { $ref: r.collection, $id: r.oid };
  if (r.db) d.$db = r.db;
  return Object.assign(d, r.fields);
}

/** The canonical comparison rank of a value (missing = null). */
export function typeRank(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return RANK_STRING;
    case 'number':
    case 'bigint':
      return RANK_NUMBER;
    case 'boolean':
      return RANK_BOOL;
    case 'undefined':
      return RANK_NULL;
    case 'symbol':
      return v === EMPTY_ARRAY_KEY ? RANK_EMPTY_ARRAY : RANK_NULL;
    case 'object':
      break;
    default:
      return RANK_NULL;
  }
  if (v === null) return RANK_NULL;
  if (Array.isArray(v)) return RANK_ARRAY;
  const t = (v as BsonTagged)._bsontype;
  if (t === undefined) {
    if (v instanceof Date) return RANK_DATE;
    if (v instanceof RegExp) return RANK_REGEX;
    return RANK_OBJECT;
  }
  switch (t) {
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return RANK_NUMBER;
    case 'ObjectId':
      return RANK_OBJECT_ID;
    case 'Binary':
      return RANK_BINARY;
    case 'Timestamp':
      return RANK_TIMESTAMP;
    case 'BSONRegExp':
      return RANK_REGEX;
    case 'BSONSymbol':
      return RANK_STRING;
    case 'MinKey':
      return RANK_MIN_KEY;
    case 'MaxKey':
      return RANK_MAX_KEY;
    case 'Code':
      return RANK_CODE;
    case 'DBRef':
      return RANK_OBJECT;
    default:
      return RANK_OBJECT;
  }
}

/** A string or BSONSymbol's text. */
export function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : (v as BSONSymbol).value;
}

/** Pattern and flags (alphabetical) of a RegExp or BSONRegExp. */
export function regexParts(v: RegExp | BSONRegExp): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  return [v.pattern, v.options.split('').sort().join('')];
}

/** The bytes of a Binary value (without copying). */
export function binaryBytes(b: Binary): Uint8Array {
  return b.buffer.subarray(0, b.position);
}

/** Compares strings by Unicode code point (= UTF-8 byte order), not by UTF-16 unit. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca !== cb) {
      // A surrogate encodes a code point above U+FFFF, so it sorts after U+E000..U+FFFF.
      if (ca >= 0xd800 && cb >= 0xd800) {
        if (ca <= 0xdfff) ca += 0x10000;
        if (cb <= 0xdfff) cb += 0x10000;
      }
      return ca < cb ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareObjects(a: Doc, b: Doc): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]];
    const vb = b[kb[i]];
    // MongoDB compares each element's type, then its field name, then its value.
    const ra = typeRank(va);
    const rb = typeRank(vb);
    if (ra !== rb) return ra < rb ? -1 : 1;
    const c = compareStrings(ka[i], kb[i]);
    if (c !== 0) return c;
    const v = compareValues(va, vb);
    if (v !== 0) return v;
  }
  return ka.length < kb.length ? -1 : ka.length > kb.length ? 1 : 0;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * MongoDB's BSON comparison order: MinKey < null/missing < numbers < strings < objects < arrays <
 * BinData < ObjectId < booleans < Dates < Timestamps < regexes < code < MaxKey; within a type by
 * value (numbers exactly across int32/int64/double/decimal, strings by code point).
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case RANK_NUMBER:
      if (typeof a === 'number' && typeof b === 'number' && a === a && b === b) return a < b ? -1 : a > b ? 1 : 0;
      return compareNumbers(a, b);
    case RANK_STRING:
      return compareStrings(stringOf(a), stringOf(b));
    case RANK_OBJECT: {
      const da = isPlainObject(a) ? a : dbrefAsDoc(a as DBRef);
      const db = isPlainObject(b) ? b : dbrefAsDoc(b as DBRef);
      return compareObjects(da, db);
    }
    case RANK_ARRAY: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    case RANK_BINARY: {
      const x = a as Binary;
      const y = b as Binary;
      if (x.position !== y.position) return x.position < y.position ? -1 : 1;
      if (x.sub_type !== y.sub_type) return x.sub_type < y.sub_type ? -1 : 1;
      return compareBytes(binaryBytes(x), binaryBytes(y));
    }
    case RANK_OBJECT_ID:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case RANK_BOOL:
      return a === b ? 0 : a ? 1 : -1;
    case RANK_DATE: {
      const x = (a as Date).getTime();
      const y = (b as Date).getTime();
      if (x === y || (x !== x && y !== y)) return 0;
      if (x !== x) return -1;
      if (y !== y) return 1;
      return sign(x - y);
    }
    case RANK_TIMESTAMP: {
      const x = a as Timestamp;
      const y = b as Timestamp;
      if (x.t !== y.t) return x.t < y.t ? -1 : 1;
      return x.i === y.i ? 0 : x.i < y.i ? -1 : 1;
    }
    case RANK_REGEX: {
      const [pa, fa] = regexParts(a as RegExp | BSONRegExp);
      const [pb, fb] = regexParts(b as RegExp | BSONRegExp);
      return compareStrings(pa, pb) || compareStrings(fa, fb);
    }
    case RANK_CODE:
      return compareStrings((a as Code).code, (b as Code).code);
    default:
      return 0; // MinKey, MaxKey, null/missing, empty-array sort key
  }
}

function objectKey(o: Doc): string {
  let s = '{';
  for (const k of Object.keys(o)) s += `${k.length}:${k}=${indexKeyOf(o[k])},`;
  return `${s}}`;
}

/**
 * Canonical hash key: values MongoDB considers equal give the same key (numbers across types,
 * 0/-0, null/missing), different types never do. Objects are field-order sensitive. Strings are
 * length-prefixed so composite keys cannot collide.
 */
export function indexKeyOf(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
    case 'bigint':
      return numberKey(v);
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'undefined':
      return 'z';
    case 'object':
      break;
    default:
      return 'z';
  }
  if (v === null) return 'z';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += `${indexKeyOf(v[i])},`;
    return `${s}]`;
  }
  const t = (v as BsonTagged)._bsontype;
  if (t === undefined) {
    if (v instanceof Date) return `d${v.getTime()}`;
    if (v instanceof RegExp) return `r${v.source.length}:${v.source}/${v.flags}`;
    return objectKey(v as Doc);
  }
  switch (t) {
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return numberKey(v);
    case 'ObjectId':
      return `o${(v as ObjectId).toHexString()}`;
    case 'Binary': {
      const b = v as Binary;
      const u = binaryBytes(b);
      return `x${b.sub_type}:${Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64')}`;
    }
    case 'Timestamp':
      return `T${(v as Timestamp).t}:${(v as Timestamp).i}`;
    case 'BSONRegExp': {
      const [p, f] = regexParts(v as BSONRegExp);
      return `r${p.length}:${p}/${f}`;
    }
    case 'BSONSymbol': {
      const s = (v as BSONSymbol).value;
      return `s${s.length}:${s}`;
    }
    case 'MinKey':
      return 'm';
    case 'MaxKey':
      return 'M';
    case 'Code': {
      const c = v as Code;
      return `c${c.code.length}:${c.code}${c.scope ? objectKey(c.scope as Doc) : ''}`;
    }
    case 'DBRef':
      return objectKey(dbrefAsDoc(v as DBRef));
    default:
      return `?${t}:${String(v)}`;
  }
}

/** The BSON type tag of a value, for type-sensitive identity (Int32 5 is not Double 5). */
function typeTag(v: unknown): string {
  if (typeof v === 'number') return numKind(v) === INT ? 'Int32' : 'Double';
  if (typeof v === 'bigint') return 'Long';
  if (v === undefined || v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  if (Array.isArray(v)) return 'array';
  const t = (v as BsonTagged)._bsontype;
  if (t) return t;
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  return 'object';
}

/**
 * Type-sensitive deep identity, as a byte comparison of the stored BSON would decide: same types,
 * same values, same field order. Used to report whether an update modified a document.
 */
export function identical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeTag(a);
  if (ta !== typeTag(b)) return false;
  switch (ta) {
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!identical(x[i], y[i])) return false;
      return true;
    }
    case 'object': {
      const x = a as Doc;
      const y = b as Doc;
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      if (kx.length !== ky.length) return false;
      for (let i = 0; i < kx.length; i++) {
        if (kx[i] !== ky[i] || !identical(x[kx[i]], y[ky[i]])) return false;
      }
      return true;
    }
    case 'Int32':
    case 'Double':
      return Object.is(toDouble(a), toDouble(b));
    case 'Long':
      return typeof a === 'bigint' || typeof b === 'bigint'
        ? BigInt(String(a)) === BigInt(String(b))
        : (a as Long).equals(b as Long);
    case 'Decimal128':
      return String(a) === String(b);
    case 'Timestamp':
      return (a as Timestamp).t === (b as Timestamp).t && (a as Timestamp).i === (b as Timestamp).i;
    case 'date':
      return Object.is((a as Date).getTime(), (b as Date).getTime());
    default:
      return compareValues(a, b) === 0 && indexKeyOf(a) === indexKeyOf(b);
  }
}

/** MongoDB's type name of a value ("int", "double", "string", "objectId", ...). */
export function bsonTypeName(v: unknown): string {
  switch (numKind(v)) {
    case INT:
      return 'int';
    case LONG:
      return 'long';
    case DOUBLE:
      return 'double';
    case DECIMAL:
      return 'decimal';
    default:
      break;
  }
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  switch ((v as BsonTagged)._bsontype) {
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'BSONSymbol':
      return 'symbol';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'Code':
      return (v as Code).scope ? 'javascriptWithScope' : 'javascript';
    default:
      return 'object';
  }
}

/** Renders a value roughly as MongoDB does in error messages (`{a: 5}`, `"x"`, `ObjectId('…')`). */
export function renderValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[ ${v.map(renderValue).join(', ')} ]`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof RegExp) return String(v);
  const t = (v as BsonTagged)._bsontype;
  if (t === 'Int32' || t === 'Double') return String(toDouble(v));
  if (t === 'Long') return `${String(v)}`;
  if (t === 'Decimal128') return `NumberDecimal("${String(v)}")`;
  if (t === 'ObjectId') return `ObjectId('${(v as ObjectId).toHexString()}')`;
  if (t) return String(v);
  const entries = Object.entries(v as Doc);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${k}: ${renderValue(x)}`).join(', ')} }`;
}
