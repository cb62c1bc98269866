/**
 * A collection's committed state: documents by `_id` key, its indexes and a version per
 * document (for transaction conflict checks). All mutations go through `put` and `remove`,
 * which keep every index in step and enforce unique constraints before changing anything.
 */
import { calculateObjectSize, UUID } from 'bson';
import { MongoCommandError } from '../errors';
import { indexKeyOf } from '../semantics';
import type { Doc, IndexSpec } from '../types';
import { IndexStructure } from './index-structure';

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export class Collection {
  readonly docs = new Map<string, Doc>();
  readonly indexes: IndexStructure[] = [];
  /** id key -> sequence number of the last committed write (kept after deletes, for conflicts). */
  readonly versions = new Map<string, number>();
  private bytes = 0;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly uuid: UUID,
    readonly options: Doc,
    private readonly nextSeq: () => number,
  ) {
    this.indexes.push(new IndexStructure(ID_INDEX_SPEC));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get dataSize(): number {
    return this.bytes;
  }

  index(name: string): IndexStructure | undefined {
    return this.indexes.find((i) => i.name === name);
  }

  /** The first unique-index violation `doc` would cause (ignoring the document itself). */
  findConflict(doc: Doc, id: string, skipIds?: ReadonlySet<string>): MongoCommandError | null {
    for (const index of this.indexes) {
      if (!index.unique) continue;
      const keys = index.keysOf(doc);
      for (const key of keys) {
        const ids = index.idsForKey(key);
        if (!ids) continue;
        for (const other of ids) {
          if (other !== id && !skipIds?.has(other)) return index.duplicateError(this.ns, key);
        }
      }
    }
    return null;
  }

  /**
   * Inserts or replaces the document with this `_id`. Throws E11000 (changing nothing) when a
   * unique index would be violated; throws CannotIndexParallelArrays likewise.
   */
  put(doc: Doc, checkUnique = true): void {
    const id = indexKeyOf(doc._id);
    const old = this.docs.get(id);
    // Compute every key first so a failure leaves the indexes untouched.
    const newKeys = this.indexes.map((ix) => ix.keysOf(doc));
    if (checkUnique) {
      this.indexes.forEach((ix, i) => {
        const hit = ix.conflicts(newKeys[i], id);
        if (hit) throw ix.duplicateError(this.ns, hit.key);
      });
    }
    if (old) {
      this.indexes.forEach((ix) => ix.remove(id, ix.keysOf(old)));
      this.bytes -= calculateObjectSize(old);
    }
    this.indexes.forEach((ix, i) => ix.add(id, newKeys[i]));
    this.docs.set(id, doc);
    this.bytes += calculateObjectSize(doc);
    this.versions.set(id, this.nextSeq());
  }

  /** Removes the document with this id key; returns it, or undefined if absent. */
  remove(id: string): Doc | undefined {
    const old = this.docs.get(id);
    if (!old) return undefined;
    this.indexes.forEach((ix) => ix.remove(id, ix.keysOf(old)));
    this.docs.delete(id);
    this.bytes -= calculateObjectSize(old);
    this.versions.set(id, this.nextSeq());
    return old;
  }

  /** Builds a new index over the current documents; nothing changes if a key is duplicated. */
  addIndex(spec: IndexSpec): void {
    const index = new IndexStructure(spec);
    for (const [id, doc] of this.docs) {
      const keys = index.keysOf(doc);
      const hit = index.conflicts(keys, id);
      if (hit) throw index.duplicateError(this.ns, hit.key);
      index.add(id, keys);
    }
    this.indexes.push(index);
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((ix) => ix.name === name);
    if (i < 0) throw new MongoCommandError('IndexNotFound', `index not found with name [${name}]`);
    if (name === '_id_') throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    this.indexes.splice(i, 1);
  }
}
