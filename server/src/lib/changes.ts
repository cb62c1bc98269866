/** Field-level change lists for audit entries. */
import { Types } from 'mongoose';

function plain(value: unknown): unknown {
  if (value instanceof Types.ObjectId) return value.toHexString();
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

/**
 * `{ field: { from, to } }` for the listed fields whose value differs between two versions of a
 * document. Only list fields that hold no personal data (or mask them before).
 */
export function changesOf<T extends object>(before: T, after: T, fields: readonly (keyof T)[]): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of fields) {
    const from = plain(before[f]);
    const to = plain(after[f]);
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[String(f)] = { from, to };
  }
  return changes;
}
