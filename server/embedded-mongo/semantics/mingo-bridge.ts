/**
 * The bridge to mingo, used for aggregation stages and expressions only (filters, sorts,
 * projections and updates are our own code: mingo compares Long/Decimal128 as strings, sorts
 * ObjectIds after every type, and so on).
 *
 * mingo works on plain JS values, so values cross the bridge converted: Int32/Double become JS
 * numbers, Long and Decimal128 too (precision is lost beyond 2^53 for Long and beyond a double's
 * 15-17 digits for Decimal128), BSONRegExp becomes RegExp, BSONSymbol a string. ObjectId, Date
 * and Binary stay as they are: mingo compares objects with a custom toString() by that string,
 * which for ObjectId (hex) is exact; its `$group` keys and `$lookup` joins work on them.
 * Containers are copied, because mingo's stages may mutate their input in place.
 */
import { Aggregator, Query } from 'mingo';
import { MongoCommandError } from '../errors';
import type { Doc } from '../types';
import { isPlainObject } from './bson-values';
import { toDouble } from './numeric';

interface BsonTagged {
  _bsontype?: string;
}

/** A deep copy of a value in the form mingo understands (see the module comment). */
export function toMingoValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? Number(v) : v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = toMingoValue(v[i]);
    return out;
  }
  const t = (v as BsonTagged)._bsontype;
  if (t !== undefined) {
    switch (t) {
      case 'Int32':
      case 'Double':
      case 'Long':
      case 'Decimal128':
        return toDouble(v);
      case 'BSONRegExp': {
        const r = v as { pattern: string; options: string };
        return new RegExp(r.pattern, r.options.replace(/[^ims]/g, ''));
      }
      case 'BSONSymbol':
        return (v as { value: string }).value;
      default:
        return v;
    }
  }
  if (!isPlainObject(v)) return v;
  const out: Doc = {};
  for (const k of Object.keys(v)) out[k] = toMingoValue(v[k]);
  return out;
}

/** A document converted for mingo. */
export function toMingoDoc(d: Doc): Doc {
  return toMingoValue(d) as Doc;
}

/** Runs a mingo call, turning its plain errors into command errors the client can read. */
export function viaMingo<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MongoCommandError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new MongoCommandError('BadValue', msg);
  }
}

/** Options every mingo call gets: no server-side JavaScript ($function, $accumulator, $where). */
export const MINGO_BASE_OPTIONS = { scriptEnabled: false } as const;

/** Compiles a `$expr` query operand into a document predicate. */
export function compileExprPredicate(expr: unknown): (doc: unknown) => boolean {
  const q = viaMingo(() => new Query({ $expr: toMingoValue(expr) }, MINGO_BASE_OPTIONS));
  return (doc) => viaMingo(() => q.test(toMingoValue(doc) as Doc));
}

/**
 * Evaluates an aggregation expression against a document (projection expressions). Returns
 * undefined when the expression yields a missing value.
 */
export function evaluateExpression(expr: unknown, doc: Doc): unknown {
  const out = viaMingo(() =>
    new Aggregator([{ $project: { _id: 0, v: toMingoValue(expr) } }], MINGO_BASE_OPTIONS).run([toMingoDoc(doc)]),
  );
  const first = out[0] as Doc | undefined;
  return first && Object.prototype.hasOwnProperty.call(first, 'v') ? first.v : undefined;
}
