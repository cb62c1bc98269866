/**
 * Writing a letter: validation, tracking numbers, deadlines on real holiday dates, repeated
 * submissions and Idempotency-Key, the daily cap, and the categories the form offers.
 */
import { Types } from 'mongoose';
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp, type TestClock } from '../support/app';
import { buildLetter, cst, LETTER_TEST_ENV, useLetterSettings } from '../support/letter-factories';

let t: TestApp;
let clock: TestClock;
let citizen: string;
beforeAll(async () => {
  clock = createTestClock(cst('2026-09-30T10:00'));
  t = await createTestApp({ env: LETTER_TEST_ENV, clock });
  await useLetterSettings(t, { submissionsPerDay: 100 });
  citizen = await t.citizenToken('submit-writer');
});
afterAll(() => t.close());

const post = (token: string, body: object) => request(t.app).post('/api/letters').set(auth(token)).send(body);

describe('POST /api/letters', () => {
  it('creates the letter with a tracking number and deadlines explained, and stores it', async () => {
    const input = buildLetter({ category: 'suggest', contactName: '张三', contactPhone: '13812345678', publicConsent: false });
    const res = await post(citizen, input);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      trackingNo: expect.stringMatching(/^XX20260930-\d{4}$/),
      status: 'submitted',
      statusLabel: '已提交',
    });
    const stored = await t.models.Letter.findById(res.body.id).lean();
    expect(stored).toMatchObject({
      trackingNo: res.body.trackingNo,
      category: 'suggest',
      categoryName: '建议',
      subject: input.subject,
      contactName: '张三',
      contactPhone: '13812345678',
      status: 'submitted',
      publicReview: 'not_requested',
      acceptDays: 2,
      replyDays: 15,
      departmentId: null,
    });
    expect(stored!.openDueAt?.toISOString()).toBe(res.body.acceptDueAt);
    expect(stored!.timeline).toEqual([expect.objectContaining({ type: 'submitted', status: 'submitted', actorKind: 'citizen' })]);
    // Never an openid on the letter.
    expect(JSON.stringify(stored)).not.toMatch(/dev_[0-9a-f]{24}/);
  });

  it('counts deadlines from 2026-09-30 across 国庆 2026, counting the 10月10日 调休 Saturday', async () => {
    clock.set(cst('2026-09-30T16:30'));
    const res = await post(citizen, buildLetter());
    expect(res.status).toBe(201);
    expect(res.body.acceptDueAt).toBe('2026-10-09T15:59:59.999Z');
    expect(res.body.replyDueAt).toBe('2026-10-27T15:59:59.999Z');
    expect(res.body.deadlines.accept).toMatchObject({ workingDays: 2, startDate: '2026-09-30', dueDate: '2026-10-09', basis: 'chinese-days' });
    expect(res.body.deadlines.accept.explanation).toContain('跳过国庆节假期（10月1日至10月7日）');
    expect(res.body.deadlines.reply).toMatchObject({ workingDays: 15, dueDate: '2026-10-27' });
    expect(res.body.deadlines.reply.explanation).toBe(
      '自2026年9月30日起算15个工作日（当日不计），跳过国庆节假期（10月1日至10月7日）及周末5天，10月10日（周六）调休上班，计入工作日，截止2026年10月27日（周二）。',
    );
    const stored = await t.models.Letter.findById(res.body.id).lean();
    expect(stored!.replyDeadline).toMatchObject({ dueDate: '2026-10-27', makeupWorkdays: ['2026-10-10'] });
    expect(stored!.replyDeadline.skipped.filter((s) => s.reason === 'holiday')).toHaveLength(7);
  });

  it('counts deadlines from 2026-02-13 across 春节 2026, counting the 2月14日 and 2月28日 调休 Saturdays', async () => {
    clock.set(cst('2026-02-13T09:00'));
    const res = await post(citizen, buildLetter());
    expect(res.status).toBe(201);
    expect(res.body.trackingNo).toMatch(/^XX20260213-\d{4}$/);
    expect(res.body.deadlines.accept).toMatchObject({ dueDate: '2026-02-24', dueAt: '2026-02-24T15:59:59.999Z' });
    expect(res.body.deadlines.accept.explanation).toBe(
      '自2026年2月13日起算2个工作日（当日不计），跳过春节假期（2月15日至2月23日），2月14日（周六）调休上班，计入工作日，截止2026年2月24日（周二）。',
    );
    expect(res.body.deadlines.reply).toMatchObject({ dueDate: '2026-03-12', dueAt: '2026-03-12T15:59:59.999Z' });
    expect(res.body.deadlines.reply.explanation).toContain('2月14日（周六）、2月28日（周六）调休上班');
    clock.set(cst('2026-09-30T10:00'));
  });

  it('uses the CST date for the tracking number, not the UTC one', async () => {
    clock.set(Date.parse('2026-10-08T17:30:00Z')); // 2026-10-09 01:30 CST
    const res = await post(citizen, buildLetter());
    expect(res.body.trackingNo).toMatch(/^XX20261009-0001$/);
    clock.set(cst('2026-09-30T10:00'));
  });

  it('refuses anonymous callers with 401 and staff with 403', async () => {
    expect((await request(t.app).post('/api/letters').send(buildLetter())).status).toBe(401);
    const staff = await t.staffToken('office');
    const res = await post(staff, buildLetter());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  describe('validation (400 validation_error, nothing stored)', () => {
    const cases: [string, object, { path: string; message: string }][] = [
      ['a subject of 4 characters', { subject: '停车问题' }, { path: 'subject', message: '标题至少5个字' }],
      ['a subject of 41 characters', { subject: '关'.repeat(41) }, { path: 'subject', message: '标题最多40个字' }],
      ['content of 9 characters', { content: '一二三四五六七八九' }, { path: 'content', message: '内容至少10个字' }],
      ['content of 2,001 characters', { content: '字'.repeat(2001) }, { path: 'content', message: '内容最多2000个字' }],
      ['a malformed phone number', { contactPhone: '1381234' }, { path: 'contactPhone', message: '请填写正确的手机号或带区号的固定电话' }],
      ['a contact name of 21 characters', { contactName: '名'.repeat(21) }, { path: 'contactName', message: '联系人姓名最多20个字' }],
      ['an unknown category', { category: 'lottery' }, { path: 'category', message: '请选择有效的信件类别' }],
      ['ten attachments', { attachmentIds: Array.from({ length: 10 }, (_, i) => `aaaaaaaaaaaaaaaaaaaaaa${String(i).padStart(2, '0')}`) }, { path: 'attachmentIds', message: '附件最多9个' }],
      ['a malformed attachment id', { attachmentIds: ['nope'] }, { path: 'attachmentIds.0', message: '无效的编号' }],
      ['a missing consent answer', { publicConsent: undefined }, { path: 'publicConsent', message: '请选择是否同意公开' }],
    ];

    it.each(cases)('refuses %s', async (_name, overrides, issue) => {
      const before = await t.models.Letter.countDocuments();
      const res = await post(citizen, { ...buildLetter(), ...overrides });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details).toEqual([{ in: 'body', ...issue }]);
      expect(await t.models.Letter.countDocuments()).toBe(before);
    });

    it('counts characters, not UTF-16 units: a 5-character subject with an emoji passes', async () => {
      expect((await post(citizen, buildLetter({ subject: '路灯坏了😀' }))).status).toBe(201);
    });

    it('reports every problem of the request at once', async () => {
      const res = await post(citizen, { category: '', subject: '短', content: '短', contactPhone: 'x', publicConsent: 'yes' });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['category', 'contactPhone', 'content', 'publicConsent', 'subject']);
    });
  });

  describe('repeated submissions', () => {
    it('returns the first letter (200, same body) for an identical submission within 10 minutes', async () => {
      const input = buildLetter();
      const first = await post(citizen, input);
      expect(first.status).toBe(201);
      clock.advance(9 * 60_000);
      const again = await post(citizen, input);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await t.models.Letter.countDocuments({ subject: input.subject })).toBe(1);
      clock.set(cst('2026-09-30T10:00'));
    });

    it('creates a new letter once the window has passed, or when anything of category, subject or content differs', async () => {
      const input = buildLetter();
      const first = await post(citizen, input);
      clock.advance(11 * 60_000);
      const later = await post(citizen, input);
      expect(later.status).toBe(201);
      expect(later.body.id).not.toBe(first.body.id);
      const other = await post(citizen, { ...input, category: 'help' });
      expect(other.status).toBe(201);
      clock.set(cst('2026-09-30T10:00'));
    });

    it('does not treat the same text from another citizen as a repeat', async () => {
      const input = buildLetter();
      const a = await post(citizen, input);
      const b = await post(await t.citizenToken('another-writer'), input);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
    });

    it('creates exactly one letter when the same submission arrives several times at once', async () => {
      const input = buildLetter();
      const token = await t.citizenToken('double-tap-writer');
      const results = await Promise.all(Array.from({ length: 5 }, () => post(token, input)));
      const ids = new Set(results.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(await t.models.Letter.countDocuments({ subject: input.subject })).toBe(1);
    });

    it('takes over the lock of an identical submission that died before writing its letter', async () => {
      const input = buildLetter();
      const token = await t.citizenToken('crashed-twin-writer');
      const first = await post(token, input);
      expect(first.status).toBe(201);
      // As if another instance took the lock for a new identical submission and crashed at once:
      // the lock names a letter that will never be written.
      const lock = await t.models.LetterLock.findOne({ letterId: new Types.ObjectId(first.body.id as string) }).lean();
      expect(lock).not.toBeNull();
      await t.models.LetterLock.updateOne({ _id: lock!._id }, { $set: { letterId: new Types.ObjectId(), at: new Date(t.clock.now()) } });
      const second = await post(token, input);
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
      expect(await t.models.LetterLock.countDocuments({ _id: lock!._id, letterId: new Types.ObjectId(second.body.id as string) })).toBe(1);
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the same letter for the same key and body, even after the duplicate window', async () => {
      const input = buildLetter();
      const first = await post(citizen, input).set('Idempotency-Key', 'form-0001-abcdef');
      expect(first.status).toBe(201);
      clock.advance(60 * 60_000);
      const again = await request(t.app).post('/api/letters').set(auth(citizen)).set('Idempotency-Key', 'form-0001-abcdef').send(input);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect((await t.models.Letter.findById(first.body.id).lean())?.idempotencyKey).toBe('form-0001-abcdef');
      clock.set(cst('2026-09-30T10:00'));
    });

    it('refuses the same key with a different body: 409 idempotency_key_reused', async () => {
      await post(citizen, buildLetter()).set('Idempotency-Key', 'form-0002-abcdef');
      const before = await t.models.Letter.countDocuments();
      const res = await request(t.app).post('/api/letters').set(auth(citizen)).set('Idempotency-Key', 'form-0002-abcdef').send(buildLetter());
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('idempotency_key_reused');
      expect(await t.models.Letter.countDocuments()).toBe(before);
    });

    it('keeps keys per citizen: another citizen using the same key gets a letter of their own', async () => {
      const input = buildLetter();
      const a = await post(citizen, input).set('Idempotency-Key', 'form-0003-abcdef');
      const b = await request(t.app).post('/api/letters').set(auth(await t.citizenToken('key-writer-2'))).set('Idempotency-Key', 'form-0003-abcdef').send(input);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
    });

    it('creates one letter when requests with the same key race', async () => {
      const token = await t.citizenToken('key-race-writer');
      const input = buildLetter();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => request(t.app).post('/api/letters').set(auth(token)).set('Idempotency-Key', 'form-race-000001').send(input)),
      );
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await t.models.Letter.countDocuments({ idempotencyKey: 'form-race-000001' })).toBe(1);
    });

    it('refuses a malformed key with 400 on the header', async () => {
      const res = await post(citizen, buildLetter()).set('Idempotency-Key', 'short');
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ in: 'headers', path: 'idempotency-key', message: '请求编号应为8至128位字母、数字或 . _ : -' }]);
    });
  });

  it('gives concurrent submissions unique, consecutive tracking numbers', async () => {
    clock.set(cst('2026-11-02T09:00'));
    const tokens = await Promise.all(Array.from({ length: 12 }, (_, i) => t.citizenToken(`concurrent-${i}`)));
    const results = await Promise.all(tokens.map((token) => post(token, buildLetter())));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const numbers = results.map((r) => r.body.trackingNo as string).sort();
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => `XX20261102-${String(i + 1).padStart(4, '0')}`));
    clock.set(cst('2026-09-30T10:00'));
  });
});

describe('the daily submission cap', () => {
  it('refuses the letter beyond the configured number per day with 429, counting repeats only once', async () => {
    const capped = await createTestApp({ env: LETTER_TEST_ENV, clock: createTestClock(cst('2026-10-12T09:00')) });
    try {
      const admin = await capped.staffToken('admin');
      const settings = (await request(capped.app).get('/api/admin/letters/settings').set(auth(admin))).body;
      const { updatedAt: _u, ...rest } = settings;
      expect((await request(capped.app).put('/api/admin/letters/settings').set(auth(admin)).send({ ...rest, submissionsPerDay: 2 })).status).toBe(200);
      const token = await capped.citizenToken('busy-writer');
      const first = buildLetter();
      expect((await request(capped.app).post('/api/letters').set(auth(token)).send(first)).status).toBe(201);
      // A repeat is answered with the first letter and not counted.
      expect((await request(capped.app).post('/api/letters').set(auth(token)).send(first)).status).toBe(200);
      expect((await request(capped.app).post('/api/letters').set(auth(token)).send(buildLetter())).status).toBe(201);
      const third = await request(capped.app).post('/api/letters').set(auth(token)).send(buildLetter());
      expect(third.status).toBe(429);
      expect(third.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfter: expect.any(Number) } });
      expect(third.headers['retry-after']).toBeDefined();
      expect(await capped.models.Letter.countDocuments()).toBe(2);
      // Another citizen is not affected.
      expect((await request(capped.app).post('/api/letters').set(auth(await capped.citizenToken('calm-writer'))).send(buildLetter())).status).toBe(201);
    } finally {
      await capped.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('documents the Idempotency-Key header and both success statuses of POST /api/letters', () => {
    const op = (t.built.openapi as { paths: Record<string, Record<string, { parameters?: unknown[]; responses: Record<string, unknown> }>> }).paths[
      '/api/letters'
    ].post;
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header', required: false }));
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '201', '409', '422', '429']));
  });
});

describe('GET /api/letters/categories', () => {
  it('lists the default categories with their deadlines and the limits, without login', async () => {
    const res = await request(t.app).get('/api/letters/categories');
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { name: string }) => c.name)).toEqual(['咨询', '建议', '投诉', '求助', '其他']);
    expect(res.body.items[0]).toEqual({
      key: 'consult',
      name: '咨询',
      acceptDays: 2,
      replyDays: 15,
      description: '2个工作日内受理，15个工作日内答复（遇法定节假日顺延）',
    });
    expect(res.body.limits).toEqual({ subjectMin: 5, subjectMax: 40, contentMin: 10, contentMax: 2000, contactNameMax: 20, attachmentsMax: 9 });
    expect(res.body.publicListing).toBe(true);
  });
});
