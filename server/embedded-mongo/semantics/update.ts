/**
 * Update documents (operator and replacement style) and upsert seeds, with MongoDB 5+ semantics:
 * operators apply in field-path order (so new fields appear in lexicographic order), numeric
 * results follow MongoDB's type promotion, positional `$`, `$[]` and `$[id]` (arrayFilters) are
 * resolved per document, and errors carry MongoDB's codes and messages.
 *
 * Documents are never mutated: a changed path is copied from the root down, untouched subtrees
 * are shared, and an update that changes nothing returns the very same document object.
 */
import { Int32, Long, Timestamp } from 'bson';
import { badValue, MongoCommandError } from '../errors';
import type { Doc } from '../types';
import {
  bsonTypeName,
  compareStrings,
  compareValues,
  identical,
  indexKeyOf,
  isPlainObject,
  ownField,
  renderValue,
} from './bson-values';
import { compileDocFilter, compileValueCondition, type DocMatcher, equalityPred, isOperatorDoc, matchedArrayPosition, regexPred, buildRegex, type ValuePredicate } from './filter';
import { addNumbers, integralToBigInt, isNumeric, LONG, INT, mulNumbers, numKind, toDouble, zeroLike } from './numeric';
import { isIndexComponent } from './paths';
import { compileSort, sortDirection } from './sort';

/** Leaf result meaning "remove this field" (an array slot becomes null instead). */
const DELETE: unique symbol = Symbol('delete');

interface LeafCtx {
  /** The last path component (MongoDB names it in error messages). */
  field: string;
  /** The concrete dotted path of this leaf. */
  path: string;
}

/** Computes a leaf's new value from the old one (undefined = missing). Returns `old` for no change. */
type Leaf = (old: unknown, ctx: LeafCtx) => unknown;

interface Env {
  arrayFilters: Map<string, DocMatcher>;
}

const KNOWN_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$setOnInsert',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
]);

const ARRAY_FILTER_ID = /^[a-z][a-zA-Z0-9]*$/;
const POSITIONAL_RE = /^\$\[([^\]]*)\]$/;

function refusePipelineUpdate(): never {
  throw new MongoCommandError(
    'CommandNotSupported',
    'pipeline-style updates (an aggregation pipeline as the update) are not supported by the embedded engine; use update operators such as $set',
  );
}

function setOwn(obj: Doc, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function copyWithout(obj: Doc, key: string): Doc {
  const out: Doc = {};
  for (const k of Object.keys(obj)) if (k !== key) setOwn(out, k, obj[k]);
  return out;
}

function copyWith(obj: Doc, key: string, value: unknown): Doc {
  const out: Doc = {};
  for (const k of Object.keys(obj)) setOwn(out, k, obj[k]);
  setOwn(out, key, value);
  return out;
}

function notViable(field: string, parentField: string, parent: unknown): MongoCommandError {
  return new MongoCommandError('PathNotViable', `Cannot create field '${field}' in element {${parentField}: ${renderValue(parent)}}`);
}

/**
 * Rewrites the value at `parts` (already resolved except for `$[]` / `$[id]`) with `leaf`,
 * copying containers on the way. `create` says whether missing parents may be created.
 * Returns the new value of `cur`, `cur` itself when nothing changed, undefined when a missing
 * value stays missing, or DELETE.
 */
function descend(cur: unknown, parts: string[], i: number, parentField: string, concrete: string, env: Env, leaf: Leaf, create: boolean): unknown {
  if (i === parts.length) return leaf(cur, { field: parentField, path: concrete });
  const p = parts[i];
  const here = (name: string) => (concrete ? `${concrete}.${name}` : name);
  const positional = POSITIONAL_RE.exec(p);
  if (positional) {
    const id = positional[1];
    if (cur === undefined) throw badValue(`The path '${concrete}' must exist in the document in order to apply array updates.`);
    if (!Array.isArray(cur)) throw badValue(`Cannot apply array updates to non-array element ${parentField}: ${renderValue(cur)}`);
    const filter = id === '' ? null : env.arrayFilters.get(id)!;
    let out: unknown[] | null = null;
    for (let j = 0; j < cur.length; j++) {
      const el = cur[j];
      if (filter && !filter({ [id]: el })) continue;
      const nv = descend(el, parts, i + 1, String(j), here(String(j)), env, leaf, create);
      if (nv === el || nv === undefined) continue;
      if (!out) out = cur.slice();
      out[j] = nv === DELETE ? null : nv;
    }
    return out ?? cur;
  }
  if (Array.isArray(cur)) {
    if (!isIndexComponent(p)) {
      if (!create) return cur;
      throw notViable(p, parentField, cur);
    }
    const idx = Number(p);
    const el = idx < cur.length ? cur[idx] : undefined;
    const nv = descend(el, parts, i + 1, p, here(p), env, leaf, create);
    if (nv === el || nv === undefined) return cur;
    if (nv === DELETE) {
      if (idx >= cur.length || cur[idx] === null) return cur;
      const out = cur.slice();
      out[idx] = null; // $unset of an array element leaves a null in its place, as in MongoDB
      return out;
    }
    const out = cur.slice();
    while (out.length < idx) out.push(null); // MongoDB pads with nulls up to the new index
    out[idx] = nv;
    return out;
  }
  if (isPlainObject(cur)) {
    const has = Object.prototype.hasOwnProperty.call(cur, p);
    const el = has ? cur[p] : undefined;
    const nv = descend(el, parts, i + 1, p, here(p), env, leaf, create);
    if (nv === undefined || (nv === el && has)) return cur;
    if (nv === DELETE) return has ? copyWithout(cur, p) : cur;
    return copyWith(cur, p, nv);
  }
  if (cur === undefined) {
    if (!create) return undefined;
    const nv = descend(undefined, parts, i + 1, p, here(p), env, leaf, create);
    if (nv === undefined || nv === DELETE) return undefined;
    const out: Doc = {};
    setOwn(out, p, nv);
    return out;
  }
  if (!create) return cur;
  throw notViable(p, parentField, cur);
}

function updatePath(doc: Doc, parts: string[], env: Env, leaf: Leaf, create: boolean): Doc {
  const r = descend(doc, parts, 0, '', '', env, leaf, create);
  return r === undefined || r === DELETE ? doc : (r as Doc);
}

// ---- validation -------------------------------------------------------------------------------

/** Refuses `$`-prefixed field names inside a value that is about to be stored. */
function checkStorable(v: unknown, path: string, context: 'update' | 'replacement'): void {
  if (Array.isArray(v)) {
    v.forEach((el, i) => checkStorable(el, `${path}.${i}`, context));
    return;
  }
  if (!isPlainObject(v)) return;
  const keys = Object.keys(v);
  const isDbRef = keys[0] === '$ref';
  for (const k of keys) {
    const sub = path ? `${path}.${k}` : k;
    if (k.startsWith('$') && !(isDbRef && (k === '$ref' || k === '$id' || k === '$db'))) {
      throw new MongoCommandError(
        'DollarPrefixedFieldName',
        context === 'replacement'
          ? `The dollar ($) prefixed field '${k}' in '${sub}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`
          : `The dollar ($) prefixed field '${k}' in '${sub}' is not valid for storage.`,
      );
    }
    checkStorable(v[k], sub, context);
  }
}

function validateUpdatePath(path: string): string[] {
  if (path === '') throw new MongoCommandError('EmptyFieldName', 'An empty update path is not valid.');
  const parts = path.split('.');
  let dollars = 0;
  for (const p of parts) {
    if (p === '') throw new MongoCommandError('EmptyFieldName', `The update path '${path}' contains an empty field name, which is not allowed.`);
    if (p === '$') dollars++;
    else if (p.startsWith('$') && !POSITIONAL_RE.test(p)) {
      throw new MongoCommandError('DollarPrefixedFieldName', `The dollar ($) prefixed field '${p}' in '${path}' is not valid for storage.`);
    }
  }
  if (dollars > 1) throw badValue(`Too many positional (i.e. '$') elements found in path '${path}'`);
  return parts;
}

function wholeArg(v: unknown, what: string): number {
  const n = isNumeric(v) ? toDouble(v) : NaN;
  if (!Number.isInteger(n)) throw badValue(`The value for ${what} must be an integer value but was given type: ${bsonTypeName(v)}`);
  return n;
}

// ---- operators ----------------------------------------------------------------------------------

interface Entry {
  op: string;
  path: string;
  parts: string[];
  arg: unknown;
  /** $rename only: the destination. */
  to?: { path: string; parts: string[] };
}

function idOf(doc: Doc): string {
  return `{_id: ${renderValue(doc._id)}}`;
}

function arrayValueOrEmpty(old: unknown, ctx: LeafCtx, doc: Doc, op: string): unknown[] {
  if (old === undefined) return [];
  if (!Array.isArray(old)) {
    if (op === '$addToSet') {
      throw badValue(`Cannot apply $addToSet to non-array field. Field named '${ctx.field}' has non-array type ${bsonTypeName(old)}`);
    }
    throw badValue(`The field '${ctx.field}' must be an array but is of type ${bsonTypeName(old)} in document ${idOf(doc)}`);
  }
  return old;
}

function pushLeaf(arg: unknown, doc: Doc): Leaf {
  let each: unknown[] = [arg];
  let slice: number | null = null;
  let position: number | null = null;
  let sorter: ((a: unknown, b: unknown) => number) | null = null;
  if (isPlainObject(arg) && Object.prototype.hasOwnProperty.call(arg, '$each')) {
    for (const k of Object.keys(arg)) {
      if (!['$each', '$slice', '$sort', '$position'].includes(k)) throw badValue(`Unrecognized clause in $push: ${k}`);
    }
    if (!Array.isArray(arg.$each)) throw badValue(`The argument to $each in $push must be an array but it was of type: ${bsonTypeName(arg.$each)}`);
    each = arg.$each;
    if (arg.$slice !== undefined) slice = wholeArg(arg.$slice, '$slice');
    if (arg.$position !== undefined) position = wholeArg(arg.$position, '$position');
    if (arg.$sort !== undefined) {
      const s = arg.$sort;
      if (isPlainObject(s)) {
        if (Object.keys(s).length === 0) throw badValue('The $sort pattern is empty when it should be a set of fields.');
        const cmp = compileSort(s);
        sorter = (a, b) => cmp(a as Doc, b as Doc);
      } else {
        const dir = (() => {
          try {
            return sortDirection(s, '$sort');
          } catch {
            throw badValue('The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
          }
        })();
        sorter = (a, b) => compareValues(a, b) * dir;
      }
    }
  }
  each.forEach((v, i) => checkStorable(v, String(i), 'update'));
  return (old, ctx) => {
    const base = arrayValueOrEmpty(old, ctx, doc, '$push');
    let out = base.slice();
    const at = position === null ? out.length : position < 0 ? Math.max(0, out.length + position) : Math.min(position, out.length);
    out.splice(at, 0, ...each);
    if (sorter) out.sort(sorter);
    if (slice !== null) out = slice >= 0 ? out.slice(0, slice) : out.slice(Math.max(0, out.length + slice));
    return old !== undefined && identical(old, out) ? old : out;
  };
}

function addToSetLeaf(arg: unknown, doc: Doc): Leaf {
  let each: unknown[] = [arg];
  if (isPlainObject(arg) && Object.keys(arg)[0] === '$each') {
    if (Object.keys(arg).length > 1) throw badValue(`Found unexpected fields after $each in $addToSet: ${renderValue(arg)}`);
    if (!Array.isArray(arg.$each)) throw badValue(`The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(arg.$each)}`);
    each = arg.$each;
  }
  each.forEach((v, i) => checkStorable(v, String(i), 'update'));
  return (old, ctx) => {
    const base = arrayValueOrEmpty(old, ctx, doc, '$addToSet');
    const keys = new Set(base.map(indexKeyOf));
    const added: unknown[] = [];
    for (const v of each) {
      const k = indexKeyOf(v);
      if (keys.has(k)) continue;
      keys.add(k);
      added.push(v);
    }
    if (added.length === 0 && old !== undefined) return old;
    return [...base, ...added];
  };
}

function pullPredicate(arg: unknown): ValuePredicate {
  if (arg instanceof RegExp) return regexPred(buildRegex(arg.source, arg.flags));
  if (isRegexLike(arg)) {
    const r = arg as { pattern: string; options: string };
    return regexPred(buildRegex(r.pattern, r.options));
  }
  if (isOperatorDoc(arg)) return compileValueCondition(arg);
  if (isPlainObject(arg)) {
    // A document condition is a query on the array's subdocuments, not an exact-match value.
    const m = compileDocFilter(arg);
    return (el) => isPlainObject(el) && m(el);
  }
  return equalityPred(arg);
}

function pullLeaf(pred: ValuePredicate): Leaf {
  return (old) => {
    if (old === undefined) return undefined;
    if (!Array.isArray(old)) throw badValue('Cannot apply $pull to a non-array value');
    const out = old.filter((el) => !pred(el));
    return out.length === old.length ? old : out;
  };
}

function bitLeaf(arg: unknown, doc: Doc): Leaf {
  if (!isPlainObject(arg)) {
    throw badValue(`The $bit modifier is not compatible with a ${bsonTypeName(arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`);
  }
  const ops = Object.keys(arg);
  if (ops.length === 0) throw badValue('You must pass in at least one bitwise operation. The format is: {$bit: {field: {and/or/xor: #}}');
  const steps = ops.map((op) => {
    if (op !== 'and' && op !== 'or' && op !== 'xor') {
      throw badValue(`The $bit modifier only supports 'and', 'or', and 'xor', not '${op}' which is an unknown operator: {${op}: ${renderValue(arg[op])}}`);
    }
    const v = arg[op];
    const k = numKind(v);
    if (k !== INT && k !== LONG) {
      throw badValue(`The $bit modifier field must be an Integer(32/64 bit); a '${bsonTypeName(v)}' is not supported here: {${op}: ${renderValue(v)}}`);
    }
    return { op, v: integralToBigInt(v), long: k === LONG };
  });
  return (old, ctx) => {
    let long = false;
    let x = 0n;
    if (old !== undefined) {
      const k = numKind(old);
      if (k !== INT && k !== LONG) {
        throw badValue(`Cannot apply $bit to a value of non-integral type.${idOf(doc)} has the field ${ctx.field} of non-integer type ${bsonTypeName(old)}`);
      }
      long = k === LONG;
      x = integralToBigInt(old);
    }
    for (const s of steps) {
      long = long || s.long;
      x = s.op === 'and' ? x & s.v : s.op === 'or' ? x | s.v : x ^ s.v;
    }
    const r = long ? Long.fromBigInt(BigInt.asIntN(64, x)) : new Int32(Number(BigInt.asIntN(32, x)));
    return old !== undefined && identical(old, r) ? old : r;
  };
}

let timestampCounter = 0;

function currentDateLeaf(arg: unknown): Leaf {
  let asTimestamp = false;
  if (isPlainObject(arg)) {
    const t = arg.$type;
    if (Object.keys(arg).length !== 1 || (t !== 'date' && t !== 'timestamp')) {
      throw badValue("The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}");
    }
    asTimestamp = t === 'timestamp';
  } else if (typeof arg !== 'boolean') {
    throw badValue(`${bsonTypeName(arg)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`);
  }
  return () => {
    if (!asTimestamp) return new Date();
    timestampCounter = (timestampCounter + 1) % 0x7fffffff;
    return new Timestamp({ t: Math.floor(Date.now() / 1000), i: timestampCounter });
  };
}

function leafFor(e: Entry, doc: Doc): { leaf: Leaf; create: boolean } {
  const { op, arg, path } = e;
  switch (op) {
    case '$set':
    case '$setOnInsert':
      checkStorable(arg, path, 'update');
      return { leaf: (old) => (old !== undefined && identical(old, arg) ? old : arg), create: true };
    case '$unset':
      return { leaf: (old) => (old === undefined ? undefined : DELETE), create: false };
    case '$inc':
    case '$mul': {
      const verb = op === '$inc' ? 'increment' : 'multiply';
      if (!isNumeric(arg)) throw new MongoCommandError('TypeMismatch', `Cannot ${verb} with non-numeric argument: {${path}: ${renderValue(arg)}}`);
      return {
        leaf: (old, ctx) => {
          if (old === undefined) return op === '$inc' ? arg : zeroLike(arg);
          if (!isNumeric(old)) {
            throw new MongoCommandError(
              'TypeMismatch',
              `Cannot apply ${op} to a value of non-numeric type. ${idOf(doc)} has the field '${ctx.field}' of non-numeric type ${bsonTypeName(old)}`,
            );
          }
          const r = op === '$inc' ? addNumbers(old, arg) : mulNumbers(old, arg);
          return identical(old, r) ? old : r;
        },
        create: true,
      };
    }
    case '$min':
    case '$max':
      checkStorable(arg, path, 'update');
      return {
        leaf: (old) => {
          if (old === undefined) return arg;
          const c = compareValues(arg, old);
          return (op === '$min' ? c < 0 : c > 0) ? arg : old;
        },
        create: true,
      };
    case '$currentDate':
      return { leaf: currentDateLeaf(arg), create: true };
    case '$push':
      return { leaf: pushLeaf(arg, doc), create: true };
    case '$addToSet':
      return { leaf: addToSetLeaf(arg, doc), create: true };
    case '$pop': {
      const n = isNumeric(arg) ? toDouble(arg) : NaN;
      if (n !== 1 && n !== -1) throw badValue(`$pop expects 1 or -1, found: ${renderValue(arg)}`);
      return {
        leaf: (old, ctx) => {
          if (old === undefined) return undefined;
          if (!Array.isArray(old)) throw badValue(`Path '${ctx.path}' contains an element of non-array type '${bsonTypeName(old)}'`);
          if (old.length === 0) return old;
          return n === 1 ? old.slice(0, -1) : old.slice(1);
        },
        create: false,
      };
    }
    case '$pull':
      return { leaf: pullLeaf(pullPredicate(arg)), create: false };
    case '$pullAll': {
      if (!Array.isArray(arg)) throw badValue(`$pullAll requires an array argument but was given a ${bsonTypeName(arg)}`);
      const keys = new Set(arg.map(indexKeyOf));
      return { leaf: pullLeaf((el) => keys.has(indexKeyOf(el))), create: false };
    }
    case '$bit':
      return { leaf: bitLeaf(arg, doc), create: true };
    default:
      throw new Error(`internal: no leaf for ${op}`);
  }
}

/** Follows plain subdocuments; reports the first array met before the end of the path. */
function probeRename(doc: Doc, parts: string[]): { value: unknown; arrayAt: string | null } {
  let cur: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(cur)) return { value: undefined, arrayAt: parts[i - 1] ?? '' };
    if (!isPlainObject(cur)) return { value: undefined, arrayAt: null };
    cur = ownField(cur, parts[i]);
  }
  return { value: cur, arrayAt: null };
}

function applyRename(doc: Doc, e: Entry, env: Env): Doc {
  const to = e.to!;
  const src = probeRename(doc, e.parts);
  if (src.arrayAt !== null) {
    throw badValue(`The source field cannot be an array element, '${e.path}' in doc with ${idOf(doc)} has an array field called '${src.arrayAt}'`);
  }
  if (src.value === undefined) return doc;
  const dst = probeRename(doc, to.parts);
  if (dst.arrayAt !== null) {
    throw badValue(`The destination field cannot be an array element, '${to.path}' in doc with ${idOf(doc)} has an array field called '${dst.arrayAt}'`);
  }
  const value = src.value;
  const removed = updatePath(doc, e.parts, env, () => DELETE, false);
  return updatePath(removed, to.parts, env, () => value, true);
}

function comparePathParts(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    const na = isIndexComponent(a[i]);
    const nb = isIndexComponent(b[i]);
    if (na && nb) return Number(a[i]) - Number(b[i]);
    return compareStrings(a[i], b[i]);
  }
  return a.length - b.length;
}

/** Parses and validates an operator update: known operators, valid paths, no conflicting paths. */
function parseOperatorUpdate(u: Doc): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const prefixes = new Set<string>();
  const register = (path: string, parts: string[]): void => {
    if (seen.has(path) || prefixes.has(path)) {
      throw new MongoCommandError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${path}'`);
    }
    for (let i = 1; i < parts.length; i++) {
      const pre = parts.slice(0, i).join('.');
      if (seen.has(pre)) throw new MongoCommandError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${pre}'`);
    }
    seen.add(path);
    for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
  };
  for (const op of Object.keys(u)) {
    if (!KNOWN_OPERATORS.has(op)) {
      throw new MongoCommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    const spec = u[op];
    if (!isPlainObject(spec)) {
      throw new MongoCommandError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${bsonTypeName(spec)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${renderValue(spec)}}`,
      );
    }
    for (const path of Object.keys(spec)) {
      const parts = validateUpdatePath(path);
      const arg = spec[path];
      if (op === '$rename') {
        if (typeof arg !== 'string') throw badValue(`The 'to' field for $rename must be a string: ${path}: ${renderValue(arg)}`);
        if (parts.some((p) => p.startsWith('$'))) throw badValue(`The source field for $rename may not be dynamic: ${path}`);
        const toParts = validateUpdatePath(arg);
        if (toParts.some((p) => p.startsWith('$'))) throw badValue(`The destination field for $rename may not be dynamic: ${arg}`);
        if (arg === path) throw badValue(`The source and target field for $rename must differ: ${path}: "${arg}"`);
        if (arg.startsWith(`${path}.`) || path.startsWith(`${arg}.`)) {
          throw badValue(`The source and target field for $rename must not be on the same path: ${path}: "${arg}"`);
        }
        register(path, parts);
        register(arg, toParts);
        entries.push({ op, path, parts, arg, to: { path: arg, parts: toParts } });
        continue;
      }
      register(path, parts);
      entries.push({ op, path, parts, arg });
    }
  }
  return entries;
}

const arrayFilterCache = new WeakMap<object, Map<string, DocMatcher>>();

function arrayFilterIds(f: Doc, ids: Set<string>): void {
  for (const k of Object.keys(f)) {
    if (k === '$and' || k === '$or' || k === '$nor') {
      const subs = f[k];
      if (Array.isArray(subs)) for (const s of subs) if (isPlainObject(s)) arrayFilterIds(s, ids);
    } else if (!k.startsWith('$')) ids.add(k.split('.')[0]);
  }
}

function compileArrayFilters(filters: Doc[] | undefined): Map<string, DocMatcher> {
  if (!filters) return new Map();
  const hit = arrayFilterCache.get(filters);
  if (hit) return hit;
  if (!Array.isArray(filters)) throw new MongoCommandError('TypeMismatch', 'arrayFilters must be an array');
  const out = new Map<string, DocMatcher>();
  for (const f of filters) {
    if (!isPlainObject(f)) throw new MongoCommandError('TypeMismatch', 'Each array filter must be an object');
    const ids = new Set<string>();
    arrayFilterIds(f, ids);
    if (ids.size === 0) throw new MongoCommandError('FailedToParse', 'Cannot use an expression without a top-level field name in arrayFilters');
    if (ids.size > 1) {
      const [a, b] = [...ids];
      throw new MongoCommandError('FailedToParse', `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${a}' and '${b}'`);
    }
    const [id] = [...ids];
    if (!ARRAY_FILTER_ID.test(id)) {
      throw badValue(`Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${id}'`);
    }
    if (out.has(id)) throw new MongoCommandError('FailedToParse', `Found multiple array filters with the same top-level field name ${id}`);
    out.set(id, compileDocFilter(f));
  }
  arrayFilterCache.set(filters, out);
  return out;
}

function isReplacement(u: Doc): boolean {
  const keys = Object.keys(u);
  return keys.length === 0 || !keys[0].startsWith('$');
}

function replaceDocument(doc: Doc, repl: Doc): { doc: Doc; modified: boolean } {
  for (const k of Object.keys(repl)) {
    if (k.startsWith('$')) {
      throw new MongoCommandError(
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
  checkStorable(repl, '', 'replacement');
  const out: Doc = {};
  // _id stays first and keeps the old value unless the replacement names it (the engine then
  // refuses a changed _id as ImmutableField).
  if (Object.prototype.hasOwnProperty.call(repl, '_id')) out._id = repl._id;
  else if (Object.prototype.hasOwnProperty.call(doc, '_id')) out._id = doc._id;
  for (const k of Object.keys(repl)) if (k !== '_id') setOwn(out, k, repl[k]);
  const modified = !identical(doc, out);
  return { doc: modified ? out : doc, modified };
}

/**
 * Applies an update to a document and returns the new document (the same object when nothing
 * changed) and whether it was modified, type-sensitively. `u` is an operator document or a
 * replacement document; pipeline updates are refused. `query` resolves the positional `$`;
 * `arrayFilters` resolve `$[identifier]`; `$setOnInsert` applies only when `isInsert`.
 */
export function applyUpdate(
  doc: Doc,
  u: Doc | Doc[],
  options: { query?: Doc; arrayFilters?: Doc[]; isInsert: boolean },
): { doc: Doc; modified: boolean } {
  if (Array.isArray(u)) refusePipelineUpdate();
  if (!isPlainObject(u)) throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
  if (isReplacement(u)) return replaceDocument(doc, u);

  const entries = parseOperatorUpdate(u);
  const env: Env = { arrayFilters: compileArrayFilters(options.arrayFilters) };

  // Every $[id] needs a filter, and every filter must be used (MongoDB refuses both mistakes).
  const used = new Set<string>();
  for (const e of entries) {
    for (const p of e.parts) {
      const m = POSITIONAL_RE.exec(p);
      if (!m || m[1] === '') continue;
      if (!env.arrayFilters.has(m[1])) throw badValue(`No array filter found for identifier '${m[1]}' in path '${e.path}'`);
      used.add(m[1]);
    }
  }
  for (const id of env.arrayFilters.keys()) {
    if (!used.has(id)) {
      throw new MongoCommandError('FailedToParse', `The array filter for identifier '${id}' was not used in the update ${renderValue(u)}`);
    }
  }

  // Resolve the positional `$` from the query's match on this document.
  if (entries.some((e) => e.parts.includes('$'))) {
    const pos = options.query ? matchedArrayPosition(options.query, doc) : undefined;
    if (pos === undefined) throw badValue('The positional operator did not find the match needed from the query.');
    for (const e of entries) {
      const i = e.parts.indexOf('$');
      if (i >= 0) e.parts = e.parts.map((p, j) => (j === i ? String(pos) : p));
    }
  }

  // MongoDB (5.0+) applies updates in path order, so new fields appear in lexicographic order.
  entries.sort((a, b) => comparePathParts(a.to?.parts ?? a.parts, b.to?.parts ?? b.parts));

  let cur = doc;
  for (const e of entries) {
    if (e.op === '$setOnInsert' && !options.isInsert) continue;
    if (e.op === '$rename') {
      cur = applyRename(cur, e, env);
      continue;
    }
    const { leaf, create } = leafFor(e, doc);
    cur = updatePath(cur, e.parts, env, leaf, create);
  }
  return { doc: cur, modified: cur !== doc };
}

function isRegexLike(v: unknown): boolean {
  return v instanceof RegExp || (typeof v === 'object' && v !== null && (v as { _bsontype?: string })._bsontype === 'BSONRegExp');
}

/** The query's equality conditions an upsert copies into the new document, in query order. */
function upsertEqualities(q: Doc): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const visit = (f: Doc): void => {
    for (const k of Object.keys(f)) {
      const v = f[k];
      if (k === '$and' || (k === '$or' && Array.isArray(v) && v.length === 1)) {
        if (Array.isArray(v)) for (const sub of v) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (k.startsWith('$')) continue;
      if (isOperatorDoc(v)) {
        if (Object.prototype.hasOwnProperty.call(v, '$eq') && !isRegexLike(v.$eq)) out.push([k, v.$eq]);
        else if (Array.isArray(v.$in) && v.$in.length === 1 && !isRegexLike(v.$in[0]) && !isOperatorDoc(v.$in[0])) out.push([k, v.$in[0]]);
        continue;
      }
      if (isRegexLike(v)) continue;
      out.push([k, v]);
    }
  };
  visit(q);
  return out;
}

function seedFromQuery(q: Doc): Doc {
  const pairs = upsertEqualities(q);
  for (let i = 0; i < pairs.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a] = pairs[i];
      const [b] = pairs[j];
      if (a === b) throw new MongoCommandError('NotSingleValueField', `cannot infer query fields to set, path '${a}' is matched twice`);
      if (a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) {
        throw new MongoCommandError('NotSingleValueField', `cannot infer query fields to set, both paths '${a}' and '${b}' are matched`);
      }
    }
  }
  // _id first, as MongoDB stores it.
  pairs.sort((x, y) => Number(y[0] === '_id' || y[0].startsWith('_id.')) - Number(x[0] === '_id' || x[0].startsWith('_id.')));
  let seed: Doc = {};
  const env: Env = { arrayFilters: new Map() };
  for (const [path, value] of pairs) seed = updatePath(seed, path.split('.'), env, () => value, true);
  return seed;
}

function idFirst(doc: Doc): Doc {
  const keys = Object.keys(doc);
  if (!Object.prototype.hasOwnProperty.call(doc, '_id') || keys[0] === '_id') return doc;
  const out: Doc = { _id: doc._id };
  for (const k of keys) if (k !== '_id') setOwn(out, k, doc[k]);
  return out;
}

/**
 * The document an upsert inserts: the query's equality conditions (top level and inside a
 * top-level `$and`, `$eq`, single-value `$in`; dotted paths create subdocuments), then the
 * update applied as an insert (`$setOnInsert` included). For a replacement, the replacement plus
 * the query's `_id`.
 */
export function buildUpsertDocument(q: Doc, u: Doc | Doc[], arrayFilters?: Doc[]): Doc {
  if (Array.isArray(u)) refusePipelineUpdate();
  if (!isPlainObject(u)) throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
  const seed = seedFromQuery(q ?? {});
  if (isReplacement(u)) {
    const base: Doc = Object.prototype.hasOwnProperty.call(seed, '_id') ? { _id: seed._id } : {};
    const { doc } = replaceDocument(base, u);
    if (base._id !== undefined && Object.prototype.hasOwnProperty.call(u, '_id') && compareValues(u._id, base._id) !== 0) {
      throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    return idFirst(doc);
  }
  const { doc } = applyUpdate(seed, u, { arrayFilters, isInsert: true });
  if (Object.prototype.hasOwnProperty.call(seed, '_id') && (compareValues(doc._id, seed._id) !== 0 || indexKeyOf(doc._id) !== indexKeyOf(seed._id))) {
    throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return idFirst(doc);
}
