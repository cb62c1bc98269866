/**
 * One secondary (or _id) index of a collection: an ordered array of entries for sorted walks and
 * range scans, plus hash maps for equality lookups and uniqueness checks, so neither needs a scan.
 */
import { MongoCommandError } from '../errors';
import { compareValues, compileFilter, getPathValues, indexKeyOf } from '../semantics';
import type { Doc, IndexSpec } from '../types';

export interface IndexEntry {
  key: unknown[];
  id: string; // indexKeyOf(_id)
}

const SEP = '\u0001';

/** Reads a numeric direction from an index or sort spec value (Int32/Double/Long/number). */
export function direction(v: unknown): 1 | -1 | null {
  const n = typeof v === 'number' ? v : v && typeof (v as { valueOf(): unknown }).valueOf === 'function' ? Number((v as { valueOf(): unknown }).valueOf()) : NaN;
  if (n === 1) return 1;
  if (n === -1) return -1;
  return null;
}

function pathExists(doc: unknown, parts: string[], i = 0): boolean {
  if (i === parts.length) return true;
  if (Array.isArray(doc)) return doc.some((el) => pathExists(el, parts, i)) || (/^\d+$/.test(parts[i]) && pathExists(doc[Number(parts[i])], parts, i + 1));
  if (doc === null || typeof doc !== 'object' || (doc as { _bsontype?: string })._bsontype) return false;
  if (!Object.prototype.hasOwnProperty.call(doc, parts[i])) return false;
  return pathExists((doc as Doc)[parts[i]], parts, i + 1);
}

/** Renders a key value as MongoDB does in E11000 messages (`{ email: "a@b.c" }`). */
function renderValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'ObjectId') return `ObjectId('${String((v as { toHexString(): string }).toHexString())}')`;
  if (t) return String((v as { toString(): string }).toString());
  if (Array.isArray(v)) return `[ ${v.map(renderValue).join(', ')} ]`;
  return `{ ${Object.entries(v as Doc).map(([k, x]) => `${k}: ${renderValue(x)}`).join(', ')} }`;
}

export class IndexStructure {
  readonly name: string;
  readonly fields: Array<[string, 1 | -1]>;
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial: ((doc: Doc) => boolean) | null;
  /** True once any document produced more than one key (array values): sorted walks then avoid it. */
  multikey = false;
  private entries: IndexEntry[] = [];
  /** full key string -> ids */
  private full = new Map<string, Set<string>>();
  /** first-field key string -> ids (only for compound indexes) */
  private first: Map<string, Set<string>> | null;
  private readonly paths: string[][];

  constructor(readonly spec: IndexSpec) {
    this.name = spec.name;
    this.fields = Object.entries(spec.key).map(([f, d]) => {
      const dir = direction(d);
      if (dir === null) {
        throw new MongoCommandError('CommandNotSupported', `Index type ${JSON.stringify(String(d))} on field '${f}' is not supported by the embedded engine; only ascending (1) and descending (-1) keys are.`);
      }
      return [f, dir];
    });
    if (this.fields.length === 0) throw new MongoCommandError('BadValue', 'Index keys cannot be empty.');
    this.paths = this.fields.map(([f]) => f.split('.'));
    this.unique = spec.unique === true || spec.name === '_id_';
    this.sparse = spec.sparse === true;
    this.partial = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression as Doc) : null;
    this.first = this.fields.length > 1 ? new Map() : null;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether the document is in the index at all (sparse / partial rules). */
  covers(doc: Doc): boolean {
    if (this.partial && !this.partial(doc)) return false;
    if (this.sparse && !this.paths.some((p) => pathExists(doc, p))) return false;
    return true;
  }

  /** The index keys of a document (several when a field holds an array). */
  keysOf(doc: Doc): unknown[][] {
    if (!this.covers(doc)) return [];
    const perField = this.fields.map(([f]) => {
      const vals = getPathValues(doc, f);
      return vals.length === 0 ? [null] : vals;
    });
    const arrays = perField.filter((v) => v.length > 1).length;
    if (arrays > 1) {
      throw new MongoCommandError('CannotIndexParallelArrays', `cannot index parallel arrays [${this.fields.map(([f]) => f).join('] [')}]`);
    }
    let keys: unknown[][] = [[]];
    for (const vals of perField) {
      const next: unknown[][] = [];
      for (const k of keys) for (const v of vals) next.push([...k, v]);
      keys = next;
    }
    // A document repeating a value inside its own array must not conflict with itself.
    if (keys.length > 1) {
      const seen = new Set<string>();
      keys = keys.filter((k) => {
        const s = this.keyString(k);
        if (seen.has(s)) return false;
        seen.add(s);
        return true;
      });
    }
    return keys;
  }

  keyString(key: unknown[]): string {
    return key.length === 1 ? indexKeyOf(key[0]) : key.map(indexKeyOf).join(SEP);
  }

  private compareKeys(a: unknown[], b: unknown[], n = a.length): number {
    for (let i = 0; i < n; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c * this.fields[i][1];
    }
    return 0;
  }

  private compareEntries(a: IndexEntry, b: IndexEntry): number {
    const c = this.compareKeys(a.key, b.key);
    if (c !== 0) return c;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  /** First position whose entry is >= target (by the first `n` key components, then id). */
  private lowerBound(key: unknown[], n: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareKeys(this.entries[mid].key, key, n) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position (from `from`) whose entry is > target by the first `n` key components. */
  private upperBound(key: unknown[], n: number, from = 0): number {
    let lo = from;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareKeys(this.entries[mid].key, key, n) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Ids of documents (other than `selfId`) holding any of the given keys; for unique checks. */
  conflicts(keys: unknown[][], selfId: string): { key: unknown[]; id: string } | null {
    if (!this.unique) return null;
    for (const key of keys) {
      const ids = this.full.get(this.keyString(key));
      if (!ids) continue;
      for (const id of ids) if (id !== selfId) return { key, id };
    }
    return null;
  }

  /** Ids holding `key` exactly (used for uniqueness inside transactions). */
  idsForKey(key: unknown[]): ReadonlySet<string> | undefined {
    return this.full.get(this.keyString(key));
  }

  /** Builds the E11000 error for a key of this index. */
  duplicateError(ns: string, key: unknown[]): MongoCommandError {
    const keyPattern: Doc = {};
    const keyValue: Doc = {};
    this.fields.forEach(([f, d], i) => {
      keyPattern[f] = d;
      keyValue[f] = key[i] ?? null;
    });
    const dup = `{ ${this.fields.map(([f], i) => `${f}: ${renderValue(key[i])}`).join(', ')} }`;
    return new MongoCommandError('DuplicateKey', `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: ${dup}`, {
      extra: { keyPattern, keyValue },
    });
  }

  add(id: string, keys: unknown[][]): void {
    if (keys.length > 1) this.multikey = true;
    for (const key of keys) {
      const entry = { key, id };
      let pos = this.entries.length;
      // Appends in order are common (ascending ids/dates): check the tail before searching.
      if (pos > 0 && this.compareEntries(this.entries[pos - 1], entry) > 0) {
        let lo = 0;
        let hi = pos;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.compareEntries(this.entries[mid], entry) < 0) lo = mid + 1;
          else hi = mid;
        }
        pos = lo;
      }
      this.entries.splice(pos, 0, entry);
      addTo(this.full, this.keyString(key), id);
      if (this.first) addTo(this.first, indexKeyOf(key[0]), id);
    }
  }

  remove(id: string, keys: unknown[][]): void {
    for (const key of keys) {
      const entry = { key, id };
      let lo = 0;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.compareEntries(this.entries[mid], entry) < 0) lo = mid + 1;
        else hi = mid;
      }
      if (lo < this.entries.length && this.entries[lo].id === id) this.entries.splice(lo, 1);
      removeFrom(this.full, this.keyString(key), id);
      if (this.first) removeFrom(this.first, indexKeyOf(key[0]), id);
    }
  }

  /** Ids whose first key field equals `value` (hash lookup). */
  idsWithFirstField(value: unknown): ReadonlySet<string> {
    const map = this.first ?? this.full;
    return map.get(indexKeyOf(value)) ?? EMPTY;
  }

  /**
   * Walks entries in index order (or reverse), restricted to those whose first `prefix.length`
   * key components equal `prefix`. Yields document ids, each once.
   */
  *walk(prefix: unknown[], reverse: boolean): Generator<string> {
    const n = prefix.length;
    let start = 0;
    let end = this.entries.length;
    if (n > 0) {
      start = this.lowerBound(prefix, n);
      end = this.upperBound(prefix, n, start);
    }
    const seen = this.multikey ? new Set<string>() : null;
    if (!reverse) {
      for (let i = start; i < end; i++) {
        const id = this.entries[i].id;
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        yield id;
      }
    } else {
      for (let i = end - 1; i >= start; i--) {
        const id = this.entries[i].id;
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        yield id;
      }
    }
  }

  /** Approximate bytes, for collStats. */
  approximateSize(): number {
    return this.entries.length * (48 + 16 * this.fields.length);
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function addTo(map: Map<string, Set<string>>, k: string, id: string): void {
  let set = map.get(k);
  if (!set) map.set(k, (set = new Set()));
  set.add(id);
}

function removeFrom(map: Map<string, Set<string>>, k: string, id: string): void {
  const set = map.get(k);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(k);
}
