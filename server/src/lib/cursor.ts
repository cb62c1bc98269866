/**
 * Opaque cursors for lists sorted newest first by a date and then by `_id` (both descending).
 * The cursor holds the last item's sort key; the next page starts strictly after it, so items
 * inserted meanwhile never shift a page.
 */
import { Types } from 'mongoose';
import { validationError } from './errors';

/** The sort key of the last item on a page. */
export interface CursorKey {
  at: Date;
  id: Types.ObjectId;
}

/** Encodes a page's last item as a cursor. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(`${key.at.getTime()}.${key.id.toHexString()}`, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor from the query string.
 * @throws AppError validation_error (on `query.cursor`) for a cursor we did not issue.
 */
export function decodeCursor(cursor: string): CursorKey {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{1,15})\.([0-9a-f]{24})$/.exec(text);
  if (!m) throw validationError([{ in: 'query', path: 'cursor', message: '无效的分页参数' }]);
  return { at: new Date(Number(m[1])), id: new Types.ObjectId(m[2]) };
}

/**
 * The filter selecting items after `key` in (`field` desc, `_id` desc) order; combine it with the
 * list's other filters using `$and`.
 */
export function afterCursorFilter(field: string, key: CursorKey): Record<string, unknown> {
  return { $or: [{ [field]: { $lt: key.at } }, { [field]: key.at, _id: { $lt: key.id } }] };
}

/** Cuts a page fetched with `limit + 1` items into the page and the next cursor. */
export function pageOf<T extends { _id: Types.ObjectId }>(
  rows: T[],
  limit: number,
  dateOf: (row: T) => Date,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: encodeCursor({ at: dateOf(last), id: last._id }) };
}

/**
 * A cursor of a list with several sort phases (e.g. a queue by deadline: open items by due date
 * ascending, then the items without one newest first). `phase` is a short lower-case tag; cursors
 * of one phase never decode as another's, nor as a plain {@link encodeCursor} cursor.
 */
export function encodePhasedCursor(phase: string, key: CursorKey): string {
  return Buffer.from(`${phase}.${key.at.getTime()}.${key.id.toHexString()}`, 'utf8').toString('base64url');
}

/**
 * Decodes a {@link encodePhasedCursor} cursor of one of `phases`.
 * @throws AppError validation_error (on `query.cursor`) for a cursor we did not issue for this list.
 */
export function decodePhasedCursor<P extends string>(cursor: string, phases: readonly P[]): CursorKey & { phase: P } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^([a-z]{1,10})\.(\d{1,15})\.([0-9a-f]{24})$/.exec(text);
  if (!m || !phases.includes(m[1] as P)) throw validationError([{ in: 'query', path: 'cursor', message: '无效的分页参数' }]);
  return { phase: m[1] as P, at: new Date(Number(m[2])), id: new Types.ObjectId(m[3]) };
}

/** The filter selecting items after `key` in (`field` asc, `_id` asc) order. */
export function afterAscendingCursorFilter(field: string, key: CursorKey): Record<string, unknown> {
  return { $or: [{ [field]: { $gt: key.at } }, { [field]: key.at, _id: { $gt: key.id } }] };
}
