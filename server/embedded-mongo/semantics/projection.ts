/**
 * find/findAndModify projections with MongoDB 4.4+ semantics: inclusion or exclusion (never
 * both, `_id` aside), `_id` included unless excluded, dotted paths and nested specs applied
 * through arrays of subdocuments, `$slice`, `$elemMatch`, positional `field.$`, and aggregation
 * expressions in inclusion projections (evaluated through mingo).
 */
import { badValue, MongoCommandError } from '../errors';
import type { Doc } from '../types';
import { isPlainObject } from './bson-values';
import { compileDocFilter, type DocMatcher, isOperatorDoc, matchedArrayPosition } from './filter';
import { evaluateExpression } from './mingo-bridge';
import { isNumeric, toDouble } from './numeric';
import { getPlainPath } from './paths';

type Node =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'slice'; skip: number | null; limit: number }
  | { kind: 'elemMatch'; match: DocMatcher }
  | { kind: 'positional'; arrayPath: string }
  | { kind: 'expr'; expr: unknown; literal: boolean }
  | { kind: 'tree'; children: Map<string, Node> };

interface Plan {
  inclusion: boolean;
  root: Map<string, Node>;
  positionalPath: string | null;
}

const planCache = new WeakMap<object, Plan>();

function isExpressionValue(v: unknown): boolean {
  return (typeof v === 'string' && v.startsWith('$')) || isOperatorDoc(v);
}

function parseSlice(arg: unknown): Node {
  const whole = (x: unknown, what: string): number => {
    const n = isNumeric(x) ? toDouble(x) : NaN;
    if (!Number.isInteger(n)) throw badValue(`$slice ${what} must be an integer`);
    return n;
  };
  if (Array.isArray(arg)) {
    if (arg.length !== 2) throw badValue('$slice array argument must be of the form [skip, limit]');
    const limit = whole(arg[1], 'limit');
    if (limit <= 0) throw badValue('$slice limit must be positive');
    return { kind: 'slice', skip: whole(arg[0], 'skip'), limit };
  }
  return { kind: 'slice', skip: null, limit: whole(arg, 'argument') };
}

function buildPlan(spec: Doc): Plan {
  const root = new Map<string, Node>();
  let mode: 'inclusion' | 'exclusion' | null = null;
  let positionalPath: string | null = null;

  const noteMode = (m: 'inclusion' | 'exclusion', path: string): void => {
    if (path === '_id') return;
    if (mode === null) mode = m;
    else if (mode !== m) {
      if (m === 'exclusion') throw new MongoCommandError('Location31254', `Cannot do exclusion on field ${path} in inclusion projection`);
      throw new MongoCommandError('Location31253', `Cannot do inclusion on field ${path} in exclusion projection`);
    }
  };

  const insert = (path: string, node: Node): void => {
    const parts = path.split('.');
    if (parts.some((p) => p === '')) throw badValue(`FieldPath field names may not be empty strings: '${path}'`);
    if (parts[0].startsWith('$')) throw badValue(`FieldPath field names may not start with '$': '${path}'`);
    let level = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const existing = level.get(parts[i]);
      if (existing && existing.kind !== 'tree') {
        throw new MongoCommandError('Location31250', `Path collision at ${path} remaining portion ${parts.slice(i + 1).join('.')}`);
      }
      if (!existing) {
        const t: Node = { kind: 'tree', children: new Map() };
        level.set(parts[i], t);
        level = t.children;
      } else level = existing.children;
    }
    const last = parts[parts.length - 1];
    if (level.has(last)) throw new MongoCommandError('Location31250', `Path collision at ${path}`);
    level.set(last, node);
  };

  const visit = (prefix: string, obj: Doc): void => {
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      let path = prefix ? `${prefix}.${key}` : key;
      if (path.endsWith('.$')) {
        if (positionalPath !== null) throw badValue('Cannot specify more than one positional projection per query.');
        path = path.slice(0, -2);
        if (path.includes('$')) throw badValue(`Positional projection '${path}.$' contains '$' before the end`);
        noteMode('inclusion', path);
        positionalPath = path;
        insert(path, { kind: 'positional', arrayPath: path });
        continue;
      }
      if (path.split('.').some((p) => p.startsWith('$'))) throw badValue(`FieldPath field names may not start with '$': '${path}'`);
      if (typeof value === 'boolean' || isNumeric(value)) {
        const on = typeof value === 'boolean' ? value : toDouble(value) !== 0;
        noteMode(on ? 'inclusion' : 'exclusion', path);
        insert(path, { kind: on ? 'include' : 'exclude' });
      } else if (isPlainObject(value)) {
        const keys = Object.keys(value);
        if (keys.length === 0) throw badValue(`An empty sub-projection is not a valid value. Found empty object at path ${path}`);
        const first = keys[0];
        if (first === '$slice') {
          insert(path, parseSlice(value.$slice));
        } else if (first === '$elemMatch') {
          if (path.includes('.')) throw badValue('Cannot use $elemMatch projection on a nested field.');
          if (!isPlainObject(value.$elemMatch)) throw badValue('elemMatch: Invalid argument, object required.');
          noteMode('inclusion', path);
          insert(path, { kind: 'elemMatch', match: compileDocFilter({ [path]: { $elemMatch: value.$elemMatch } }) });
        } else if (first === '$meta') {
          throw badValue(`$meta projection of '${path}' is not supported by the embedded engine (no text or search scores)`);
        } else if (first.startsWith('$')) {
          noteMode('inclusion', path);
          insert(path, { kind: 'expr', expr: value, literal: false });
        } else {
          visit(path, value);
        }
      } else {
        // Any other value is an expression (a "$field" path) or a literal to set, as in 4.4+.
        noteMode('inclusion', path);
        insert(path, { kind: 'expr', expr: value, literal: !isExpressionValue(value) });
      }
    }
  };
  visit('', spec);

  const inclusion = mode === 'inclusion' || (mode === null && root.get('_id')?.kind === 'include');
  if (!root.has('_id') && inclusion) root.set('_id', { kind: 'include' });
  return { inclusion, root, positionalPath };
}

function sliceValue(v: unknown, node: { skip: number | null; limit: number }): unknown {
  if (!Array.isArray(v)) return v;
  if (node.skip === null) return node.limit >= 0 ? v.slice(0, node.limit) : v.slice(Math.max(0, v.length + node.limit));
  const start = node.skip >= 0 ? Math.min(node.skip, v.length) : Math.max(0, v.length + node.skip);
  return v.slice(start, start + node.limit);
}

const SKIP = Symbol('skip');

interface Ctx {
  root: Doc;
  position: number | undefined;
}

function positionalValue(v: unknown, ctx: Ctx, path: string): unknown {
  if (!Array.isArray(v)) return v;
  if (ctx.position === undefined || ctx.position >= v.length) {
    throw badValue(`Executor error during find command :: caused by :: positional operator '${path}.$' element mismatch`);
  }
  return [v[ctx.position]];
}

function includeObject(obj: Doc, children: Map<string, Node>, ctx: Ctx, prefix: string): Doc {
  const out: Doc = {};
  for (const key of Object.keys(obj)) {
    const node = children.get(key);
    if (!node) continue;
    const v = obj[key];
    const path = prefix ? `${prefix}.${key}` : key;
    switch (node.kind) {
      case 'include':
        out[key] = v;
        break;
      case 'slice':
        out[key] = sliceValue(v, node);
        break;
      case 'tree': {
        const r = includeValue(v, node.children, ctx, path);
        if (r !== SKIP) out[key] = r;
        else if (hasExpression(node.children)) out[key] = includeObject({}, node.children, ctx, path);
        break;
      }
      case 'elemMatch': {
        const d: { elemMatchKey?: number } = {};
        if (Array.isArray(v) && node.match(ctx.root, d) && d.elemMatchKey !== undefined) out[key] = [v[d.elemMatchKey]];
        break;
      }
      case 'positional':
        out[key] = positionalValue(v, ctx, path);
        break;
      default:
        break; // exclusions (only `_id: 0` here) and expressions (below)
    }
  }
  // Computed fields come after the document's own fields, in projection order; a computed field
  // below a missing parent creates that parent.
  for (const [key, node] of children) {
    if (node.kind === 'expr') {
      const value = node.literal ? node.expr : evaluateExpression(node.expr, ctx.root);
      if (value !== undefined) out[key] = value;
    } else if (node.kind === 'tree' && !Object.prototype.hasOwnProperty.call(obj, key) && hasExpression(node.children)) {
      out[key] = includeObject({}, node.children, ctx, prefix ? `${prefix}.${key}` : key);
    }
  }
  return out;
}

function hasExpression(children: Map<string, Node>): boolean {
  for (const node of children.values()) {
    if (node.kind === 'expr' || (node.kind === 'tree' && hasExpression(node.children))) return true;
  }
  return false;
}

function includeValue(v: unknown, children: Map<string, Node>, ctx: Ctx, path: string): unknown {
  if (isPlainObject(v)) return includeObject(v, children, ctx, path);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const el of v) {
      // Scalars inside an array disappear when a sub-path of the array is included.
      if (isPlainObject(el) || Array.isArray(el)) out.push(includeValue(el, children, ctx, path));
    }
    return out;
  }
  return SKIP;
}

function excludeObject(obj: Doc, children: Map<string, Node>): Doc {
  const out: Doc = {};
  for (const key of Object.keys(obj)) {
    const node = children.get(key);
    const v = obj[key];
    if (!node) {
      out[key] = v;
      continue;
    }
    switch (node.kind) {
      case 'exclude':
        break;
      case 'slice':
        out[key] = sliceValue(v, node);
        break;
      case 'tree':
        out[key] = excludeValue(v, node.children);
        break;
      default:
        out[key] = v;
    }
  }
  return out;
}

function excludeValue(v: unknown, children: Map<string, Node>): unknown {
  if (isPlainObject(v)) return excludeObject(v, children);
  if (Array.isArray(v)) return v.map((el) => (isPlainObject(el) || Array.isArray(el) ? excludeValue(el, children) : el));
  return v;
}

/** The filter's conditions on the array at `path` (top level and inside a top-level $and). */
function conditionsOn(filter: Doc, path: string): Doc[] {
  const out: Doc[] = [];
  const visit = (f: Doc): void => {
    for (const k of Object.keys(f)) {
      if (k === '$and' && Array.isArray(f[k])) for (const sub of f[k] as unknown[]) if (isPlainObject(sub)) visit(sub);
      if (k === path || k.startsWith(`${path}.`)) out.push({ [k]: f[k] });
    }
  };
  visit(filter);
  return out;
}

const positionalFilterCache = new WeakMap<object, Map<string, Doc | null>>();

function positionalFilter(filter: Doc, path: string): Doc | null {
  let byPath = positionalFilterCache.get(filter);
  if (!byPath) positionalFilterCache.set(filter, (byPath = new Map()));
  if (!byPath.has(path)) {
    const conds = conditionsOn(filter, path);
    byPath.set(path, conds.length === 0 ? null : conds.length === 1 ? conds[0] : { $and: conds });
  }
  return byPath.get(path) ?? null;
}

/**
 * Applies a projection to a document. `filter` (the query) is needed for positional `field.$`
 * projections, which keep the first array element the query's condition on that field matched.
 */
export function applyProjection(doc: Doc, projection: Doc | undefined, filter?: Doc): Doc {
  if (!projection || Object.keys(projection).length === 0) return doc;
  let plan = planCache.get(projection);
  if (!plan) {
    plan = buildPlan(projection);
    planCache.set(projection, plan);
  }
  const ctx: Ctx = { root: doc, position: undefined };
  if (plan.positionalPath !== null) {
    const sub = filter ? positionalFilter(filter, plan.positionalPath) : null;
    if (!sub) {
      throw new MongoCommandError(
        'Location51246',
        "Executor error during find command :: caused by :: positional operator '.$' requires corresponding field in query specifier",
      );
    }
    // Positional info comes from the conditions on that array only; the whole query matched already.
    ctx.position = matchedArrayPosition(sub, doc);
    if (Array.isArray(getPlainPath(doc, plan.positionalPath.split('.'))) && ctx.position === undefined) {
      throw badValue(`Executor error during find command :: caused by :: positional operator '${plan.positionalPath}.$' element mismatch`);
    }
  }
  return plan.inclusion ? includeObject(doc, plan.root, ctx, '') : excludeObject(doc, plan.root);
}
