/**
 * Uploads: multipart streaming into GridFS, type sniffing, size limit, the access matrix,
 * attachment claims and the expiry sweep — through HTTP and the stored GridFS documents.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Types } from 'mongoose';
import { runBackgroundTask } from '../../server/src/lib/background';
import type { Actor } from '../../server/src/lib/actor';
import { uploadCleanupTask } from '../../server/src/modules/upload/upload.tasks';
import { UNATTACHED_UPLOAD_TTL_MS } from '../../server/src/modules/upload/upload.service';
import { auth, captureLogger, createTestApp, type TestApp } from '../support/app';
import {
  actorOf,
  citizenOf,
  eventually,
  exeBytes,
  gifBytes,
  htmlBytes,
  jpegBytes,
  patternBytes,
  pdfBytes,
  PLATFORM_TEST_ENV,
  pngBytes,
  upload,
  webpBytes,
} from '../support/platform-factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { ...PLATFORM_TEST_ENV, UPLOAD_MAX_BYTES: String(2 * 1024 * 1024) } });
});
afterAll(() => t.close());

const stored = (id: string) => t.models.UploadFile.findById(id).lean();
const chunkCount = (id: string) => t.models.UploadChunk.countDocuments({ files_id: new Types.ObjectId(id) });
/** Reads a binary response body whatever its content type. */
const binary = (req: request.Test) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

let ownerSeq = 0;
/** A fresh attachment owner type with its own resolver (resolvers are registered once per type). */
function ownerType(resolver: (actor: Actor, ownerId: string) => Promise<boolean>, personalData?: boolean): string {
  ownerSeq += 1;
  const type = `probe${ownerSeq}`;
  t.services.uploads.registerAccess(type, resolver, personalData === undefined ? {} : { personalData });
  return type;
}

describe('POST /api/uploads', () => {
  it('answers 401 without a token', async () => {
    const res = await request(t.app).post('/api/uploads').attach('file', pngBytes(), 'a.png');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('stores a citizen’s PNG in GridFS, owned by the citizen and expiring 24 hours later', async () => {
    const token = await t.citizenToken('uploader-png');
    const content = pngBytes(500);
    const res = await upload(t, token, content, 'photo.png');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      contentType: 'image/png',
      kind: 'image',
      size: content.length,
      filename: 'photo.png',
      url: `/api/uploads/${res.body.id}`,
    });
    const doc = await stored(res.body.id);
    const me = await citizenOf(t, token);
    expect(doc).toMatchObject({
      length: content.length,
      filename: 'photo.png',
      metadata: { contentType: 'image/png', kind: 'image', uploader: { kind: 'citizen', id: me.userId } },
    });
    expect(doc!.metadata.attachedTo ?? null).toBeNull();
    expect(doc!.metadata.expiresAt!.getTime()).toBe(doc!.metadata.uploadedAt.getTime() + UNATTACHED_UPLOAD_TTL_MS);
    expect(doc!.metadata.uploadedAt.getTime()).toBe(t.clock.now());
    expect(await chunkCount(res.body.id)).toBe(1);
  });

  it('accepts JPEG, GIF, WebP and PDF, and staff uploads too', async () => {
    const citizen = await t.citizenToken('uploader-types');
    const staff = await t.staffToken('office');
    const cases: [string, Buffer, string, string][] = [
      [citizen, jpegBytes(), 'a.jpg', 'image/jpeg'],
      [citizen, gifBytes(), 'a.gif', 'image/gif'],
      [citizen, webpBytes(), 'a.webp', 'image/webp'],
      [staff, pdfBytes(), '政策原文.pdf', 'application/pdf'],
    ];
    for (const [token, content, name, type] of cases) {
      const res = await upload(t, token, content, name);
      expect({ name, status: res.status, type: res.body.contentType }).toEqual({ name, status: 201, type });
    }
    const staffActor = await actorOf(t, staff);
    const pdf = await t.models.UploadFile.findOne({ 'metadata.uploader.kind': 'staff', 'metadata.uploader.id': (staffActor as { staffId: string }).staffId }).lean();
    expect(pdf).toMatchObject({ filename: '政策原文.pdf', metadata: { kind: 'pdf' } });
  });

  it('decides the type from the content: a PNG named .pdf and declared as PDF is stored as a PNG', async () => {
    const token = await t.citizenToken('uploader-renamed');
    const res = await upload(t, token, pngBytes(), 'scan.pdf', 'application/pdf');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/png', kind: 'image', filename: 'scan.png' });
    expect((await stored(res.body.id))?.metadata.contentType).toBe('image/png');
  });

  it('refuses an executable or an HTML page named .jpg with 415 unsupported_file_type and stores nothing', async () => {
    const token = await t.citizenToken('uploader-exe');
    const filesBefore = await t.models.UploadFile.countDocuments();
    const chunksBefore = await t.models.UploadChunk.countDocuments();
    for (const [content, name] of [
      [exeBytes(), 'photo.jpg'],
      [htmlBytes(), 'page.jpg'],
    ] as const) {
      const res = await upload(t, token, content, name, 'image/jpeg');
      expect(res.status).toBe(415);
      expect(res.body.error).toEqual({ code: 'unsupported_file_type', message: '仅支持上传 JPG、PNG、GIF、WebP 图片或 PDF 文件' });
    }
    expect(await t.models.UploadFile.countDocuments()).toBe(filesBefore);
    expect(await t.models.UploadChunk.countDocuments()).toBe(chunksBefore);
  });

  it('refuses a file over UPLOAD_MAX_BYTES with 413 and leaves no chunks behind; exactly the limit is accepted', async () => {
    const small = await createTestApp({ env: { ...PLATFORM_TEST_ENV, UPLOAD_MAX_BYTES: '300000' }, database: t.db });
    try {
      const token = await small.citizenToken('uploader-big');
      const chunksBefore = await small.models.UploadChunk.countDocuments();
      // Over one GridFS chunk (255 KiB), so a chunk was already written when the limit is hit.
      const tooBig = pngBytes(300_001 - 16);
      expect(tooBig.length).toBe(300_001);
      const res = await upload(small, token, tooBig, 'big.png');
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'payload_too_large', details: { limitBytes: 300_000 } });
      expect(await small.models.UploadChunk.countDocuments()).toBe(chunksBefore);

      const exact = await upload(small, token, pngBytes(300_000 - 16), 'exact.png');
      expect(exact.status).toBe(201);
      expect(exact.body.size).toBe(300_000);
    } finally {
      await small.close();
    }
  });

  it('refuses a body that is not multipart with 415 unsupported_media_type', async () => {
    const token = await t.citizenToken('uploader-json');
    const res = await request(t.app).post('/api/uploads').set(auth(token)).send({ file: 'x' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
    const raw = await request(t.app).post('/api/uploads').set(auth(token)).set('Content-Type', 'image/png').send(pngBytes());
    expect(raw.status).toBe(415);
  });

  it('refuses a form without a file field, with two files, or cut short, with 400 validation_error', async () => {
    const token = await t.citizenToken('uploader-bad-form');
    const none = await request(t.app).post('/api/uploads').set(auth(token)).field('note', 'hello');
    expect(none.status).toBe(400);
    expect(none.body.error).toMatchObject({ code: 'validation_error', details: [{ in: 'body', path: 'file', message: '请选择要上传的文件' }] });

    const two = await request(t.app).post('/api/uploads').set(auth(token)).attach('file', pngBytes(), 'a.png').attach('file', pngBytes(), 'b.png');
    expect(two.status).toBe(400);
    expect(two.body.error.details[0]).toMatchObject({ path: 'file', message: '一次只能上传一个文件' });

    const chunksBefore = await t.models.UploadChunk.countDocuments();
    const truncated = Buffer.concat([
      Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'),
      pngBytes(400_000),
    ]);
    const cut = await request(t.app)
      .post('/api/uploads')
      .set(auth(token))
      .set('Content-Type', 'multipart/form-data; boundary=XyZ')
      .send(truncated);
    expect(cut.status).toBe(400);
    expect(cut.body.error.details[0]).toMatchObject({ path: 'file', message: '上传内容格式错误，请重新上传' });
    expect(await t.models.UploadChunk.countDocuments()).toBe(chunksBefore);
  });

  it('refuses malformed forms and forms over the part, field and size limits, storing nothing', async () => {
    const token = await t.citizenToken('uploader-limits');
    const post = (content: Buffer | string, contentType = 'multipart/form-data; boundary=B0undary') =>
      request(t.app).post('/api/uploads').set(auth(token)).set('Content-Type', contentType).send(Buffer.from(content));
    const part = (disposition: string, content: Buffer | string, extra = '') =>
      Buffer.concat([Buffer.from(`--B0undary\r\nContent-Disposition: form-data; ${disposition}\r\n${extra}\r\n`), Buffer.from(content), Buffer.from('\r\n')]);
    const form = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.from('--B0undary--\r\n')]);
    const filePart = part('name="file"; filename="a.png"', pngBytes());
    const fields = (n: number) => Array.from({ length: n }, (_, i) => part(`name="f${i}"`, 'v'));
    const filesBefore = await t.models.UploadFile.countDocuments();
    const chunksBefore = await t.models.UploadChunk.countDocuments();

    // Up to 9 fields besides the file are fine (Taro's formData).
    expect((await post(form(...fields(9), filePart))).status).toBe(201);
    const malformed = { code: 'validation_error', details: [{ in: 'body', path: 'file', message: '上传内容格式错误，请重新上传' }] };
    const cases: [string, Buffer, number, object][] = [
      ['too many fields', form(...fields(10), filePart), 400, malformed],
      ['too many parts', form(...fields(9), filePart, part('name="extra"; filename="x.png"', 'x')), 400, malformed],
      ['too many files', form(filePart, part('name="a"; filename="a.png"', 'a'), part('name="b"; filename="b.png"', 'b')), 400, malformed],
      ['oversized field', form(part('name="note"', 'x'.repeat(16 * 1024 + 1)), filePart), 400, malformed],
      ['part without a name', form(part('filename="a.png"', pngBytes()), filePart), 400, malformed],
      ['malformed part header', form(Buffer.from('--B0undary\r\nContent-Disposition form-data\r\n\r\nx\r\n'), filePart), 400, malformed],
      ['no closing boundary', Buffer.concat([filePart, Buffer.from('--B0und')]), 400, malformed],
      ['no boundary in the body', Buffer.from('just bytes'), 400, malformed],
      ['empty body', Buffer.alloc(0), 400, malformed],
    ];
    for (const [what, content, status, error] of cases) {
      const res = await post(content);
      expect({ what, status: res.status, error: res.body.error }).toEqual({ what, status, error: expect.objectContaining(error) });
    }
    // No boundary parameter: not a form we can read at all.
    const noBoundary = await post(form(filePart), 'multipart/form-data');
    expect(noBoundary.status).toBe(415);
    expect(noBoundary.body.error).toMatchObject({ code: 'unsupported_media_type', details: { expected: 'multipart/form-data' } });
    expect((await post(form(filePart), 'application/x-www-form-urlencoded')).status).toBe(415);

    expect(await t.models.UploadFile.countDocuments()).toBe(filesBefore + 1);
    expect(await t.models.UploadChunk.countDocuments()).toBe(chunksBefore + 1);
  });

  it('refuses a chunked body over UPLOAD_BODY_LIMIT_BYTES while it arrives and stores nothing', async () => {
    const small = await createTestApp({
      env: { ...PLATFORM_TEST_ENV, UPLOAD_MAX_BYTES: '200000', UPLOAD_BODY_LIMIT_BYTES: '200000' },
      database: t.db,
    });
    try {
      const token = await small.citizenToken('uploader-chunked');
      const chunksBefore = await small.models.UploadChunk.countDocuments();
      // No Content-Length: the limit can only be enforced as bytes arrive. The file alone is
      // within UPLOAD_MAX_BYTES; the fields before it push the body over the body limit.
      const body = Buffer.concat([
        ...Array.from({ length: 9 }, (_, i) => Buffer.from(`--B0undary\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n${'v'.repeat(16 * 1024)}\r\n`)),
        Buffer.from('--B0undary\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'),
        pngBytes(199_000),
        Buffer.from('\r\n--B0undary--\r\n'),
      ]);
      await new Promise<void>((resolve) => small.app.listen(0, '127.0.0.1', resolve));
      const { port } = small.app.address() as AddressInfo;
      const outcome = await new Promise<{ status: number } | { error: string }>((resolve) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/uploads',
          headers: { ...auth(token), 'Content-Type': 'multipart/form-data; boundary=B0undary' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0 });
        });
        req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
        // Written in pieces without a length: Node sends them chunked.
        for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
        req.end();
      });
      // The server stops reading at the limit: the client sees 413 or, still sending, a reset.
      expect([{ status: 413 }, { error: 'ECONNRESET' }, { error: 'EPIPE' }]).toContainEqual(outcome);
      // Nothing half-written is left behind.
      await eventually(async () => (await small.models.UploadChunk.countDocuments()) === chunksBefore, 'chunks of the refused upload removed');
    } finally {
      small.app.closeAllConnections();
      await new Promise((resolve) => small.app.close(resolve));
      await small.close();
    }
  });

  it('removes the chunks of an upload the client abandons half-way, and keeps serving', async () => {
    const token = await t.citizenToken('uploader-abort');
    const chunksBefore = await t.models.UploadChunk.countDocuments();
    const server = http.createServer(t.app.listeners('request')[0] as http.RequestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/uploads',
        // Announces more than it sends.
        headers: { ...auth(token), 'Content-Type': 'multipart/form-data; boundary=B0undary', 'Content-Length': '2000000' },
      });
      req.on('error', () => undefined);
      req.write(Buffer.from('--B0undary\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'));
      // Over one GridFS chunk (255 KiB), so chunks are written before the client goes away.
      req.write(pngBytes(600_000));
      await eventually(async () => (await t.models.UploadChunk.countDocuments()) > chunksBefore, 'the first chunks stored');
      req.destroy();
      await eventually(async () => (await t.models.UploadChunk.countDocuments()) === chunksBefore, 'chunks of the abandoned upload removed');
      expect((await upload(t, token, pngBytes(), 'after.png')).status).toBe(201);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('ignores other form fields (Taro.uploadFile formData) and keeps a Chinese file name', async () => {
    const token = await t.citizenToken('uploader-fields');
    const res = await request(t.app)
      .post('/api/uploads')
      .set(auth(token))
      .field('purpose', 'letter')
      .attach('file', jpegBytes(), '现场照片.jpeg')
      .field('after', 'ignored too');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/jpeg', filename: '现场照片.jpg' });
  });

  it('strips paths and unsafe characters from the client’s file name', async () => {
    const token = await t.citizenToken('uploader-names');
    // Raw bodies: the client library would rewrite these names itself.
    const send = (filenameParam: string) =>
      request(t.app)
        .post('/api/uploads')
        .set(auth(token))
        .set('Content-Type', 'multipart/form-data; boundary=B0undary')
        .send(
          Buffer.concat([
            Buffer.from(`--B0undary\r\nContent-Disposition: form-data; name="file"; ${filenameParam}\r\n\r\n`),
            pngBytes(),
            Buffer.from('\r\n--B0undary--\r\n'),
          ]),
        );
    const windows = await send('filename="C:\\fakepath\\my%22photo<1>:.png"');
    expect(windows.status).toBe(201);
    expect(windows.body.filename).toBe('myphoto1.png');
    expect((await send('filename=".png"')).body.filename).toBe('file.png');
    expect((await send('filename="../../etc/passwd"')).body.filename).toBe('passwd.png');
    expect((await send(`filename="x.png"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.gif`)).body.filename).toBe('报告.png');
  });

  it('removes control, bidi and zero-width characters from the stored and served file name', async () => {
    const token = await t.citizenToken('uploader-bidi');
    const send = (filenameParam: string) =>
      request(t.app)
        .post('/api/uploads')
        .set(auth(token))
        .set('Content-Type', 'multipart/form-data; boundary=B0undary')
        .send(
          Buffer.concat([
            Buffer.from(`--B0undary\r\nContent-Disposition: form-data; name="file"; ${filenameParam}\r\n\r\n`, 'utf8'),
            pngBytes(),
            Buffer.from('\r\n--B0undary--\r\n'),
          ]),
        );
    const invisible = /[\p{Cc}\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u2028\u2029]/u;
    const cases: [string, string][] = [
      // Displayed as "gnpgnp.exe" with the right-to-left override kept.
      ['filename="gnp\u202eexe.png"', 'gnpexe.png'],
      ['filename="\u2066报告\u2069\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068.png"', '报告.png'],
      ['filename="zero\u200bwidth\u200cjoin\u200d\u2060\ufeffed.png"', 'zerowidthjoined.png'],
      // Percent-encoded control characters (C0, DEL, C1) and separators arrive decoded.
      [`filename*=UTF-8''a%01b%1Fc%7Fd%C2%85e%C2%9Ff%E2%80%A8g%E2%80%A9.png`, 'abcdefg.png'],
      // A hidden dot or separator cannot smuggle in a path or a hidden name.
      ['filename="..\u202e/\u200b.png"', 'file.png'],
    ];
    for (const [param, expected] of cases) {
      const res = await send(param);
      expect({ param, status: res.status, filename: res.body.filename }).toEqual({ param, status: 201, filename: expected });
      const doc = await stored(res.body.id);
      expect(doc!.filename).toBe(expected);
      const download = await binary(request(t.app).get(`/api/uploads/${res.body.id}`).set(auth(token)));
      expect(download.status).toBe(200);
      expect(decodeURIComponent(String(download.headers['content-disposition']))).not.toMatch(invisible);
    }

    // A name stored before the fix is served without its invisible characters.
    const old = await send('filename="old.png"');
    await t.models.UploadFile.updateOne({ _id: new Types.ObjectId(old.body.id as string) }, { $set: { filename: 'gnp\u202eexe.png' } });
    const download = await binary(request(t.app).get(`/api/uploads/${old.body.id}`).set(auth(token)));
    expect(download.headers['content-disposition']).toBe(`inline; filename="gnpexe.png"; filename*=UTF-8''gnpexe.png`);
    const owner = { type: 'claimprobe', id: 'bidi-legacy' };
    await t.services.uploads.claimForAttachment(await actorOf(t, token), [old.body.id], owner);
    expect((await t.services.uploads.listForOwner(owner)).map((i) => i.filename)).toEqual(['gnpexe.png']);
  });
});

describe('GET /api/uploads/:id', () => {
  it('round-trips a multi-chunk file byte for byte with its type, length and private caching', async () => {
    const token = await t.citizenToken('roundtrip');
    const content = Buffer.concat([pdfBytes(), patternBytes(1024 * 1024 + 12_345)]);
    const up = await upload(t, token, content, 'big.pdf');
    expect(up.status).toBe(201);
    expect(await chunkCount(up.body.id)).toBe(5);
    const res = await binary(request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(token)));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-length']).toBe(String(content.length));
    expect(res.headers['cache-control']).toBe('private');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe(`inline; filename="big.pdf"; filename*=UTF-8''big.pdf`);
    expect(Buffer.compare(res.body as Buffer, content)).toBe(0);
  });

  it('lets only the uploader read an unattached file: other citizens, staff and anonymous get 404', async () => {
    const owner = await t.citizenToken('reader-owner');
    const up = await upload(t, owner, pngBytes(), 'mine.png');
    expect((await binary(request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(owner)))).status).toBe(200);
    for (const token of [await t.citizenToken('reader-other'), await t.staffToken('office'), await t.staffToken('admin')]) {
      const res = await request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(token));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await request(t.app).get(`/api/uploads/${up.body.id}`)).status).toBe(404);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const token = await t.citizenToken('reader-unknown');
    expect((await request(t.app).get(`/api/uploads/${new Types.ObjectId().toHexString()}`).set(auth(token))).status).toBe(404);
    const bad = await request(t.app).get('/api/uploads/not-an-id').set(auth(token));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ in: 'params', path: 'id' });
  });

  it('after attaching, asks the owner type’s resolver: allowed readers get the file, everyone else 404', async () => {
    const writer = await t.citizenToken('attach-writer');
    const friend = await t.citizenToken('attach-friend');
    const friendActor = await citizenOf(t, friend);
    const handler = await t.createStaff({ role: 'handler' });
    const type = ownerType(async (actor, ownerId) =>
      ownerId === 'case-1' && ((actor.kind === 'citizen' && actor.userId === friendActor.userId) || (actor.kind === 'staff' && actor.staffId === handler.id)),
    );
    const up = await upload(t, writer, pngBytes(), 'evidence.png');
    await t.services.uploads.claimForAttachment(await actorOf(t, writer), [up.body.id], { type, id: 'case-1' });

    // The resolver, not the upload, decides now: the writer is not among its readers.
    expect((await request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(writer))).status).toBe(404);
    expect((await binary(request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(friend)))).status).toBe(200);
    const staffRead = await binary(request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(handler.token)).set('x-request-id', 'read-attachment-1'));
    expect(staffRead.status).toBe(200);
    expect((await request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(await t.staffToken('office')))).status).toBe(404);

    const entry = await t.models.AuditEntry.findOne({ action: 'upload.read_attachment', targetId: up.body.id }).lean();
    expect(entry).toMatchObject({
      actor: { kind: 'staff', id: handler.id },
      targetType: 'upload',
      details: { ownerType: type, ownerId: 'case-1' },
      requestId: 'read-attachment-1',
    });
    // Citizens' reads are not staff reads of personal data.
    expect(await t.models.AuditEntry.countDocuments({ action: 'upload.read_attachment', targetId: up.body.id })).toBe(1);
  });

  it('does not audit staff reads of public material (personalData: false), and lets anonymous readers in when allowed', async () => {
    const staff = await t.createStaff({ role: 'office' });
    const type = ownerType(async (_actor, ownerId) => ownerId === 'published', false);
    const up = await upload(t, staff.token, pdfBytes(), 'policy.pdf');
    await t.services.uploads.claimForAttachment(await actorOf(t, staff.token), [up.body.id], { type, id: 'published' });
    expect((await binary(request(t.app).get(`/api/uploads/${up.body.id}`))).status).toBe(200);
    expect((await binary(request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(staff.token)))).status).toBe(200);
    expect(await t.models.AuditEntry.countDocuments({ action: 'upload.read_attachment', targetId: up.body.id })).toBe(0);
  });

  it('answers 404 for files attached to a type nobody registered a resolver for', async () => {
    const writer = await t.citizenToken('attach-unregistered');
    const up = await upload(t, writer, pngBytes(), 'x.png');
    await t.services.uploads.claimForAttachment(await actorOf(t, writer), [up.body.id], { type: 'unregistered', id: '1' });
    expect((await request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(writer))).status).toBe(404);
  });
});

describe('uploads.claimForAttachment', () => {
  it('attaches the actor’s uploads in order, stops their expiry, and is idempotent for the same owner', async () => {
    const token = await t.citizenToken('claimer');
    const actor = await actorOf(t, token);
    const a = (await upload(t, token, pngBytes(), 'a.png')).body.id as string;
    const b = (await upload(t, token, pdfBytes(), 'b.pdf')).body.id as string;
    const owner = { type: 'claimprobe', id: new Types.ObjectId().toHexString() };
    const infos = await t.services.uploads.claimForAttachment(actor, [b, a], owner);
    expect(infos.map((i) => [i.id, i.contentType, i.filename])).toEqual([
      [b, 'application/pdf', 'b.pdf'],
      [a, 'image/png', 'a.png'],
    ]);
    expect(await stored(a)).toMatchObject({ metadata: { attachedTo: owner, attachedAt: new Date(t.clock.now()), expiresAt: null } });
    expect((await t.services.uploads.listForOwner(owner)).map((i) => i.id)).toEqual([b, a]);
    // A retried submission claims the same files again without error.
    expect((await t.services.uploads.claimForAttachment(actor, [b, a], owner)).map((i) => i.id)).toEqual([b, a]);
  });

  it('refuses another citizen’s, unknown, attached-elsewhere or disallowed uploads with invalid_attachment, attaching none', async () => {
    const mine = await t.citizenToken('claim-rules-me');
    const theirs = await t.citizenToken('claim-rules-them');
    const actor = await actorOf(t, mine);
    const own = (await upload(t, mine, pngBytes(), 'own.png')).body.id as string;
    const ownPdf = (await upload(t, mine, pdfBytes(), 'own.pdf')).body.id as string;
    const other = (await upload(t, theirs, pngBytes(), 'other.png')).body.id as string;
    const elsewhere = (await upload(t, mine, pngBytes(), 'else.png')).body.id as string;
    await t.services.uploads.claimForAttachment(actor, [elsewhere], { type: 'claimprobe', id: 'first' });
    const unknown = new Types.ObjectId().toHexString();

    const attempt = t.services.uploads.claimForAttachment(actor, [own, other, unknown, elsewhere, 'zz'], { type: 'claimprobe', id: 'second' });
    await expect(attempt).rejects.toMatchObject({
      code: 'invalid_attachment',
      status: 400,
      details: [
        { id: other, reason: 'not_found' },
        { id: unknown, reason: 'not_found' },
        { id: elsewhere, reason: 'attached_elsewhere' },
        { id: 'zz', reason: 'not_found' },
      ],
    });
    await expect(
      t.services.uploads.claimForAttachment(actor, [own, ownPdf], { type: 'claimprobe', id: 'second' }, { kinds: ['image'] }),
    ).rejects.toMatchObject({ code: 'invalid_attachment', details: [{ id: ownPdf, reason: 'kind_not_allowed' }] });
    // All or nothing: the valid upload of the refused calls stays unattached.
    expect((await stored(own))?.metadata.attachedTo ?? null).toBeNull();
    // Staff cannot claim a citizen's upload either.
    await expect(
      t.services.uploads.claimForAttachment(await actorOf(t, await t.staffToken('office')), [own], { type: 'claimprobe', id: 'x' }),
    ).rejects.toMatchObject({ code: 'invalid_attachment' });
  });

  it('claims within the caller’s transaction: an aborted transaction attaches nothing', async () => {
    const token = await t.citizenToken('claim-session');
    const actor = await actorOf(t, token);
    const id = (await upload(t, token, pngBytes(), 'tx.png')).body.id as string;
    await expect(
      t.db.connection.transaction(async (session) => {
        await t.services.uploads.claimForAttachment(actor, [id], { type: 'claimprobe', id: 'tx' }, { session });
        throw new Error('the feature failed after claiming');
      }),
    ).rejects.toThrow('the feature failed after claiming');
    expect((await stored(id))?.metadata.attachedTo ?? null).toBeNull();
    await t.db.connection.transaction(async (session) => {
      await t.services.uploads.claimForAttachment(actor, [id], { type: 'claimprobe', id: 'tx' }, { session });
    });
    expect((await stored(id))?.metadata.attachedTo).toEqual({ type: 'claimprobe', id: 'tx' });
  });

  it('lets two concurrent claims of one upload for different owners succeed at most once', async () => {
    const token = await t.citizenToken('claim-race');
    const actor = await actorOf(t, token);
    const id = (await upload(t, token, pngBytes(), 'race.png')).body.id as string;
    const results = await Promise.allSettled([
      t.services.uploads.claimForAttachment(actor, [id], { type: 'claimprobe', id: 'race-a' }),
      t.services.uploads.claimForAttachment(actor, [id], { type: 'claimprobe', id: 'race-b' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const attached = (await stored(id))?.metadata.attachedTo;
    expect(['race-a', 'race-b']).toContain(attached?.id);
  });

  it('releaseAttachments returns files to their uploader with a fresh 24-hour expiry', async () => {
    const token = await t.citizenToken('release');
    const actor = await actorOf(t, token);
    const id = (await upload(t, token, pngBytes(), 'r.png')).body.id as string;
    const owner = { type: 'claimprobe', id: 'release' };
    await t.services.uploads.claimForAttachment(actor, [id], owner);
    expect(await t.services.uploads.releaseAttachments(owner, [id])).toBe(1);
    expect(await stored(id)).toMatchObject({ metadata: { expiresAt: new Date(t.clock.now() + UNATTACHED_UPLOAD_TTL_MS) } });
    expect((await stored(id))?.metadata.attachedTo ?? null).toBeNull();
    expect(await t.services.uploads.listForOwner(owner)).toEqual([]);
    expect((await binary(request(t.app).get(`/api/uploads/${id}`).set(auth(token)))).status).toBe(200);
  });
});

describe('the upload-cleanup background task', () => {
  it('deletes unattached uploads (document and chunks) 24 hours after upload and keeps attached ones', async () => {
    const db = await createTestApp({ env: PLATFORM_TEST_ENV });
    try {
      const token = await db.citizenToken('cleanup');
      const actor = await actorOf(db, token);
      const loose = (await upload(db, token, pngBytes(300_000), 'loose.png')).body.id as string;
      const kept = (await upload(db, token, pngBytes(), 'kept.png')).body.id as string;
      await db.services.uploads.claimForAttachment(actor, [kept], { type: 'claimprobe', id: 'kept' });
      expect(await db.models.UploadChunk.countDocuments({ files_id: new Types.ObjectId(loose) })).toBe(2);

      db.clock.advance(UNATTACHED_UPLOAD_TTL_MS - 1);
      expect(await runBackgroundTask(db.built, uploadCleanupTask, captureless())).toBe(true);
      expect(await db.models.UploadFile.exists({ _id: loose })).not.toBeNull();

      db.clock.advance(60 * 60_000);
      expect(await runBackgroundTask(db.built, uploadCleanupTask, captureless())).toBe(true);
      expect(await db.models.UploadFile.exists({ _id: loose })).toBeNull();
      expect(await db.models.UploadChunk.countDocuments({ files_id: new Types.ObjectId(loose) })).toBe(0);
      expect(await db.models.UploadFile.exists({ _id: kept })).not.toBeNull();
      expect(await db.models.UploadChunk.countDocuments({ files_id: new Types.ObjectId(kept) })).toBe(1);
      expect((await request(db.app).get(`/api/uploads/${loose}`).set(auth(token))).status).toBe(404);
      // An expired upload can no longer be claimed.
      await expect(db.services.uploads.claimForAttachment(actor, [loose], { type: 'claimprobe', id: 'late' })).rejects.toMatchObject({
        code: 'invalid_attachment',
      });
    } finally {
      await db.close();
    }
  });

  it('runs on one instance per interval: a second instance skips while the first holds the lease', async () => {
    const first = await createTestApp({ env: PLATFORM_TEST_ENV });
    const second = await createTestApp({ env: PLATFORM_TEST_ENV, database: first.db, clock: first.clock });
    try {
      expect(await runBackgroundTask(first.built, uploadCleanupTask, captureless())).toBe(true);
      expect(await runBackgroundTask(second.built, uploadCleanupTask, captureless())).toBe(false);
      const lease = await first.models.Lease.findById('task:upload-cleanup').lean();
      expect(lease).toMatchObject({ holder: first.built.instanceId, leaseUntil: new Date(first.clock.now() + uploadCleanupTask.intervalMs) });
      first.clock.advance(uploadCleanupTask.intervalMs);
      expect(await runBackgroundTask(second.built, uploadCleanupTask, captureless())).toBe(true);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

/** A silent logger for direct task runs. */
function captureless() {
  return captureLogger('silent').logger;
}
