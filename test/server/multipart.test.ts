/** The streaming multipart/form-data parser used by uploads, on bodies cut at every possible byte. */
import { MultipartError, multipartBoundary, parseMultipart, type MultipartEvent } from '../../server/src/lib/multipart';

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

function body(parts: { headers: string[]; content: Buffer }[], { preamble = '', epilogue = '' } = {}): Buffer {
  const pieces: Buffer[] = [Buffer.from(preamble ? `${preamble}\r\n` : '')];
  for (const p of parts) {
    pieces.push(Buffer.from(`--${BOUNDARY}\r\n${p.headers.join('\r\n')}\r\n\r\n`), p.content, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${BOUNDARY}--\r\n${epilogue}`));
  return Buffer.concat(pieces);
}

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** Parses and collects: parts with their concatenated content. */
async function collect(source: AsyncIterable<Buffer>, boundary = BOUNDARY) {
  const parts: { name: string; filename: string | null; contentType: string | null; content: Buffer }[] = [];
  let data: Buffer[] = [];
  let current: Extract<MultipartEvent, { type: 'part' }> | null = null;
  for await (const ev of parseMultipart(source, boundary)) {
    if (ev.type === 'part') {
      current = ev;
      data = [];
    } else if (ev.type === 'data') {
      data.push(Buffer.from(ev.chunk));
    } else {
      parts.push({ name: current!.name, filename: current!.filename, contentType: current!.contentType, content: Buffer.concat(data) });
    }
  }
  return parts;
}

describe('parseMultipart', () => {
  // Content that contains boundary look-alikes: CRLF, dashes and a boundary prefix.
  const tricky = Buffer.concat([patternBytes(300), Buffer.from(`\r\n--${BOUNDARY.slice(0, 20)}\r\n--`), patternBytes(200, 9)]);
  const form = body(
    [
      { headers: ['Content-Disposition: form-data; name="purpose"'], content: Buffer.from('letter') },
      { headers: ['Content-Disposition: form-data; name="file"; filename="现场照片.png"', 'Content-Type: image/png'], content: tricky },
      { headers: ['Content-Disposition: form-data; name="empty"; filename=""'], content: Buffer.alloc(0) },
    ],
    { preamble: 'ignored preamble', epilogue: 'ignored epilogue' },
  );

  it('yields every part with its headers and exact bytes, whatever the chunk size', async () => {
    for (const size of [1, 2, 3, 7, 16, 45, 46, 47, 64, 500, form.length]) {
      const parts = await collect(chunked(form, size));
      expect({ size, names: parts.map((p) => p.name) }).toEqual({ size, names: ['purpose', 'file', 'empty'] });
      expect(parts[0].content.toString()).toBe('letter');
      expect(parts[1]).toMatchObject({ filename: '现场照片.png', contentType: 'image/png' });
      expect(Buffer.compare(parts[1].content, tricky)).toBe(0);
      expect(parts[2]).toMatchObject({ filename: '', content: Buffer.alloc(0) });
    }
  });

  it('reads RFC 5987 filename* before filename, and keeps backslashes of Windows paths', async () => {
    const b = body([
      {
        headers: [`Content-Disposition: form-data; name="file"; filename="fallback.png"; filename*=UTF-8''%E5%9B%BE%E7%89%87.png`],
        content: Buffer.from('x'),
      },
      { headers: ['Content-Disposition: form-data; name="file2"; filename="C:\\fakepath\\a%22b.png"'], content: Buffer.from('y') },
    ]);
    const parts = await collect(chunked(b, 5));
    expect(parts.map((p) => p.filename)).toEqual(['图片.png', 'C:\\fakepath\\a"b.png']);
  });

  it('throws MultipartError on a body without its closing boundary, or with a part lacking a name', async () => {
    const cut = form.subarray(0, form.length - 30);
    await expect(collect(chunked(cut, 10))).rejects.toBeInstanceOf(MultipartError);
    const nameless = body([{ headers: ['Content-Disposition: form-data; filename="a.png"'], content: Buffer.from('x') }]);
    await expect(collect(chunked(nameless, 10))).rejects.toThrow('part without a field name');
    await expect(collect(chunked(Buffer.from('no boundary at all'), 4))).rejects.toBeInstanceOf(MultipartError);
  });

  it('refuses oversized part headers and too many parts', async () => {
    const huge = body([{ headers: [`Content-Disposition: form-data; name="a"`, `X-Pad: ${'p'.repeat(9000)}`], content: Buffer.from('x') }]);
    await expect(collect(chunked(huge, 1000))).rejects.toThrow('part headers too large');
    const many = body(Array.from({ length: 11 }, (_, i) => ({ headers: [`Content-Disposition: form-data; name="f${i}"`], content: Buffer.from('v') })));
    await expect(collect(chunked(many, 100))).rejects.toThrow('too many parts');
  });
});

describe('multipartBoundary', () => {
  it('reads plain and quoted boundaries of multipart/form-data only', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('multipart/mixed; boundary=x')).toBeNull();
    expect(multipartBoundary('application/json')).toBeNull();
    expect(multipartBoundary('multipart/form-data')).toBeNull();
    expect(multipartBoundary(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeNull();
    expect(multipartBoundary(undefined)).toBeNull();
  });
});
