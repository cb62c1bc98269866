/**
 * Query filters, compiled once into a tree of closures and run per document without re-parsing.
 *
 * Matching follows MongoDB 7 (the server version the embedded engine announces):
 * - a path yields "leaf entries": it descends through arrays of subdocuments (scalar elements of
 *   an array in the middle of a path yield nothing), a numeric component also indexes the array,
 *   and a terminal array yields each element and then the array itself;
 * - a field missing at the end of a branch yields a "missing" entry, which null-equality matches;
 * - a condition holds when any entry satisfies it; negations ($ne, $nin, $not, $exists: false)
 *   hold when no entry satisfies the positive condition;
 * - comparisons only match values of the same canonical type ("type bracketing").
 *
 * A matcher can report the array position its match came from (MongoDB's elemMatchKey), which
 * the positional `$` update operator and the `field.$` projection need.
 */
import type { Binary, BSONRegExp, BSONSymbol } from 'bson';
import { badValue, MongoCommandError } from '../errors';
import type { Doc } from '../types';
import {
  binaryBytes,
  compareValues,
  indexKeyOf,
  isPlainObject,
  ownField,
  RANK_MAX_KEY,
  RANK_MIN_KEY,
  RANK_NULL,
  RANK_NUMBER,
  RANK_OBJECT_ID,
  regexParts,
  typeRank,
} from './bson-values';
import { compileExprPredicate } from './mingo-bridge';
import {
  compareNumbers,
  DECIMAL,
  DOUBLE,
  INT,
  integralToBigInt,
  isNaNValue,
  isNumeric,
  LONG,
  numKind,
  toDouble,
} from './numeric';
import { parsePath, type ParsedPath } from './paths';

interface BsonTagged {
  _bsontype?: string;
}

/** Where a match came from: the index in the first array the matching path went through. */
export interface MatchDetails {
  elemMatchKey?: number;
}

/** A compiled filter. The optional `details` receives the matched array position, if any. */
export type DocMatcher = (doc: unknown, details?: MatchDetails) => boolean;

/** A predicate on one value; `undefined` stands for a missing field. */
export type ValuePredicate = (v: unknown) => boolean;

/** One field condition, usable at a path of a document or on a bare value ($elemMatch, $pull). */
interface FieldCond {
  atPath(p: ParsedPath): DocMatcher;
  onValue: ValuePredicate;
}

const ALWAYS: DocMatcher = () => true;
const NEVER: DocMatcher = () => false;

// ---- path walking ---------------------------------------------------------------------------

type Leaf = (cur: unknown, pos: number, d: MatchDetails | undefined) => boolean;

/** Walks a path through a document and applies `leaf` to each entry (see the module comment). */
function walkPath(p: ParsedPath, leaf: Leaf): DocMatcher {
  const { parts, indexes } = p;
  const n = parts.length;
  const walk = (cur: unknown, i: number, pos: number, d: MatchDetails | undefined): boolean => {
    if (i === n) return leaf(cur, pos, d);
    if (Array.isArray(cur)) {
      const key = parts[i];
      for (let j = 0; j < cur.length; j++) {
        const el = cur[j];
        if (isPlainObject(el) && walk(ownField(el, key), i + 1, pos >= 0 ? pos : j, d)) return true;
      }
      const idx = indexes[i];
      return idx >= 0 && idx < cur.length && walk(cur[idx], i + 1, pos, d);
    }
    if (isPlainObject(cur)) return walk(ownField(cur, parts[i]), i + 1, pos, d);
    return leaf(undefined, pos, d);
  };
  if (n === 1) {
    // The common case, a top-level field of a document: no recursion.
    const key = parts[0];
    return (doc, d) => (isPlainObject(doc) ? leaf(ownField(doc, key), -1, d) : walk(doc, 0, -1, d));
  }
  return (doc, d) => walk(doc, 0, -1, d);
}

/** Matcher holding when some entry at the path satisfies `pred` (terminal arrays expanded). */
function anyAtPath(p: ParsedPath, pred: ValuePredicate): DocMatcher {
  return walkPath(p, (cur, pos, d) => {
    if (Array.isArray(cur)) {
      for (let j = 0; j < cur.length; j++) {
        if (pred(cur[j])) {
          if (d) d.elemMatchKey = pos >= 0 ? pos : j;
          return true;
        }
      }
    }
    if (pred(cur)) {
      if (d && pos >= 0) d.elemMatchKey = pos;
      return true;
    }
    return false;
  });
}

/** Result of an array-level test: NO match, YES without a position, or the matching index. */
const NO = -1;
const YES = -2;

/** Matcher for conditions on the array itself ($size, $elemMatch): terminal arrays not expanded. */
function arrayAtPath(p: ParsedPath, test: (v: unknown) => number): DocMatcher {
  return walkPath(p, (cur, pos, d) => {
    const r = test(cur);
    if (r === NO) return false;
    if (d) {
      if (pos >= 0) d.elemMatchKey = pos;
      else if (r >= 0) d.elemMatchKey = r;
    }
    return true;
  });
}

function not(m: DocMatcher): DocMatcher {
  return (doc) => !m(doc, undefined);
}

function and(ms: DocMatcher[]): DocMatcher {
  if (ms.length === 0) return ALWAYS;
  if (ms.length === 1) return ms[0];
  if (ms.length === 2) {
    const [a, b] = ms;
    return (doc, d) => a(doc, d) && b(doc, d);
  }
  return (doc, d) => {
    for (let i = 0; i < ms.length; i++) if (!ms[i](doc, d)) return false;
    return true;
  };
}

function positive(pred: ValuePredicate): FieldCond {
  return { atPath: (p) => anyAtPath(p, pred), onValue: pred };
}

function negative(pred: ValuePredicate): FieldCond {
  return { atPath: (p) => not(anyAtPath(p, pred)), onValue: (v) => !pred(v) };
}

// ---- value predicates -----------------------------------------------------------------------

function isRegexValue(v: unknown): v is RegExp | BSONRegExp {
  return v instanceof RegExp || (typeof v === 'object' && v !== null && (v as BsonTagged)._bsontype === 'BSONRegExp');
}

/** Removes whitespace and `#` comments outside character classes (PCRE's `x` flag). */
function stripExtended(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}

/** Builds a JS RegExp from a MongoDB pattern and options (i, m, s, x; u accepted). */
export function buildRegex(pattern: string, options: string): RegExp {
  let flags = '';
  let extended = false;
  for (const ch of options) {
    if (ch === 'i' || ch === 'm' || ch === 's') {
      if (!flags.includes(ch)) flags += ch;
    } else if (ch === 'x') extended = true;
    else if (ch === 'u' || ch === 'g' || ch === 'y' || ch === 'd') {
      // 'u' (UTF-8 mode) is PCRE's default behaviour for us; g/y/d are JS-only and meaningless here.
    } else throw badValue(`invalid flag in regex options: ${ch}`);
  }
  try {
    return new RegExp(extended ? stripExtended(pattern) : pattern, flags);
  } catch (err) {
    throw badValue(`Regular expression is invalid: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function toRegExp(v: RegExp | BSONRegExp): RegExp {
  const [p, f] = regexParts(v);
  return buildRegex(p, f);
}

/** Matches strings (and symbols) against a regex; a stored regex value matches if identical. */
export function regexPred(re: RegExp): ValuePredicate {
  const src = re.source;
  const flags = re.flags;
  return (e) => {
    if (typeof e === 'string') return re.test(e);
    if (e === null || typeof e !== 'object') return false;
    const t = (e as BsonTagged)._bsontype;
    if (t === 'BSONSymbol') return re.test((e as BSONSymbol).value);
    if (e instanceof RegExp || t === 'BSONRegExp') {
      const [p, f] = regexParts(e as RegExp | BSONRegExp);
      return p === src && f === flags;
    }
    return false;
  };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** MongoDB equality with `v` (numbers across types, null matching missing), specialised by type. */
export function equalityPred(v: unknown): ValuePredicate {
  if (v === null || v === undefined) return (e) => e === null || e === undefined;
  if (typeof v === 'string') {
    return (e) => e === v || (typeof e === 'object' && e !== null && (e as BsonTagged)._bsontype === 'BSONSymbol' && (e as BSONSymbol).value === v);
  }
  if (typeof v === 'boolean') return (e) => e === v;
  const rank = typeRank(v);
  if (rank === RANK_NUMBER) {
    const k = numKind(v);
    if ((k === INT || k === DOUBLE) && !isNaNValue(v)) {
      const x = toDouble(v);
      return (e) => {
        if (typeof e === 'number') return e === x;
        const ke = numKind(e);
        if (ke === INT || ke === DOUBLE) return toDouble(e) === x;
        return ke !== -1 && compareNumbers(e, v) === 0;
      };
    }
    return (e) => isNumeric(e) && compareNumbers(e, v) === 0;
  }
  if (rank === RANK_OBJECT_ID) {
    const id = (v as { id: Uint8Array }).id;
    return (e) => typeof e === 'object' && e !== null && (e as BsonTagged)._bsontype === 'ObjectId' && bytesEqual((e as { id: Uint8Array }).id, id);
  }
  if (v instanceof Date) {
    const t = v.getTime();
    return (e) => e instanceof Date && (e.getTime() === t || (t !== t && e.getTime() !== e.getTime()));
  }
  return (e) => typeRank(e) === rank && compareValues(e, v) === 0;
}

type CmpOp = '$gt' | '$gte' | '$lt' | '$lte';

function comparisonPred(op: CmpOp, v: unknown): ValuePredicate {
  const rank = typeRank(v);
  const inclusive = op === '$gte' || op === '$lte';
  if (rank === RANK_MIN_KEY || rank === RANK_MAX_KEY) {
    // MongoDB: every value is above MinKey and below MaxKey, whatever its type.
    const below = op === '$lt' || op === '$lte';
    const matchesOthers = below ? rank === RANK_MAX_KEY : rank === RANK_MIN_KEY;
    return (e) => {
      if (e === undefined) return false;
      return typeRank(e) === rank ? inclusive : matchesOthers;
    };
  }
  if (rank === RANK_NULL) return inclusive ? (e) => e === null || e === undefined : () => false;
  if (rank === RANK_NUMBER && isNaNValue(v)) {
    // NaN equals only NaN and is neither above nor below any number in a query.
    return inclusive ? (e) => isNumeric(e) && isNaNValue(e) : () => false;
  }
  const test: (c: number) => boolean =
    op === '$gt' ? (c) => c > 0 : op === '$gte' ? (c) => c >= 0 : op === '$lt' ? (c) => c < 0 : (c) => c <= 0;
  if (rank === RANK_NUMBER) {
    return (e) => {
      if (typeof e === 'number') return e === e && test(compareNumbers(e, v));
      return isNumeric(e) && !isNaNValue(e) && test(compareNumbers(e, v));
    };
  }
  return (e) => typeRank(e) === rank && test(compareValues(e, v));
}

function inPred(arr: unknown, op: string): ValuePredicate {
  if (!Array.isArray(arr)) throw badValue(`${op} needs an array`);
  const keys = new Set<string>();
  const regexes: ValuePredicate[] = [];
  const plain: unknown[] = [];
  for (const el of arr) {
    if (isRegexValue(el)) regexes.push(regexPred(toRegExp(el)));
    else if (isOperatorDoc(el)) throw badValue(`cannot nest $ under ${op}`);
    else {
      keys.add(indexKeyOf(el));
      plain.push(el);
    }
  }
  if (regexes.length === 0 && plain.length === 1) return equalityPred(plain[0]);
  if (regexes.length === 0) return (e) => keys.has(indexKeyOf(e));
  return (e) => keys.has(indexKeyOf(e)) || regexes.some((r) => r(e));
}

/** MongoDB's numeric type codes for `$type`. */
const TYPE_ALIASES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};
const TYPE_CODES = new Set(Object.values(TYPE_ALIASES));

/** The BSON type code of a present value. */
export function bsonTypeCode(e: unknown): number {
  switch (numKind(e)) {
    case INT:
      return 16;
    case LONG:
      return 18;
    case DOUBLE:
      return 1;
    case DECIMAL:
      return 19;
    default:
      break;
  }
  if (e === null || e === undefined) return 10;
  if (typeof e === 'string') return 2;
  if (typeof e === 'boolean') return 8;
  if (Array.isArray(e)) return 4;
  if (e instanceof Date) return 9;
  if (e instanceof RegExp) return 11;
  switch ((e as BsonTagged)._bsontype) {
    case 'ObjectId':
      return 7;
    case 'Binary':
      return 5;
    case 'Timestamp':
      return 17;
    case 'BSONRegExp':
      return 11;
    case 'BSONSymbol':
      return 14;
    case 'MinKey':
      return -1;
    case 'MaxKey':
      return 127;
    case 'Code':
      return (e as { scope?: unknown }).scope ? 15 : 13;
    default:
      return 3;
  }
}

function typePred(spec: unknown): ValuePredicate {
  const items = Array.isArray(spec) ? spec : [spec];
  if (items.length === 0) throw badValue('$type must match at least one type');
  const codes = new Set<number>();
  let anyNumber = false;
  for (const it of items) {
    if (typeof it === 'string') {
      if (it === 'number') anyNumber = true;
      else if (Object.prototype.hasOwnProperty.call(TYPE_ALIASES, it)) codes.add(TYPE_ALIASES[it]);
      else throw badValue(`Unknown type name alias: ${it}`);
    } else if (isNumeric(it)) {
      const n = toDouble(it);
      if (!Number.isInteger(n) || !TYPE_CODES.has(n)) throw badValue(`Invalid numerical type code: ${n}`);
      codes.add(n);
    } else {
      throw badValue('type must be represented as a number or a string');
    }
  }
  return (e) => e !== undefined && (codes.has(bsonTypeCode(e)) || (anyNumber && isNumeric(e)));
}

function modPred(arg: unknown): ValuePredicate {
  if (!Array.isArray(arg)) throw badValue('malformed mod, needs to be an array');
  if (arg.length < 2) throw badValue('malformed mod, not enough elements');
  if (arg.length > 2) throw badValue('malformed mod, too many elements');
  if (!isNumeric(arg[0])) throw badValue('malformed mod, divisor not a number');
  if (!isNumeric(arg[1])) throw badValue('malformed mod, remainder not a number');
  const dd = toDouble(arg[0]);
  const rd = toDouble(arg[1]);
  if (!Number.isFinite(dd) || !Number.isFinite(rd)) throw badValue('malformed mod, divisor or remainder value is invalid');
  const divisor = numKind(arg[0]) === LONG ? integralToBigInt(arg[0]) : BigInt(Math.trunc(dd));
  const remainder = numKind(arg[1]) === LONG ? integralToBigInt(arg[1]) : BigInt(Math.trunc(rd));
  if (divisor === 0n) throw badValue('divisor cannot be 0');
  return (e) => {
    const k = numKind(e);
    if (k === -1) return false;
    let x: bigint;
    if (k === LONG) x = integralToBigInt(e);
    else {
      const d = toDouble(e);
      if (!Number.isFinite(d)) return false;
      x = BigInt(Math.trunc(d));
    }
    // Like C++ %, the remainder takes the dividend's sign (BigInt % does the same).
    return x % divisor === remainder;
  };
}

type BitsOp = '$bitsAllSet' | '$bitsAllClear' | '$bitsAnySet' | '$bitsAnyClear';

function bitPositions(arg: unknown, op: string): number[] {
  if (Array.isArray(arg)) {
    return arg.map((p) => {
      const n = isNumeric(p) ? toDouble(p) : NaN;
      if (!Number.isInteger(n) || n < 0) throw badValue(`bit positions must be non-negative integers in ${op}`);
      return n;
    });
  }
  if (typeof arg === 'object' && arg !== null && (arg as BsonTagged)._bsontype === 'Binary') {
    const bytes = binaryBytes(arg as Binary);
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i++) for (let b = 0; b < 8; b++) if (bytes[i] & (1 << b)) out.push(i * 8 + b);
    return out;
  }
  if (isNumeric(arg)) {
    const k = numKind(arg);
    let mask: bigint;
    if (k === LONG) mask = integralToBigInt(arg);
    else {
      const d = toDouble(arg);
      if (!Number.isInteger(d)) throw badValue(`${op} bitmask must be an integer`);
      mask = BigInt(d);
    }
    if (mask < 0n) throw badValue(`${op} bitmask must be a non-negative number`);
    const out: number[] = [];
    for (let i = 0; mask > 0n; i++, mask >>= 1n) if (mask & 1n) out.push(i);
    return out;
  }
  throw badValue(`${op} takes an Array, a number, or a BinData but received: ${String(arg)}`);
}

function bitsPred(op: BitsOp, arg: unknown): ValuePredicate {
  const positions = bitPositions(arg, op);
  const wantSet = op === '$bitsAllSet' || op === '$bitsAnySet';
  const all = op === '$bitsAllSet' || op === '$bitsAllClear';
  return (e) => {
    let isSet: (pos: number) => boolean;
    if (typeof e === 'object' && e !== null && (e as BsonTagged)._bsontype === 'Binary') {
      const bytes = binaryBytes(e as Binary);
      isSet = (pos) => (pos >> 3) < bytes.length && (bytes[pos >> 3] & (1 << (pos & 7))) !== 0;
    } else {
      const k = numKind(e);
      if (k === -1 || k === DECIMAL) return false;
      let v: bigint;
      if (k === LONG) v = integralToBigInt(e);
      else {
        const d = toDouble(e);
        if (!Number.isInteger(d) || Math.abs(d) >= 2 ** 63) return false;
        v = BigInt(d);
      }
      const u = BigInt.asUintN(64, v);
      // Bits above 63 read as the sign bit (two's complement sign extension), as in MongoDB.
      isSet = (pos) => (pos >= 64 ? v < 0n : ((u >> BigInt(pos)) & 1n) === 1n);
    }
    return all ? positions.every((p) => isSet(p) === wantSet) : positions.some((p) => isSet(p) === wantSet);
  };
}

function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  if (isNumeric(v)) return toDouble(v) !== 0;
  return true;
}

// ---- operators --------------------------------------------------------------------------------

const LOGICAL_IN_ELEMMATCH = new Set(['$and', '$or', '$nor', '$where', '$expr', '$text', '$comment', '$jsonSchema', '$alwaysTrue', '$alwaysFalse']);
const GEO_OPERATORS = new Set(['$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$within', '$box', '$center', '$centerSphere', '$polygon', '$geometry', '$maxDistance', '$minDistance']);

/** An object whose first key is an operator (`{$gt: 1}`), as opposed to a literal subdocument. */
export function isOperatorDoc(v: unknown): v is Doc {
  if (!isPlainObject(v)) return false;
  for (const k in v) {
    // DBRef fields ($ref, $id, $db) make a literal, not an operator document.
    return k.startsWith('$') && k !== '$ref' && k !== '$id' && k !== '$db';
  }
  return false;
}

function sizeCond(arg: unknown): FieldCond {
  if (!isNumeric(arg)) throw badValue('$size needs a number');
  const n = toDouble(arg);
  if (!Number.isInteger(n)) throw badValue('$size must be a whole number');
  if (n < 0) throw badValue('$size may not be negative');
  const test = (v: unknown) => (Array.isArray(v) && v.length === n ? YES : NO);
  return { atPath: (p) => arrayAtPath(p, test), onValue: (v) => test(v) !== NO };
}

function elemMatchCond(arg: unknown): FieldCond {
  if (!isPlainObject(arg)) throw badValue('$elemMatch needs an Object');
  const first = Object.keys(arg)[0];
  let elementPred: ValuePredicate;
  if (first !== undefined && first.startsWith('$') && !LOGICAL_IN_ELEMMATCH.has(first)) {
    // Value form: every operator applies to the element itself.
    elementPred = compileValueCondition(arg);
  } else {
    // Document form: the element (a subdocument, or an array read as one) must match the query.
    const m = compileDocFilter(arg);
    elementPred = (el) => (isPlainObject(el) || Array.isArray(el)) && m(el);
  }
  const test = (v: unknown): number => {
    if (!Array.isArray(v)) return NO;
    for (let i = 0; i < v.length; i++) if (elementPred(v[i])) return i;
    return NO;
  };
  return { atPath: (p) => arrayAtPath(p, test), onValue: (v) => test(v) !== NO };
}

function allCond(arg: unknown): FieldCond {
  if (!Array.isArray(arg)) throw badValue('$all needs an array');
  if (arg.length === 0) return { atPath: () => NEVER, onValue: () => false };
  const isElemMatch = (x: unknown) => isPlainObject(x) && Object.keys(x)[0] === '$elemMatch';
  const conds: FieldCond[] = [];
  if (isElemMatch(arg[0])) {
    for (const x of arg) {
      if (!isElemMatch(x)) throw badValue('$all/$elemMatch has to be consistent');
      conds.push(elemMatchCond((x as Doc).$elemMatch));
    }
  } else {
    for (const x of arg) {
      if (isElemMatch(x)) throw badValue('$all/$elemMatch has to be consistent');
      if (isOperatorDoc(x)) throw badValue('no $ expressions in $all');
      conds.push(positive(isRegexValue(x) ? regexPred(toRegExp(x)) : equalityPred(x)));
    }
  }
  return {
    atPath: (p) => and(conds.map((c) => c.atPath(p))),
    // On a bare value (a $pull condition), each item must be the value or one of its elements.
    onValue: (v) => conds.every((c) => c.onValue(v) || (Array.isArray(v) && v.some((el) => c.onValue(el)))),
  };
}

function notCond(arg: unknown): FieldCond {
  if (isRegexValue(arg)) return negative(regexPred(toRegExp(arg)));
  if (!isPlainObject(arg)) throw badValue('$not needs a regex or a document');
  if (Object.keys(arg).length === 0) throw badValue('$not cannot be empty');
  if (!isOperatorDoc(arg)) throw badValue('$not cannot have a non-operator');
  const inner = compileOperators(arg);
  return {
    atPath: (p) => not(and(inner.map((c) => c.atPath(p)))),
    onValue: (v) => !inner.every((c) => c.onValue(v)),
  };
}

function regexOperand(v: unknown): [string, string] {
  if (typeof v === 'string') return [v, ''];
  if (isRegexValue(v)) return regexParts(v);
  if (typeof v === 'object' && v !== null && (v as BsonTagged)._bsontype === 'BSONSymbol') return [(v as BSONSymbol).value, ''];
  throw badValue('$regex has to be a string');
}

/** Compiles an operator document (`{$gt: 1, $lt: 5}`) into its conditions. */
function compileOperators(ops: Doc): FieldCond[] {
  const conds: FieldCond[] = [];
  let regex: unknown;
  let options: unknown;
  let hasRegex = false;
  let hasOptions = false;
  for (const op of Object.keys(ops)) {
    const arg = ops[op];
    switch (op) {
      case '$eq':
        conds.push(positive(equalityPred(arg)));
        break;
      case '$ne':
        if (isRegexValue(arg)) throw badValue("Can't have regex as arg to $ne.");
        conds.push(negative(equalityPred(arg)));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        conds.push(positive(comparisonPred(op, arg)));
        break;
      case '$in':
        conds.push(positive(inPred(arg, '$in')));
        break;
      case '$nin':
        conds.push(negative(inPred(arg, '$nin')));
        break;
      case '$exists': {
        const present: ValuePredicate = (v) => v !== undefined;
        conds.push(truthy(arg) ? positive(present) : negative(present));
        break;
      }
      case '$type':
        conds.push(positive(typePred(arg)));
        break;
      case '$regex':
        regex = arg;
        hasRegex = true;
        break;
      case '$options':
        if (typeof arg !== 'string') throw badValue('$options has to be a string');
        options = arg;
        hasOptions = true;
        break;
      case '$not':
        conds.push(notCond(arg));
        break;
      case '$elemMatch':
        conds.push(elemMatchCond(arg));
        break;
      case '$size':
        conds.push(sizeCond(arg));
        break;
      case '$all':
        conds.push(allCond(arg));
        break;
      case '$mod':
        conds.push(positive(modPred(arg)));
        break;
      case '$bitsAllSet':
      case '$bitsAllClear':
      case '$bitsAnySet':
      case '$bitsAnyClear':
        conds.push(positive(bitsPred(op, arg)));
        break;
      default:
        if (GEO_OPERATORS.has(op)) {
          throw badValue(`${op} is not supported by the embedded engine: geospatial queries are unavailable`);
        }
        throw badValue(`unknown operator: ${op}`);
    }
  }
  if (hasRegex) {
    const [pattern, flags] = regexOperand(regex);
    if (hasOptions && flags) throw badValue('options set in both $regex and $options');
    conds.push(positive(regexPred(buildRegex(pattern, hasOptions ? (options as string) : flags))));
  } else if (hasOptions) {
    throw badValue('$options needs a $regex');
  }
  return conds;
}

/**
 * A predicate applying an operator document to one value without array expansion (the value
 * form of `$elemMatch`, and operator conditions of `$pull`).
 */
export function compileValueCondition(ops: Doc): ValuePredicate {
  const conds = compileOperators(ops);
  if (conds.length === 1) return conds[0].onValue;
  return (v) => conds.every((c) => c.onValue(v));
}

function compileField(path: string, value: unknown): DocMatcher {
  const p = parsePath(path);
  if (isOperatorDoc(value)) return and(compileOperators(value).map((c) => c.atPath(p)));
  if (isRegexValue(value)) return anyAtPath(p, regexPred(toRegExp(value)));
  return anyAtPath(p, equalityPred(value));
}

function subFilters(op: string, v: unknown): Doc[] {
  if (!Array.isArray(v) || v.length === 0) throw badValue(`${op} must be a nonempty array`);
  return v.map((x) => {
    if (!isPlainObject(x)) throw badValue(`${op} argument's entries must be objects`);
    return x;
  });
}

function compileTopLevel(op: string, v: unknown): DocMatcher | null {
  switch (op) {
    case '$and':
      return and(subFilters(op, v).map(compileDocFilter));
    case '$or': {
      const ms = subFilters(op, v).map(compileDocFilter);
      // A single-clause $or is an $and (MongoDB normalises it away, keeping its positional info).
      if (ms.length === 1) return ms[0];
      return (doc) => {
        for (let i = 0; i < ms.length; i++) if (ms[i](doc, undefined)) return true;
        return false;
      };
    }
    case '$nor': {
      const ms = subFilters(op, v).map(compileDocFilter);
      return (doc) => {
        for (let i = 0; i < ms.length; i++) if (ms[i](doc, undefined)) return false;
        return true;
      };
    }
    case '$comment':
      return null;
    case '$expr': {
      const test = compileExprPredicate(v);
      return (doc) => test(doc);
    }
    case '$alwaysTrue':
    case '$alwaysFalse':
      if (!isNumeric(v) || toDouble(v) !== 1) throw badValue(`${op} must be an integer value of 1`);
      return op === '$alwaysTrue' ? ALWAYS : NEVER;
    case '$where':
      throw badValue('$where is not supported: server-side JavaScript is not available in the embedded engine');
    case '$text':
      throw new MongoCommandError('IndexNotFound', 'text index required for $text query');
    case '$jsonSchema':
      throw badValue('$jsonSchema is not supported by the embedded engine');
    case '$sampleRate': {
      const r = isNumeric(v) ? toDouble(v) : NaN;
      if (!(r >= 0 && r <= 1)) throw badValue('numeric argument to $sampleRate must be in [0, 1]');
      return () => Math.random() < r;
    }
    default:
      throw badValue(`unknown top level operator: ${op}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`);
  }
}

/** Compiles a filter document (no collation check). */
export function compileDocFilter(filter: Doc): DocMatcher {
  const ms: DocMatcher[] = [];
  for (const key of Object.keys(filter)) {
    const m = key.startsWith('$') ? compileTopLevel(key, filter[key]) : compileField(key, filter[key]);
    if (m) ms.push(m);
  }
  return and(ms);
}

/** Refuses any collation but the simple one (the engine has no locale-aware comparison). */
export function checkCollation(collation: Doc | undefined): void {
  if (collation === undefined || collation === null) return;
  const keys = Object.keys(collation);
  if (keys.length === 1 && collation.locale === 'simple') return;
  throw badValue('collation other than { locale: "simple" } is not supported by the embedded engine');
}

/**
 * Compiles a query filter into a predicate. An empty or absent filter matches everything. The
 * predicate accepts an optional MatchDetails that receives the matched array position.
 */
export function compileFilter(filter: Doc | undefined, options?: { collation?: Doc }): (doc: Doc, details?: MatchDetails) => boolean {
  checkCollation(options?.collation);
  if (filter === undefined || filter === null) return ALWAYS;
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  return compileDocFilter(filter);
}

const matcherCache = new WeakMap<object, DocMatcher>();

/** A compiled filter, cached per filter object (updates evaluate the same query per document). */
export function cachedMatcher(filter: Doc): DocMatcher {
  let m = matcherCache.get(filter);
  if (!m) {
    m = compileDocFilter(filter);
    matcherCache.set(filter, m);
  }
  return m;
}

/** The array position the filter's match on `doc` came from, or undefined (no match / no array). */
export function matchedArrayPosition(filter: Doc, doc: Doc): number | undefined {
  const d: MatchDetails = {};
  if (!cachedMatcher(filter)(doc, d)) return undefined;
  return d.elemMatchKey;
}

function isPlannableScalar(v: unknown): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v instanceof Date) return true;
  switch ((v as BsonTagged)._bsontype) {
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
    case 'ObjectId':
    case 'Binary':
      return true;
    default:
      return false;
  }
}

/**
 * Field -> value for the filter's top-level plain-equality conditions on scalars (also `{$eq: v}`
 * and those inside a top-level `$and`). Every document the filter matches holds that value at
 * that path (as an index key), so the planner may use these to pick candidates.
 */
export function equalityFieldsOf(filter: Doc | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const collect = (f: Doc): void => {
    for (const k of Object.keys(f)) {
      const v = f[k];
      if (k === '$and') {
        if (Array.isArray(v)) for (const sub of v) if (isPlainObject(sub)) collect(sub);
        continue;
      }
      if (k.startsWith('$')) continue;
      if (isPlannableScalar(v)) out.set(k, v);
      else if (isOperatorDoc(v) && Object.prototype.hasOwnProperty.call(v, '$eq') && isPlannableScalar(v.$eq)) out.set(k, v.$eq);
    }
  };
  if (filter && isPlainObject(filter)) collect(filter);
  return out;
}

/**
 * For the query planner: field → values for top-level `{ field: { $in: [scalars] } }` conditions
 * (also inside a top-level `$and`). Every matching document holds one of the values at that
 * path, so the union of the index entries for them is a superset of the matches. `$in` lists
 * with a regex, an array or a sub-document are left out (they match in other ways).
 */
export function inFieldsOf(filter: Doc | undefined): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const collect = (f: Doc): void => {
    for (const k of Object.keys(f)) {
      const v = f[k];
      if (k === '$and') {
        if (Array.isArray(v)) for (const sub of v) if (isPlainObject(sub)) collect(sub);
        continue;
      }
      if (k.startsWith('$') || !isOperatorDoc(v) || !Array.isArray(v.$in)) continue;
      if (v.$in.every((x: unknown) => isPlannableScalar(x))) out.set(k, v.$in as unknown[]);
    }
  };
  if (filter && isPlainObject(filter)) collect(filter);
  return out;
}
