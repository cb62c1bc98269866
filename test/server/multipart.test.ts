/**
 * The multipart/form-data reader of uploads (busboy behind `readMultipart`): parts and exact
 * bytes whatever the chunking, file names, and each refusal with its reason — malformed or
 * truncated bodies, a missing boundary, and every limit. The same refusals through HTTP are in
 * uploads.test.ts.
 */
import { Readable } from 'node:stream';
import { MultipartError, readMultipart, type MultipartFailure, type MultipartLimits } from '../../server/src/lib/multipart';

/** Pseudo-random bytes (the same as the platform factories make, without loading the app). */
function patternBytes(length: number, seed = 7): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}

const BOUNDARY = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
const LIMITS: MultipartLimits = { maxParts: 10, maxFields: 9, maxFieldBytes: 1024, maxFiles: 2, maxFileBytes: 4096, maxBodyBytes: 64 * 1024 };

function body(parts: { headers: string[]; content: Buffer }[], { preamble = '', epilogue = '' } = {}): Buffer {
  const pieces: Buffer[] = [Buffer.from(preamble ? `${preamble}\r\n` : '')];
  for (const p of parts) {
    pieces.push(Buffer.from(`--${BOUNDARY}\r\n${p.headers.join('\r\n')}\r\n\r\n`), p.content, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${BOUNDARY}--\r\n${epilogue}`));
  return Buffer.concat(pieces);
}

const field = (name: string, value: string) => ({ headers: [`Content-Disposition: form-data; name="${name}"`], content: Buffer.from(value) });
const file = (name: string, filename: string, content: Buffer) => ({
  headers: [`Content-Disposition: form-data; name="${name}"; filename="${filename}"`, 'Content-Type: image/png'],
  content,
});

/** A request-like stream delivering `buf` in chunks of `size` bytes. */
function chunked(buf: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

interface Collected {
  kind: 'field' | 'file';
  name: string;
  filename?: string | null;
  mimeType?: string;
  value?: string;
  content?: Buffer;
}

/** Reads every part, files whole. */
async function collect(source: Readable, limits: MultipartLimits = LIMITS, contentType = CONTENT_TYPE): Promise<Collected[]> {
  const out: Collected[] = [];
  for await (const part of readMultipart(source, contentType, limits)) {
    if (part.kind === 'field') {
      out.push({ kind: 'field', name: part.name, value: part.value });
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of part.content) chunks.push(chunk);
      out.push({ kind: 'file', name: part.name, filename: part.filename, mimeType: part.mimeType, content: Buffer.concat(chunks) });
    }
  }
  return out;
}

async function reasonOf(promise: Promise<unknown>): Promise<MultipartFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MultipartError) return err.reason;
    throw err;
  }
  throw new Error('expected a MultipartError');
}

describe('readMultipart', () => {
  // Content that contains boundary look-alikes: CRLF, dashes and a boundary prefix.
  const tricky = Buffer.concat([patternBytes(300), Buffer.from(`\r\n--${BOUNDARY.slice(0, 20)}\r\n--`), patternBytes(200, 9)]);
  // An empty file input, as browsers send it.
  const emptyInput = { headers: ['Content-Disposition: form-data; name="empty"; filename=""', 'Content-Type: application/octet-stream'], content: Buffer.alloc(0) };
  const form = body([field('purpose', 'letter'), file('file', '现场照片.png', tricky), emptyInput], {
    preamble: 'ignored preamble',
    epilogue: 'ignored epilogue',
  });

  it('yields every part with its exact bytes, whatever the chunk size', async () => {
    for (const size of [1, 2, 3, 7, 16, 45, 46, 47, 64, 500, form.length]) {
      const parts = await collect(chunked(form, size));
      expect({ size, names: parts.map((p) => `${p.kind}:${p.name}`) }).toEqual({ size, names: ['field:purpose', 'file:file', 'file:empty'] });
      expect(parts[0].value).toBe('letter');
      expect(parts[1]).toMatchObject({ filename: '现场照片.png', mimeType: 'image/png' });
      expect(Buffer.compare(parts[1].content!, tricky)).toBe(0);
      expect(parts[2]).toMatchObject({ filename: null, content: Buffer.alloc(0) });
    }
  });

  it('reads RFC 5987 filename* before filename, keeps backslashes of Windows paths and undoes %22', async () => {
    const b = body([
      { headers: [`Content-Disposition: form-data; name="file"; filename="fallback.png"; filename*=UTF-8''%E5%9B%BE%E7%89%87.png`], content: Buffer.from('x') },
      { headers: ['Content-Disposition: form-data; name="file2"; filename="C:\\fakepath\\a%22b.png"'], content: Buffer.from('y') },
    ]);
    const parts = await collect(chunked(b, 5));
    expect(parts.map((p) => p.filename)).toEqual(['图片.png', 'C:\\fakepath\\a"b.png']);
  });

  it('skips the rest of a file the caller does not read', async () => {
    const b = body([file('skipped', 'a.png', patternBytes(3000)), field('after', 'seen')]);
    const names: string[] = [];
    for await (const part of readMultipart(chunked(b, 100), CONTENT_TYPE, LIMITS)) names.push(part.name);
    expect(names).toEqual(['skipped', 'after']);
  });

  it('accepts a file of exactly maxFileBytes and refuses one byte more as file_too_large', async () => {
    const exact = await collect(chunked(body([file('file', 'a.png', patternBytes(4096))]), 1000));
    expect(exact[0].content!.length).toBe(4096);
    expect(await reasonOf(collect(chunked(body([file('file', 'a.png', patternBytes(4097))]), 1000)))).toBe('file_too_large');
  });

  it('refuses a body without its closing boundary, a part without a name, or no boundary at all, as malformed', async () => {
    expect(await reasonOf(collect(chunked(form.subarray(0, form.length - 30), 10)))).toBe('malformed');
    // Cut inside a file: the error reaches the reader of the file's content.
    expect(await reasonOf(collect(chunked(form.subarray(0, 400), 10)))).toBe('malformed');
    const nameless = body([{ headers: ['Content-Disposition: form-data; filename="a.png"'], content: Buffer.from('x') }]);
    expect(await reasonOf(collect(chunked(nameless, 10)))).toBe('malformed');
    expect(await reasonOf(collect(chunked(Buffer.from('no boundary at all'), 4)))).toBe('malformed');
    expect(await reasonOf(collect(chunked(Buffer.alloc(0), 4)))).toBe('malformed');
  });

  it('refuses oversized part headers as malformed', async () => {
    const huge = body([{ headers: [`Content-Disposition: form-data; name="a"`, `X-Pad: ${'p'.repeat(17_000)}`], content: Buffer.from('x') }]);
    expect(await reasonOf(collect(chunked(huge, 1000)))).toBe('malformed');
  });

  it('refuses more parts, fields or files than allowed, and an oversized field', async () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => field(`f${i}`, 'v'));
    expect(await collect(chunked(body(fields(9)), 100))).toHaveLength(9);
    expect(await reasonOf(collect(chunked(body(fields(10)), 100)))).toBe('too_many_fields');
    const mixed = [...fields(8), file('a', 'a.png', Buffer.from('1')), file('b', 'b.png', Buffer.from('2'))];
    expect(await collect(chunked(body(mixed), 100))).toHaveLength(10);
    expect(await reasonOf(collect(chunked(body([...mixed, field('x', 'y')]), 100)))).toBe('too_many_parts');
    // Parts without Content-Disposition are skipped by busboy but still counted.
    const junk = Array.from({ length: 11 }, () => ({ headers: ['X-Nothing: 1'], content: Buffer.from('v') }));
    expect(await reasonOf(collect(chunked(body(junk), 100)))).toBe('too_many_parts');
    const files = [file('a', 'a.png', Buffer.from('1')), file('b', 'b.png', Buffer.from('2')), file('c', 'c.png', Buffer.from('3'))];
    expect(await reasonOf(collect(chunked(body(files), 100)))).toBe('too_many_files');
    expect(await collect(chunked(body([field('note', 'x'.repeat(1024))]), 100))).toHaveLength(1);
    expect(await reasonOf(collect(chunked(body([field('note', 'x'.repeat(1025))]), 100)))).toBe('field_too_large');
  });

  it('refuses a body over maxBodyBytes as it arrives', async () => {
    const many = body(Array.from({ length: 9 }, (_, i) => field(`f${i}`, 'x'.repeat(1000))));
    expect(await reasonOf(collect(chunked(many, 100), { ...LIMITS, maxBodyBytes: 5000 }))).toBe('body_too_large');
  });

  it('refuses at once a content type that is not multipart/form-data or has no boundary', () => {
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'multipart/mixed; boundary=x', 'multipart/form-data', '']) {
      let reason: MultipartFailure | null = null;
      try {
        readMultipart(chunked(form, 10), type, LIMITS);
      } catch (err) {
        reason = err instanceof MultipartError ? err.reason : null;
      }
      expect({ type, reason }).toEqual({ type, reason: 'not_multipart' });
    }
    // Quoted boundaries and parameters in any order are fine.
    expect(() => readMultipart(chunked(form, 10), `Multipart/Form-Data; charset=utf-8; boundary="${BOUNDARY}"`, LIMITS)).not.toThrow();
  });

  it('passes the source’s own error (the client went away) through unchanged', async () => {
    const source = new Readable({ read() {} });
    source.push(form.subarray(0, 200));
    const reading = collect(source);
    setImmediate(() => source.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    await expect(reading).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
