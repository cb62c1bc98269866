/**
 * Dotted paths as queries and indexes resolve them: a path descends through arrays of
 * subdocuments (each element in turn), a numeric component also indexes into an array, and a
 * terminal array stands for its elements. The filter matcher and the index key extraction share
 * these rules so the planner never misses a document the filter would match.
 */
import type { Doc } from '../types';
import { EMPTY_ARRAY_KEY, isPlainObject, ownField } from './bson-values';

const INDEX_RE = /^(0|[1-9]\d*)$/;

/** A dotted path split once at compile time. */
export interface ParsedPath {
  readonly path: string;
  readonly parts: readonly string[];
  /** The array index each component names, or -1 when it is not a canonical number. */
  readonly indexes: readonly number[];
}

/** Splits a dotted path and notes which components can index arrays. */
export function parsePath(path: string): ParsedPath {
  const parts = path.split('.');
  return { path, parts, indexes: parts.map((p) => (INDEX_RE.test(p) ? Number(p) : -1)) };
}

/** True for a canonical array index component ("0", "12"; not "01"). */
export function isIndexComponent(p: string): boolean {
  return INDEX_RE.test(p);
}

/**
 * Collects the values an index (or a sort) sees at a path. A field missing inside an array of
 * subdocuments contributes null (the filter treats it as null too); a path missing outside any
 * array contributes nothing. With `markEmpty`, a terminal empty array contributes the
 * EMPTY_ARRAY_KEY sort marker (MongoDB sorts [] before null).
 */
export function collectPathValues(doc: unknown, p: ParsedPath, out: unknown[], markEmpty: boolean): void {
  const { parts, indexes } = p;
  const n = parts.length;
  const walk = (cur: unknown, i: number, inArray: boolean): void => {
    if (i === n) {
      if (Array.isArray(cur)) {
        if (cur.length === 0) {
          if (markEmpty) out.push(EMPTY_ARRAY_KEY);
          return;
        }
        for (let j = 0; j < cur.length; j++) out.push(cur[j] === undefined ? null : cur[j]);
      } else if (cur !== undefined) out.push(cur);
      else if (inArray) out.push(null);
      return;
    }
    if (Array.isArray(cur)) {
      const key = parts[i];
      for (let j = 0; j < cur.length; j++) {
        const el = cur[j];
        if (isPlainObject(el)) walk(ownField(el, key), i + 1, true);
      }
      const idx = indexes[i];
      if (idx >= 0 && idx < cur.length) walk(cur[idx], i + 1, inArray);
      return;
    }
    if (isPlainObject(cur)) {
      walk(ownField(cur, parts[i]), i + 1, inArray);
      return;
    }
    if (inArray) out.push(null);
  };
  walk(doc, 0, false);
}

/**
 * The values at a dotted path as an index sees them (see collectPathValues); a missing path
 * gives `[]`, and so does an empty terminal array.
 */
export function getPathValues(doc: Doc, path: string): unknown[] {
  const out: unknown[] = [];
  collectPathValues(doc, parsePath(path), out, false);
  return out;
}

/** The value at a path following plain subdocuments only (no array traversal); undefined if absent. */
export function getPlainPath(doc: unknown, parts: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) {
      if (!INDEX_RE.test(p)) return undefined;
      cur = cur[Number(p)];
    } else if (isPlainObject(cur)) cur = ownField(cur, p);
    else return undefined;
  }
  return cur;
}
