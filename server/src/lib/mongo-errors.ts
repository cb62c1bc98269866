/** Recognising MongoDB server errors by code, never by message text. */

/** Duplicate key on a unique index. */
export const DUPLICATE_KEY = 11000;

/** True when `err` (or any write error inside a bulk error) is a duplicate-key error. */
export function isDuplicateKeyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; writeErrors?: unknown };
  if (e.code === DUPLICATE_KEY) return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.some((w: unknown) => (w as { code?: unknown } | null)?.code === DUPLICATE_KEY);
}

/** The fields of the unique index a duplicate-key error hit, when the server says. */
export function duplicateKeyFields(err: unknown): string[] {
  const pattern = (err as { keyPattern?: unknown } | null)?.keyPattern;
  return typeof pattern === 'object' && pattern !== null ? Object.keys(pattern) : [];
}
