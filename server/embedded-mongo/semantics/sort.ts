/**
 * Sort specifications compiled into comparators with MongoDB's semantics: dotted paths, a missing
 * field sorts as null, an array sorts by its smallest element ascending and its largest element
 * descending, and an empty array sorts before null.
 */
import { MongoCommandError } from '../errors';
import type { Doc } from '../types';
import { compareValues, isPlainObject, ownField } from './bson-values';
import { isNumeric, toDouble } from './numeric';
import { collectPathValues, parsePath, type ParsedPath } from './paths';

/** Reads a sort direction (1 / -1 as Int32, Double, Long or number); refuses anything else. */
export function sortDirection(v: unknown, field: string): 1 | -1 {
  if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, '$meta')) {
    throw new MongoCommandError('BadValue', `$meta sort on '${field}' is not supported by the embedded engine (no text or search scores)`);
  }
  const n = isNumeric(v) ? toDouble(v) : NaN;
  if (n === 1) return 1;
  if (n === -1) return -1;
  throw new MongoCommandError('Location15974', '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
}

/** The sort key of one value at one path: min (ascending) or max (descending) of its entries. */
function sortKey(doc: unknown, p: ParsedPath, dir: 1 | -1): unknown {
  const vals: unknown[] = [];
  collectPathValues(doc, p, vals, true);
  if (vals.length === 0) return null;
  let best = vals[0];
  for (let i = 1; i < vals.length; i++) {
    const c = compareValues(vals[i], best);
    if (dir === 1 ? c < 0 : c > 0) best = vals[i];
  }
  return best;
}

interface SortField {
  p: ParsedPath;
  dir: 1 | -1;
  /** Keys of documents whose path goes through an array (computed once: documents are immutable). */
  slow: WeakMap<object, unknown>;
}

/**
 * The sort key of a document for one field. Paths through plain subdocuments only (the common
 * case) are read directly without allocating; paths meeting an array take the general route.
 */
function keyFor(d: unknown, f: SortField): unknown {
  let cur: unknown = d;
  const parts = f.p.parts;
  for (let i = 0; i < parts.length; i++) {
    if (isPlainObject(cur)) cur = ownField(cur, parts[i]);
    else if (Array.isArray(cur)) break;
    else return null;
  }
  if (!Array.isArray(cur) && !Array.isArray(d)) return cur === undefined ? null : cur;
  if (typeof d !== 'object' || d === null) return sortKey(d, f.p, f.dir);
  if (f.slow.has(d)) return f.slow.get(d);
  const k = sortKey(d, f.p, f.dir);
  f.slow.set(d, k);
  return k;
}

/**
 * Compiles a sort spec into a comparator over documents (any value is accepted: non-documents
 * sort as if every field were missing, which `$push` with `$sort` relies on).
 */
export function compileSort(sort: Doc): (a: Doc, b: Doc) => number {
  const fields: SortField[] = Object.keys(sort).map((f) => ({ p: parsePath(f), dir: sortDirection(sort[f], f), slow: new WeakMap() }));
  if (fields.length === 0) return () => 0;
  return (a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const c = compareValues(keyFor(a, f), keyFor(b, f));
      if (c !== 0) return c * f.dir;
    }
    return 0;
  };
}
