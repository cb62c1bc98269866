/**
 * Client file names made safe to store and to show. A name is shown by the mini-program, the
 * staff console and the browser's download bar, so it must read the way it is stored: no
 * control characters, and no invisible formatting characters that reorder or hide what follows
 * (`gnp\u202Eexe.png` displays as `gnpgnp.exe`). See ADR 021.
 */

/**
 * Characters removed from file names:
 * - `\p{Cc}` control characters: C0 (U+0000–001F), DEL (U+007F) and C1 (U+0080–009F);
 * - `\p{Cf}` format characters: the bidi marks, embeddings, overrides and isolates (U+200E/F,
 *   U+061C, U+202A–202E, U+2066–2069), zero-width spaces and joiners (U+200B–200D, U+2060,
 *   U+FEFF), the soft hyphen, invisible operators and the rest of the category: none of them
 *   means anything in a file name, and each can make it display differently from what it is;
 * - `\p{Zl}` / `\p{Zp}` line and paragraph separators (U+2028/2029), which break a name's line.
 */
const INVISIBLE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** Characters Windows and shells treat specially, besides the path separators. */
const RESERVED_CHARACTERS = /["<>|:*?]/g;

/** Longest base name kept (in code points), before the extension. */
const FILENAME_BASE_MAX = 80;

/** `name` without control, format (bidi, zero-width) or line-separator characters. */
export function visibleFilename(name: string): string {
  return name.replace(INVISIBLE_CHARACTERS, '');
}

/**
 * A file name safe to store and send back: no path, no control, invisible or reserved
 * characters, at most 80 characters before the extension, and the extension of the sniffed type
 * (a PNG named `scan.pdf` becomes `scan.png`).
 */
export function cleanFilename(raw: string | null, ext: string): string {
  // Invisible characters go first: a path separator or a dot hidden behind them is still found.
  const name = visibleFilename(raw ?? '')
    .replace(/^.*[\\/]/, '')
    .replace(RESERVED_CHARACTERS, '')
    .trim();
  const dot = name.lastIndexOf('.');
  const base = [...(dot >= 0 ? name.slice(0, dot) : name)]
    .slice(0, FILENAME_BASE_MAX)
    .join('')
    .trim()
    // No hidden names (`.htaccess`) and no dot before the extension we add.
    .replace(/^\.+|\.+$/g, '');
  return `${base || 'file'}.${ext}`;
}
