/** Regular expressions built from user input: always literal, never a pattern the user wrote. */

/** `s` with every regular-expression metacharacter escaped. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A case-insensitive MongoDB `$regex` condition matching `text` literally anywhere in a field. */
export function containsText(text: string): { $regex: string; $options: 'i' } {
  return { $regex: escapeRegExp(text), $options: 'i' };
}
