/**
 * Cursor pagination shared by every list endpoint: the client passes back `nextCursor` as
 * `cursor` until it is null. Cursors are opaque strings; clients must not build or parse them.
 */
import { z } from 'zod';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;
/** Page size when the client does not say. */
export const DEFAULT_PAGE_SIZE = 20;

/** Query fields of a paginated list (`?cursor=…&limit=…`). */
export const CursorQuerySchema = z.object({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

/** A page of `item`s with the cursor of the next page (null on the last page). */
export function cursorPageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
