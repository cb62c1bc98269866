/**
 * CSV files for spreadsheets (staff exports): UTF-8 with a byte-order mark, so Excel on Windows
 * reads Chinese text correctly instead of guessing a legacy code page; CRLF line ends; RFC 4180
 * quoting (a field with a comma, quote, CR or LF is quoted and its quotes doubled).
 *
 * Text cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading apostrophe: a spreadsheet
 * would otherwise run text that citizens or staff typed (a department name, an opinion) as a
 * formula (CSV injection). Numbers are written as they are, so figures stay numeric for sums.
 *
 * The one implementation for every export (consultation responses, supervision statistics).
 */

/** One cell: text is guarded and quoted as needed, numbers are written as is, null/undefined are empty. */
export type CsvCell = string | number | null | undefined;

/** The byte-order mark every export starts with. */
export const CSV_BOM = '\uFEFF';
/** Content-Type of the exports. */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** The text with a leading apostrophe when a spreadsheet would read it as a formula. */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One field, guarded against formulas and quoted when it holds a comma, quote, CR or LF. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const v = guardFormula(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One line (without its line end). */
export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvField).join(',');
}

/** The whole file: BOM, the header row, then the rows, each ended by CRLF. */
export function buildCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): Buffer {
  const lines = [csvLine(header), ...rows.map(csvLine)];
  return Buffer.from(CSV_BOM + lines.join('\r\n') + '\r\n', 'utf8');
}

/**
 * `Content-Disposition` for downloading a file under `filename` (RFC 6266): an ASCII fallback
 * `filename` (other characters and quotes replaced by `_`) and the real name as RFC 5987
 * `filename*=UTF-8''…`, which every current browser and WeChat's downloader prefer.
 */
export function attachmentDisposition(filename: string): string {
  // encodeURIComponent leaves ' ( ) * alone, which RFC 5987 values may not carry bare.
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encoded}`;
}
