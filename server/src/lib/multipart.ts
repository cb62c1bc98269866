/**
 * A small streaming `multipart/form-data` parser (RFC 7578) for uploads, on Node's built-ins.
 * It reads the request body chunk by chunk and yields events as it goes, so a file part is
 * passed on without ever holding the whole file in memory: a part's bytes are yielded as soon
 * as they cannot be the start of the next boundary (everything but the last
 * `boundary length + 3` bytes of what has arrived).
 *
 * ```ts
 * for await (const ev of parseMultipart(req, boundary)) {
 *   if (ev.type === 'part') …        // headers of the next part
 *   else if (ev.type === 'data') …   // a slice of its body (never mutated later)
 *   else …                           // 'partEnd'
 * }
 * ```
 *
 * Malformed bodies (no boundary, truncated, oversized part headers) throw a
 * {@link MultipartError}; the caller maps it to a 400.
 */

/** One event of the parse. */
export type MultipartEvent =
  | {
      type: 'part';
      /** The form field name (`name="file"`). */
      name: string;
      /** The client's file name, decoded (RFC 5987 `filename*` preferred); null for plain fields. */
      filename: string | null;
      /** The part's declared Content-Type (informational only: never trusted for file types). */
      contentType: string | null;
    }
  | { type: 'data'; chunk: Buffer }
  | { type: 'partEnd' };

/** The body is not well-formed multipart. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

/** Limits of {@link parseMultipart}. */
export interface MultipartLimits {
  /** Bytes of one part's header block. Default 8 KiB. */
  maxHeaderBytes?: number;
  /** Number of parts. Default 10. */
  maxParts?: number;
}

/**
 * The boundary of a `multipart/form-data` Content-Type, or null when the type is another one or
 * the boundary is missing or invalid (1–70 characters, RFC 2046).
 */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const [type, ...params] = contentType.split(';');
  if (type.trim().toLowerCase() !== 'multipart/form-data') return null;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    let value = param.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value.length >= 1 && value.length <= 70 ? value : null;
  }
  return null;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Splits `; a=b; c="d"` parameters. Quoted values are taken literally: browsers and mini-program
 * clients do not backslash-escape (a Windows path keeps its backslashes) but percent-encode `"`,
 * CR and LF (WHATWG multipart/form-data), which is undone here.
 */
function headerParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"([^"]*)"|([^;]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    const raw = m[2] !== undefined ? m[2].replace(/%22/gi, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n') : (m[3] ?? '').trim();
    params.set(m[1].toLowerCase(), raw);
  }
  return params;
}

/** RFC 5987 `UTF-8''%E6%96%87` → 文; null when malformed or not UTF-8. */
function decodeExtValue(value: string): string | null {
  const m = /^([A-Za-z0-9!#$&+^`{}~-]+)'[^']*'(.*)$/.exec(value);
  if (!m || m[1].toLowerCase() !== 'utf-8') return null;
  try {
    return decodeURIComponent(m[2]);
  } catch {
    return null;
  }
}

function parsePartHeaders(block: Buffer): Extract<MultipartEvent, { type: 'part' }> {
  const headers = new Map<string, string>();
  // Browsers and WeChat send UTF-8 file names raw inside the quoted filename.
  for (const line of block.toString('utf8').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError('malformed part header');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition');
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw new MultipartError('part without Content-Disposition: form-data');
  const params = headerParams(disposition.slice(disposition.indexOf(';') >= 0 ? disposition.indexOf(';') : disposition.length));
  const name = params.get('name');
  if (name === undefined) throw new MultipartError('part without a field name');
  const extended = params.get('filename*');
  const filename = (extended !== undefined ? decodeExtValue(extended) : null) ?? params.get('filename') ?? null;
  return { type: 'part', name, filename, contentType: headers.get('content-type') ?? null };
}

/**
 * Parses a multipart body from `source`, yielding part headers, body slices and part ends.
 * Stops reading at the closing boundary (the epilogue is ignored).
 * @throws MultipartError when the body is malformed or truncated.
 */
export async function* parseMultipart(
  source: AsyncIterable<Buffer | string>,
  boundary: string,
  limits: MultipartLimits = {},
): AsyncGenerator<MultipartEvent> {
  const maxHeaderBytes = limits.maxHeaderBytes ?? 8 * 1024;
  const maxParts = limits.maxParts ?? 10;
  // Every delimiter, the first included, is searched for as CRLF + "--" + boundary: the body is
  // prefixed with a CRLF so the first one (which may start the body) matches too.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length - 1;
  let buf: Buffer = Buffer.from(CRLF);
  let state: 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'done' = 'preamble';
  let parts = 0;
  // A function, because TypeScript cannot see that drain() changes `state`.
  const finished = () => state === 'done';

  function* drain(): Generator<MultipartEvent> {
    for (;;) {
      switch (state) {
        case 'preamble': {
          const at = buf.indexOf(delimiter);
          if (at < 0) {
            // The preamble is ignored; keep only what could be the start of the delimiter.
            if (buf.length > keep) buf = buf.subarray(buf.length - keep);
            return;
          }
          buf = buf.subarray(at + delimiter.length);
          state = 'afterDelimiter';
          break;
        }
        case 'afterDelimiter': {
          if (buf.length < 2) return;
          if (buf[0] === 0x2d && buf[1] === 0x2d) {
            state = 'done';
            return;
          }
          const eol = buf.indexOf(CRLF);
          if (eol < 0) {
            if (buf.length > 256) throw new MultipartError('malformed boundary line');
            return;
          }
          // Only transport padding (spaces, tabs) may follow a boundary on its line.
          if (!/^[ \t]*$/.test(buf.subarray(0, eol).toString('latin1'))) throw new MultipartError('malformed boundary line');
          buf = buf.subarray(eol + 2);
          state = 'headers';
          break;
        }
        case 'headers': {
          // A part with no header lines starts right after the boundary line's CRLF.
          const end = buf[0] === 0x0d && buf[1] === 0x0a ? -2 : buf.indexOf(HEADER_END);
          if (end === -1) {
            if (buf.length > maxHeaderBytes) throw new MultipartError('part headers too large');
            return;
          }
          if (end > maxHeaderBytes) throw new MultipartError('part headers too large');
          parts += 1;
          if (parts > maxParts) throw new MultipartError('too many parts');
          const event = parsePartHeaders(end === -2 ? Buffer.alloc(0) : buf.subarray(0, end));
          buf = buf.subarray(end === -2 ? 2 : end + HEADER_END.length);
          state = 'body';
          yield event;
          break;
        }
        case 'body': {
          const at = buf.indexOf(delimiter);
          if (at < 0) {
            if (buf.length > keep) {
              yield { type: 'data', chunk: buf.subarray(0, buf.length - keep) };
              buf = buf.subarray(buf.length - keep);
            }
            return;
          }
          if (at > 0) yield { type: 'data', chunk: buf.subarray(0, at) };
          yield { type: 'partEnd' };
          buf = buf.subarray(at + delimiter.length);
          state = 'afterDelimiter';
          break;
        }
        case 'done':
          return;
      }
    }
  }

  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
    // Concatenating only with the short unconsumed tail: each byte is copied about once.
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    yield* drain();
    if (finished()) return;
  }
  if (!finished()) throw new MultipartError('body ended before the closing boundary');
}
