/**
 * 找错 reports, citizen side: submission rules (URL, type, description, contact, screenshots),
 * deadlines on real holiday dates, the citizen's own list and detail, and who may call them.
 */
import request from 'supertest';
import { ERROR_REPORT_TYPES } from '../../shared/error-reports';
import { auth, createTestApp, createTestClock, type TestApp } from '../support/app';
import { buildErrorReport, cst, ERROR_REPORT_TEST_ENV, siteUrl, submitReport } from '../support/error-report-factories';
import { pdfBytes, pngBytes, upload } from '../support/platform-factories';

let t: TestApp;
let alice: string;
let bob: string;

beforeAll(async () => {
  t = await createTestApp({ env: ERROR_REPORT_TEST_ENV, clock: createTestClock(cst('2026-09-14T09:00')) });
  alice = await t.citizenToken('alice');
  bob = await t.citizenToken('bob');
});
afterAll(() => t.close());

const submit = (token: string, body: object) => request(t.app).post('/api/error-reports').set(auth(token)).send(body);

/** The validation issues of a 400 answer, as `path: message`. */
function issues(res: request.Response): string[] {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_error');
  return (res.body.error.details as { path: string; message: string }[]).map((d) => `${d.path}: ${d.message}`);
}

describe('POST /api/error-reports: who may submit', () => {
  it('answers 401 without a token', async () => {
    const res = await request(t.app).post('/api/error-reports').send(buildErrorReport());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it.each(['admin', 'office', 'handler', 'reviewer'] as const)('answers 403 to staff (%s)', async (role) => {
    const res = await submit(await t.staffToken(role), buildErrorReport());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('POST /api/error-reports: the URL', () => {
  it.each([
    ['ftp://www.example.gov.cn/file.txt', '仅支持 http:// 或 https:// 开头的网页网址'],
    ['javascript:alert(1)', '不支持 javascript: 或 data: 等脚本或数据链接，请填写网页的网址'],
    ['JavaScript:alert(document.cookie)', '不支持 javascript: 或 data: 等脚本或数据链接，请填写网页的网址'],
    ['data:text/html;base64,PHNjcmlwdD4=', '不支持 javascript: 或 data: 等脚本或数据链接，请填写网页的网址'],
    ['www.example.gov.cn/page', '网址须以 http:// 或 https:// 开头'],
    ['http:///path/only', '网址缺少域名'],
    ['https://', '网址缺少域名'],
    ['http:example.gov.cn', '网址缺少域名'],
    ['https://user:secret@www.example.gov.cn/', '网址中不能包含用户名或密码'],
    ['https://admin@www.example.gov.cn/', '网址中不能包含用户名或密码'],
    ['https://www.example.gov.cn:99999/', '网址中的端口号不正确'],
    ['https://exa mple.gov.cn/', '网址中不能包含空格或控制字符'],
    ['https://bad..host.gov.cn/', '网址中的域名格式不正确'],
    ['https://www.example.gov.cn\\@evil.com/', '网址格式不正确'],
    ['', '请填写出错网页的网址'],
  ])('refuses %j with a Chinese message', async (url, message) => {
    const res = await submit(alice, buildErrorReport({ url }));
    expect(issues(res)).toEqual([`url: ${message}`]);
    expect(await t.models.ErrorReport.countDocuments({ url })).toBe(0);
  });

  it('refuses a URL of 2,001 characters and accepts one of 2,000', async () => {
    const base = 'https://www.example.gov.cn/';
    const long = base + 'a'.repeat(2001 - base.length);
    expect(long).toHaveLength(2001);
    expect(issues(await submit(alice, buildErrorReport({ url: long })))).toEqual(['url: 网址最多2000个字符']);
    const ok = await submit(alice, buildErrorReport({ url: long.slice(0, 2000) }));
    expect(ok.status).toBe(201);
  });

  it('refuses a URL that is not a string', async () => {
    expect(issues(await submit(alice, buildErrorReport({ url: 42 as unknown as string })))).toEqual(['url: 请填写出错网页的网址']);
  });

  it('accepts an internationalized (中文) domain and stores its punycode form as the duplicate key', async () => {
    const res = await submit(alice, buildErrorReport({ url: 'https://政府.中国/公开/指南.html' }));
    expect(res.status).toBe(201);
    const stored = await t.models.ErrorReport.findById(res.body.id).lean();
    expect(stored?.url).toBe('https://政府.中国/公开/指南.html');
    expect(stored?.normalizedUrl).toBe('https://xn--mxtq1m.xn--fiqs8s/%E5%85%AC%E5%BC%80/%E6%8C%87%E5%8D%97.html');
  });

  it('accepts a punycode domain, a port, an IP address and trims spaces around the URL', async () => {
    for (const url of ['http://xn--mxtq1m.xn--fiqs8s/a', 'http://www.example.gov.cn:8080/a?b=1', 'http://10.1.2.3/portal', '  https://www.example.gov.cn/x  ']) {
      const res = await submit(alice, buildErrorReport({ url }));
      expect(res.status).toBe(201);
      expect((await t.models.ErrorReport.findById(res.body.id).lean())?.url).toBe(url.trim());
    }
  });
});

describe('POST /api/error-reports: the other fields', () => {
  it('requires an error type from the list and accepts each of them', async () => {
    expect(issues(await submit(alice, buildErrorReport({ errorType: 'spelling' as never })))).toEqual(['errorType: 请选择错误类型']);
    const missing = buildErrorReport() as Partial<ReturnType<typeof buildErrorReport>>;
    delete missing.errorType;
    expect(issues(await submit(alice, missing))).toEqual(['errorType: 请选择错误类型']);
    for (const errorType of ERROR_REPORT_TYPES) {
      expect((await submit(alice, buildErrorReport({ errorType }))).status).toBe(201);
    }
  });

  it('requires a description of 5 to 500 characters, trimmed, counted as people count them', async () => {
    expect(issues(await submit(alice, buildErrorReport({ description: '链接坏了' })))).toEqual(['description: 问题描述至少5个字']);
    expect(issues(await submit(alice, buildErrorReport({ description: '字'.repeat(501) })))).toEqual(['description: 问题描述最多500个字']);
    expect((await submit(alice, buildErrorReport({ description: '字'.repeat(500) }))).status).toBe(201);
    // Five characters, one of them outside the BMP, surrounded by spaces.
    const res = await submit(alice, buildErrorReport({ description: '  链接打不开𠀋  ' }));
    expect(res.status).toBe(201);
    expect((await t.models.ErrorReport.findById(res.body.id).lean())?.description).toBe('链接打不开𠀋');
  });

  it('refuses an empty, blank or punctuation-only description', async () => {
    expect(issues(await submit(alice, buildErrorReport({ description: '' })))).toEqual(['description: 请填写问题描述']);
    expect(issues(await submit(alice, buildErrorReport({ description: ' \u3000\t\n  \u200b\u200b ' })))).toEqual(['description: 请填写问题描述']);
    expect(issues(await submit(alice, buildErrorReport({ description: '。。。。。！！！' })))).toEqual(['description: 问题描述不能只有空白或标点符号']);
  });

  it('takes the description bounds from the configuration', async () => {
    const strict = await createTestApp({
      env: { ...ERROR_REPORT_TEST_ENV, ERROR_REPORT_DESCRIPTION_MIN: '10', ERROR_REPORT_DESCRIPTION_MAX: '20' },
      database: t.db,
    });
    try {
      const token = await strict.citizenToken('strict');
      const short = await request(strict.app).post('/api/error-reports').set(auth(token)).send(buildErrorReport({ description: '链接打不开了啊' }));
      expect(issues(short)).toEqual(['description: 问题描述至少10个字']);
      const long = await request(strict.app).post('/api/error-reports').set(auth(token)).send(buildErrorReport({ description: '字'.repeat(21) }));
      expect(issues(long)).toEqual(['description: 问题描述最多20个字']);
      const ok = await request(strict.app).post('/api/error-reports').set(auth(token)).send(buildErrorReport({ description: '字'.repeat(20) }));
      expect(ok.status).toBe(201);
      // The form learns the same bounds, without signing in.
      const options = await request(strict.app).get('/api/error-reports/options');
      expect(options.status).toBe(200);
      expect(options.body.limits).toMatchObject({ descriptionMin: 10, descriptionMax: 20 });
    } finally {
      await strict.close();
    }
  });

  it('accepts a mobile number, a landline or an email as contact and stores its kind', async () => {
    for (const [contact, kind] of [
      ['13812345678', 'phone'],
      ['0571-87654321', 'phone'],
      ['citizen@example.com', 'email'],
    ] as const) {
      const res = await submit(alice, buildErrorReport({ contact }));
      expect(res.status).toBe(201);
      expect(await t.models.ErrorReport.findById(res.body.id).lean()).toMatchObject({ contact, contactKind: kind });
    }
  });

  it('treats an empty contact as none and refuses anything that is not a phone or an email', async () => {
    const res = await submit(alice, buildErrorReport({ contact: '  ' }));
    expect(res.status).toBe(201);
    expect(await t.models.ErrorReport.findById(res.body.id).lean()).toMatchObject({ contact: null, contactKind: null });
    expect(issues(await submit(alice, buildErrorReport({ contact: '微信号abc' })))).toEqual(['contact: 请填写正确的手机号、带区号的固定电话或电子邮箱']);
    expect(issues(await submit(alice, buildErrorReport({ contact: '1381234567' })))).toEqual(['contact: 请填写正确的手机号、带区号的固定电话或电子邮箱']);
  });

  it('reports every problem of the form at once', async () => {
    const res = await submit(alice, { url: 'ftp://x.gov.cn/', errorType: 'nope', description: '   ', contact: 'x', screenshotIds: 'a' });
    expect(issues(res).map((i) => i.split(':')[0]).sort()).toEqual(['contact', 'description', 'errorType', 'screenshotIds', 'url']);
  });
});

describe('POST /api/error-reports: screenshots', () => {
  it('claims up to 5 uploaded images and shows them to the reporter', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await upload(t, alice, pngBytes(32 + i), `截图${i}.png`)).body.id);
    const res = await submit(alice, buildErrorReport({ screenshotIds: ids }));
    expect(res.status).toBe(201);

    const owned = await t.services.uploads.listForOwner({ type: 'error_report', id: res.body.id });
    expect(owned.map((u) => u.id)).toEqual(ids);
    const detail = await request(t.app).get(`/api/error-reports/${res.body.id}`).set(auth(alice));
    expect(detail.body.screenshots).toHaveLength(5);
    expect(detail.body.screenshots[0]).toMatchObject({ id: ids[0], contentType: 'image/png', filename: '截图0.png', url: `/api/uploads/${ids[0]}` });

    // The reporter may download them; another citizen may not know they exist.
    expect((await request(t.app).get(`/api/uploads/${ids[0]}`).set(auth(alice))).status).toBe(200);
    expect((await request(t.app).get(`/api/uploads/${ids[0]}`).set(auth(bob))).status).toBe(404);
  });

  it('refuses a sixth screenshot and a repeated id before touching the uploads', async () => {
    const id = (await upload(t, alice, pngBytes(), 'a.png')).body.id as string;
    const six = Array.from({ length: 6 }, () => id);
    expect(issues(await submit(alice, buildErrorReport({ screenshotIds: six })))).toContain('screenshotIds: 截图最多5张');
    expect(issues(await submit(alice, buildErrorReport({ screenshotIds: [id, id] })))).toEqual(['screenshotIds: 截图不能重复']);
    expect(issues(await submit(alice, buildErrorReport({ screenshotIds: ['not-an-id'] })))).toEqual(['screenshotIds.0: 无效的编号']);
  });

  it('refuses a PDF, another citizen’s upload and an upload already attached, storing nothing', async () => {
    const pdf = (await upload(t, alice, pdfBytes(), 'scan.pdf')).body.id as string;
    const bobs = (await upload(t, bob, pngBytes(), 'bob.png')).body.id as string;
    const used = (await upload(t, alice, pngBytes(), 'used.png')).body.id as string;
    await submitReport(t, alice, { screenshotIds: [used] });
    const before = await t.models.ErrorReport.countDocuments();

    for (const screenshotIds of [[pdf], [bobs], [used]]) {
      const url = siteUrl();
      const res = await submit(alice, buildErrorReport({ url, screenshotIds }));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_attachment');
      expect(await t.models.ErrorReport.countDocuments({ url })).toBe(0);
    }
    expect(await t.models.ErrorReport.countDocuments()).toBe(before);
    // The refused files are still free: the PDF could go to a feature that takes PDFs.
    expect(await t.models.UploadFile.countDocuments({ _id: pdf, 'metadata.attachedTo': null })).toBe(1);
  });
});

describe('GET /api/error-reports/options', () => {
  it('offers the eight types with their labels, the default bounds and the deadlines, to anyone', async () => {
    const res = await request(t.app).get('/api/error-reports/options');
    expect(res.status).toBe(200);
    expect(res.body.types.map((x: { key: string }) => x.key)).toEqual([...ERROR_REPORT_TYPES]);
    expect(res.body.types[0]).toEqual({ key: 'typo', label: '错别字/内容错误' });
    expect(res.body.limits).toEqual({ urlMax: 2000, descriptionMin: 5, descriptionMax: 500, screenshotsMax: 5, contactMax: 100 });
    expect(res.body.deadlines).toEqual({ forwardWorkingDays: 1, replyWorkingDays: 3 });
  });
});

describe('POST /api/error-reports: Idempotency-Key', () => {
  const keyed = (token: string, key: string, body: object) => submit(token, body).set('Idempotency-Key', key);

  it('answers a retry with the same key and body with the same report (200), storing one, screenshots claimed once', async () => {
    const shot = (await upload(t, alice, pngBytes(), 'retry.png')).body.id as string;
    const input = buildErrorReport({ url: siteUrl(), screenshotIds: [shot] });
    const first = await keyed(alice, 'er-form-0001', input);
    expect(first.status).toBe(201);
    const again = await keyed(alice, 'er-form-0001', input);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await t.models.ErrorReport.countDocuments({ url: input.url })).toBe(1);
    expect((await t.models.ErrorReport.findById(first.body.id).lean())?.idempotencyKey).toBe('er-form-0001');
  });

  it('refuses the same key with a different body: 409 idempotency_key_reused, storing nothing', async () => {
    await keyed(alice, 'er-form-0002', buildErrorReport({ url: siteUrl() }));
    const before = await t.models.ErrorReport.countDocuments();
    const res = await keyed(alice, 'er-form-0002', buildErrorReport({ url: siteUrl() }));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'idempotency_key_reused', message: '该请求编号已用于另一次提交，请勿重复使用' });
    expect(await t.models.ErrorReport.countDocuments()).toBe(before);
  });

  it('keeps keys per citizen, and concurrent retries of one key store one report', async () => {
    const input = buildErrorReport({ url: siteUrl() });
    const mine = await keyed(alice, 'er-form-0003', input);
    const theirs = await keyed(bob, 'er-form-0003', input);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);

    const racing = buildErrorReport({ url: siteUrl() });
    const answers = await Promise.all([1, 2, 3].map(() => keyed(alice, 'er-form-0004', racing)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
    expect(await t.models.ErrorReport.countDocuments({ url: racing.url })).toBe(1);
  });

  it('checks the key: a malformed one is a validation error on the header', async () => {
    const res = await keyed(alice, 'bad key!', buildErrorReport({ url: siteUrl() }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ in: 'headers', path: 'idempotency-key' });
  });
});

describe('POST /api/error-reports: deadlines on the Chinese calendar', () => {
  async function deadlinesAt(local: string) {
    t.clock.set(cst(local));
    const res = await submit(alice, buildErrorReport());
    expect(res.status).toBe(201);
    return res;
  }

  it('counts both deadlines from submission on Wednesday 2026-09-30: past 国庆, counting the 调休 Saturday 10-10', async () => {
    const res = await deadlinesAt('2026-09-30T10:00');
    expect(res.body).toMatchObject({
      status: 'submitted',
      statusLabel: '已提交',
      linked: false,
      trackingNo: expect.stringMatching(/^ZC20260930-\d{4}$/),
      // Forward: 1 working day after 9-30 — 10-1…10-7 are 国庆节 holidays, so Thursday 10-8.
      forwardDueAt: '2026-10-08T15:59:59.999Z',
      // Reply: 3 working days after 9-30 — 10-8, 10-9 and the 调休 working Saturday 10-10.
      replyDueAt: '2026-10-10T15:59:59.999Z',
    });
    expect(res.body.deadlines.forward).toMatchObject({ workingDays: 1, startDate: '2026-09-30', dueDate: '2026-10-08', basis: 'chinese-days' });
    expect(res.body.deadlines.forward.explanation).toContain('国庆节假期（10月1日至10月7日）');
    expect(res.body.deadlines.reply).toMatchObject({ workingDays: 3, startDate: '2026-09-30', dueDate: '2026-10-10' });
    expect(res.body.deadlines.reply.explanation).toContain('10月10日（周六）调休上班，计入工作日');

    // Stored with how it was computed.
    const stored = await t.models.ErrorReport.findById(res.body.id).lean();
    expect(stored?.replyDeadline).toMatchObject({
      startDate: '2026-09-30',
      dueDate: '2026-10-10',
      makeupWorkdays: ['2026-10-10'],
      calendarVersion: expect.stringMatching(/^chinese-days@/),
    });
    expect(stored?.replyDeadline.skipped.map((s) => s.date)).toEqual([
      '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
    ]);
    expect(stored?.replyDeadline.skipped.every((s) => s.reason === 'holiday' && s.name === '国庆节')).toBe(true);
  });

  it('counts a late-evening submission (23:30 CST) from that same calendar day', async () => {
    const res = await deadlinesAt('2026-09-30T23:30');
    expect(res.body.deadlines.forward.startDate).toBe('2026-09-30');
    expect(res.body.forwardDueAt).toBe('2026-10-08T15:59:59.999Z');
  });

  it('counts a Friday submission before the 调休 Saturday: forward due that Saturday, reply due Tuesday', async () => {
    const res = await deadlinesAt('2026-10-09T16:00');
    expect(res.body.deadlines.forward).toMatchObject({ dueDate: '2026-10-10' });
    expect(res.body.deadlines.reply).toMatchObject({ dueDate: '2026-10-13' });
    expect(res.body.deadlines.reply.explanation).toContain('跳过周末1天');
  });

  it('counts an ordinary Friday submission past the weekend', async () => {
    const res = await deadlinesAt('2026-11-20T15:00');
    expect(res.body.deadlines.forward).toMatchObject({ dueDate: '2026-11-23' });
    expect(res.body.deadlines.reply).toMatchObject({ dueDate: '2026-11-25' });
  });

  it('counts a submission made on the 调休 working Saturday 2026-10-10 from that day', async () => {
    const res = await deadlinesAt('2026-10-10T11:00');
    expect(res.body.deadlines.forward).toMatchObject({ startDate: '2026-10-10', dueDate: '2026-10-12' });
    expect(res.body.deadlines.reply).toMatchObject({ dueDate: '2026-10-14' });
  });

  it('counts a submission on Friday 2026-02-13 across 春节, with the 调休 Saturday 2-14', async () => {
    const res = await deadlinesAt('2026-02-13T10:00');
    expect(res.body.deadlines.forward).toMatchObject({ dueDate: '2026-02-14' });
    expect(res.body.deadlines.reply).toMatchObject({ dueDate: '2026-02-25' });
    expect(res.body.deadlines.reply.explanation).toContain('春节假期（2月15日至2月23日）');
  });

  it('counts a submission during the holiday from the first working day after it', async () => {
    const res = await deadlinesAt('2026-10-03T09:00');
    expect(res.body.deadlines.forward).toMatchObject({ startDate: '2026-10-03', dueDate: '2026-10-08' });
    expect(res.body.deadlines.reply).toMatchObject({ dueDate: '2026-10-10' });
  });
});

describe('GET /api/error-reports/mine and /:id', () => {
  let carol: string;
  const carolIds: string[] = [];

  beforeAll(async () => {
    carol = await t.citizenToken('carol');
    for (let i = 0; i < 3; i++) {
      t.clock.advance(60_000);
      carolIds.push(await submitReport(t, carol, { contact: '13900001111' }));
    }
  });

  it('answers 401 without a token and 403 to staff', async () => {
    expect((await request(t.app).get('/api/error-reports/mine')).status).toBe(401);
    expect((await request(t.app).get(`/api/error-reports/${carolIds[0]}`)).status).toBe(401);
    const office = await t.staffToken('office');
    expect((await request(t.app).get('/api/error-reports/mine').set(auth(office))).status).toBe(403);
    expect((await request(t.app).get(`/api/error-reports/${carolIds[0]}`).set(auth(office))).status).toBe(403);
  });

  it('lists only the citizen’s own reports, newest first, page by page', async () => {
    const first = await request(t.app).get('/api/error-reports/mine?limit=2').set(auth(carol));
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([carolIds[2], carolIds[1]]);
    expect(first.body.items[0]).toMatchObject({ status: 'submitted', statusLabel: '已提交', errorTypeLabel: '链接不可用', result: null });
    expect(first.body.items[0]).not.toHaveProperty('contact');
    const second = await request(t.app).get(`/api/error-reports/mine?limit=2&cursor=${first.body.nextCursor}`).set(auth(carol));
    expect(second.body.items.map((i: { id: string }) => i.id)).toEqual([carolIds[0]]);
    expect(second.body.nextCursor).toBeNull();

    const bad = await request(t.app).get('/api/error-reports/mine?cursor=garbage').set(auth(carol));
    expect(issues(bad)).toEqual(['cursor: 无效的分页参数']);
  });

  it('shows the owner the report with its deadlines, timeline and own contact', async () => {
    const res = await request(t.app).get(`/api/error-reports/${carolIds[0]}`).set(auth(carol));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: carolIds[0],
      contact: '13900001111',
      linked: false,
      departmentName: null,
      reply: null,
      closedAt: null,
      screenshots: [],
      timeline: [{ type: 'submitted', label: '提交', status: 'submitted', departmentName: null, note: null }],
    });
    expect(res.body.deadlines.reply.explanation).toMatch(/^自\d{4}年/);
    expect(res.body.timeline[0]).not.toHaveProperty('actorId');
  });

  it('answers 404 for another citizen’s report, an unknown id and a malformed id', async () => {
    expect((await request(t.app).get(`/api/error-reports/${carolIds[0]}`).set(auth(bob))).status).toBe(404);
    expect((await request(t.app).get('/api/error-reports/0123456789abcdef01234567').set(auth(carol))).status).toBe(404);
    const malformed = await request(t.app).get('/api/error-reports/xyz').set(auth(carol));
    expect(issues(malformed)).toEqual(['id: 无效的编号']);
  });
});
