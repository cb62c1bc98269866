/**
 * Consultations, the back office: drafts (create, edit, sanitized rich text, attachments), opening
 * with the minimum-duration rule on the Chinese calendar, closing early, the auto-close task, the
 * feedback deadline and the derived overdue flag, visibility of drafts, and the audit trail.
 */
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { seedConsultation } from '../../bench/fixtures/consultations';
import { createBackgroundTasks } from '../../server/src/background-tasks';
import { addWorkingDays } from '../../server/src/lib/calendar';
import { auth, captureLogger, createTestApp, createTestClock, type TestApp } from '../support/app';
import { buildConsultation, closeNow, CONSULTATION_TEST_ENV, createDraft, createOpen, respond, standardAnswers } from '../support/consultation-factories';
import { pdfBytes, pngBytes, upload } from '../support/platform-factories';

const DAY = 86_400_000;
/** Monday 2026-03-02 10:00 CST. */
const T0 = Date.parse('2026-03-02T10:00:00+08:00');

let t: TestApp;
let office: string;
let deptId: string;
beforeAll(async () => {
  t = await createTestApp({ clock: createTestClock(T0), env: CONSULTATION_TEST_ENV });
  office = await t.staffToken('office');
  deptId = (await t.createDepartment({ name: '县司法局' }))._id.toHexString();
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(T0));

const lastAudit = (action: string) => t.models.AuditEntry.findOne({ action }).sort({ _id: -1 }).lean();
const input = (overrides: Parameters<typeof buildConsultation>[1] = {}) => buildConsultation(t.clock.now(), { departmentId: deptId, ...overrides });

describe('POST /api/admin/consultations', () => {
  it('answers 401 without a token and 403 for admin, reviewer and citizen tokens', async () => {
    expect((await request(t.app).post('/api/admin/consultations').send(input())).status).toBe(401);
    for (const token of [await t.staffToken('admin'), await t.staffToken('reviewer'), await t.citizenToken('c-create')]) {
      expect((await request(t.app).post('/api/admin/consultations').set(auth(token)).send(input())).status).toBe(403);
    }
  });

  it('creates a draft for the office, sanitizing the rich text and assigning question ids, and audits it', async () => {
    const body = input({
      draftHtml:
        '<h2 style="color:red">第一章</h2><p onclick="steal()">正文<script>alert(1)</script></p>' +
        '<a href="javascript:alert(1)">坏链接</a><a href="https://www.gov.cn/zhengce">国务院</a>' +
        '<img src="/api/uploads/0123456789abcdef01234567" onerror="x()"><img src="http://insecure.example/a.png">' +
        '<iframe src="https://evil.example">框</iframe><table><tr><td colspan="2">表格</td></tr></table>',
      questions: [
        { type: 'single', title: '是否支持？', options: ['是', '否'] },
        { id: 'q1', type: 'text', title: '意见', required: true },
        { type: 'rating', title: '评分' },
      ],
    });
    // The inline image is not an upload of this user: refused as an invalid attachment.
    const refused = await request(t.app).post('/api/admin/consultations').set(auth(office)).send(body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_attachment');

    const png = await upload(t, office, pngBytes(), 'inline.png');
    expect(png.status).toBe(201);
    const res = await request(t.app)
      .post('/api/admin/consultations')
      .set(auth(office))
      .set('x-request-id', 'consultation-create-1')
      .send({ ...body, draftHtml: body.draftHtml.replace('0123456789abcdef01234567', png.body.id) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', phase: 'draft', departmentId: deptId, departmentName: '县司法局', showResults: true, responseCount: 0 });
    expect(res.body.draftHtml).toBe(
      '<h2>第一章</h2><p>正文</p><span>坏链接</span><a href="https://www.gov.cn/zhengce">国务院</a>' +
        `<img src="/api/uploads/${png.body.id}" /><table><tr><td colspan="2">表格</td></tr></table>`,
    );
    // Ids given are kept; missing ones are assigned without clashing.
    expect(res.body.questions.map((q: { id: string }) => q.id)).toEqual(['q2', 'q1', 'q3']);
    expect(res.body.questions[0]).toEqual({ id: 'q2', type: 'single', title: '是否支持？', required: false, options: ['是', '否'] });
    expect(res.body.questions[1]).toEqual({ id: 'q1', type: 'text', title: '意见', required: true, minLength: 0, maxLength: 500 });

    const stored = await t.models.Consultation.findById(res.body.id).lean();
    expect(stored?.inlineImageIds.map(String)).toEqual([png.body.id]);
    expect(await lastAudit('consultation.create')).toMatchObject({
      targetType: 'consultation',
      targetId: res.body.id,
      requestId: 'consultation-create-1',
      details: { departmentId: deptId, questions: 3 },
    });
  });

  it('attaches uploaded PDFs and lets the public download them only once published', async () => {
    const pdf = await upload(t, office, pdfBytes(), '征求意见稿.pdf');
    const draft = await createDraft(t, office, input({ attachmentIds: [pdf.body.id] }));
    const view = await request(t.app).get(`/api/admin/consultations/${draft.id}`).set(auth(office));
    expect(view.body.attachments).toEqual([
      { id: pdf.body.id, filename: '征求意见稿.pdf', contentType: 'application/pdf', size: pdfBytes().length, url: `/api/uploads/${pdf.body.id}` },
    ]);
    const citizen = await t.citizenToken('c-download');
    expect((await request(t.app).get(`/api/uploads/${pdf.body.id}`).set(auth(citizen))).status).toBe(404);
    await request(t.app).post(`/api/admin/consultations/${draft.id}/open`).set(auth(office));
    const download = await request(t.app).get(`/api/uploads/${pdf.body.id}`).set(auth(citizen));
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
  });

  it('lets a handler create for their own department only', async () => {
    const own = await t.createDepartment();
    const handler = await t.staffToken('handler', own._id.toHexString());
    const res = await request(t.app).post('/api/admin/consultations').set(auth(handler)).send({ ...input(), departmentId: undefined });
    expect(res.status).toBe(201);
    expect(res.body.departmentId).toBe(own._id.toHexString());
    const other = await request(t.app).post('/api/admin/consultations').set(auth(handler)).send(input());
    expect(other.status).toBe(403);
  });

  it('requires the office to name an existing department', async () => {
    const missing = await request(t.app).post('/api/admin/consultations').set(auth(office)).send({ ...input(), departmentId: undefined });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '请选择负责部门' }]);
    const unknown = await request(t.app).post('/api/admin/consultations').set(auth(office)).send(input({ departmentId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
  });

  it('reports every field problem at once, in Chinese', async () => {
    const res = await request(t.app)
      .post('/api/admin/consultations')
      .set(auth(office))
      .send({
        ...input(),
        title: '短',
        endAt: input().startAt,
        minDurationRule: 'days7',
        questions: [
          { id: 'a', type: 'multiple', title: '多选', options: ['甲', '乙'], minSelect: 2, maxSelect: 3 },
          { id: 'a', type: 'single', title: '单选', options: ['甲', '甲'] },
          { id: 'b', type: 'text', title: '文字', minLength: 50, maxLength: 10 },
          { id: 'c', type: 'text', title: '文字', maxLength: 5000 },
          { id: 'bad id!', type: 'essay', title: '未知题型' },
        ],
      });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string; message: string }) => `${d.path}: ${d.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'title: 标题至少5个字',
        'endAt: 截止时间必须晚于开始时间',
        'minDurationRule: 请选择征集期限规则',
        'questions.0.maxSelect: 最多可选项数不能超过选项数',
        'questions.1.options: 选项不能重复',
        'questions.2.minLength: 字数下限不能大于上限',
        'questions.3.maxLength: 字数上限不能超过2000',
        'questions.4.type: 请选择题型',
      ]),
    );
  });
});

describe('PATCH /api/admin/consultations/:id', () => {
  it('edits a draft, questions included, and audits the changed fields', async () => {
    const draft = await createDraft(t, office, input());
    const res = await request(t.app)
      .patch(`/api/admin/consultations/${draft.id}`)
      .set(auth(office))
      .send({ title: '关于修改后的征求意见稿标题', questions: [{ id: 'only', type: 'rating', title: '总体评价', required: true }] });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('关于修改后的征求意见稿标题');
    expect(res.body.questions).toEqual([{ id: 'only', type: 'rating', title: '总体评价', required: true }]);
    expect(await lastAudit('consultation.update')).toMatchObject({ targetId: draft.id, details: { fields: ['title', 'questions'] } });
  });

  it('refuses an end before the stored start', async () => {
    const draft = await createDraft(t, office, input());
    const res = await request(t.app).patch(`/api/admin/consultations/${draft.id}`).set(auth(office)).send({ endAt: new Date(T0 - DAY).toISOString() });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'endAt', message: '截止时间必须晚于开始时间' }]);
  });

  it('refuses to edit once opened (questions are fixed once responses may exist)', async () => {
    const id = await createOpen(t, office, input());
    const res = await request(t.app).patch(`/api/admin/consultations/${id}`).set(auth(office)).send({ questions: [] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'open' } });
  });

  it('hides another department’s consultation from a handler (404) and refuses reviewers (403)', async () => {
    const draft = await createDraft(t, office, input());
    const handler = await t.staffToken('handler');
    expect((await request(t.app).patch(`/api/admin/consultations/${draft.id}`).set(auth(handler)).send({ title: '他人部门的征集标题' })).status).toBe(404);
    expect((await request(t.app).get(`/api/admin/consultations/${draft.id}`).set(auth(handler))).status).toBe(404);
    const reviewer = await t.staffToken('reviewer');
    expect((await request(t.app).patch(`/api/admin/consultations/${draft.id}`).set(auth(reviewer)).send({ title: '分管领导不能编辑' })).status).toBe(403);
  });
});

describe('POST /api/admin/consultations/:id/open', () => {
  it('answers 401, 403 for handler/admin/reviewer, 404 for unknown ids and 409 when not a draft', async () => {
    const draft = await createDraft(t, office, input());
    expect((await request(t.app).post(`/api/admin/consultations/${draft.id}/open`)).status).toBe(401);
    for (const role of ['handler', 'admin', 'reviewer'] as const) {
      expect((await request(t.app).post(`/api/admin/consultations/${draft.id}/open`).set(auth(await t.staffToken(role, deptId)))).status).toBe(403);
    }
    expect((await request(t.app).post('/api/admin/consultations/aaaaaaaaaaaaaaaaaaaaaaaa/open').set(auth(office))).status).toBe(404);
    expect((await request(t.app).post(`/api/admin/consultations/${draft.id}/open`).set(auth(office))).status).toBe(200);
    const again = await request(t.app).post(`/api/admin/consultations/${draft.id}/open`).set(auth(office));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state');
  });

  it('opens a draft, records who opened it, and audits the window', async () => {
    const draft = await createDraft(t, office, input({ minDurationRule: 'none' }));
    const res = await request(t.app).post(`/api/admin/consultations/${draft.id}/open`).set(auth(office));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'open', phase: 'open', openedAt: new Date(T0).toISOString() });
    expect(await lastAudit('consultation.open')).toMatchObject({ targetId: draft.id, details: { minDurationRule: 'none', requiredLastDate: null } });
  });

  it('moves a start in the past to the moment of opening', async () => {
    const draft = await createDraft(t, office, input({ startAt: new Date(T0 - 3 * DAY).toISOString() }));
    const res = await request(t.app).post(`/api/admin/consultations/${draft.id}/open`).set(auth(office));
    expect(res.body.startAt).toBe(new Date(T0).toISOString());
  });

  it('refuses to open without questions or with an end already past', async () => {
    const noQuestions = await createDraft(t, office, input({ questions: [] }));
    const res = await request(t.app).post(`/api/admin/consultations/${noQuestions.id}/open`).set(auth(office));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'questions', message: '请至少设置一个问题后再发布' }]);

    const ended = await createDraft(t, office, input({ startAt: new Date(T0 - 10 * DAY).toISOString(), endAt: new Date(T0 - DAY).toISOString() }));
    const late = await request(t.app).post(`/api/admin/consultations/${ended.id}/open`).set(auth(office));
    expect(late.status).toBe(400);
    expect(late.body.error.details).toEqual([{ in: 'body', path: 'endAt', message: '截止时间已过，请修改后再发布' }]);
  });

  it('days30: needs the consultation to run through the 30th day after the start date', async () => {
    t.clock.set(Date.parse('2026-01-01T10:00:00+08:00'));
    const office = await t.staffToken('office');
    const short = await createDraft(t, office, input({ minDurationRule: 'days30', endAt: '2026-01-31T10:00:00+08:00' }));
    const res = await request(t.app).post(`/api/admin/consultations/${short.id}/open`).set(auth(office));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('consultation_window_too_short');
    expect(res.body.error.details).toMatchObject({ rule: 'days30', requiredLastDate: '2026-01-31', minEndAt: '2026-01-31T15:59:59.999Z' });
    expect(res.body.error.message).toContain('不少于30日');
    expect(res.body.error.message).toContain('2026年1月31日（周六）24时');
    expect((await t.models.Consultation.findById(short.id).lean())?.status).toBe('draft');

    const enough = await createDraft(t, office, input({ minDurationRule: 'days30', endAt: '2026-01-31T23:59:59+08:00' }));
    expect((await request(t.app).post(`/api/admin/consultations/${enough.id}/open`).set(auth(office))).status).toBe(200);
  });

  it('workdays7: opening on 2026-09-28 needs an end on or after 2026-10-13, the 7th working day across 国庆 2026', async () => {
    t.clock.set(Date.parse('2026-09-28T09:00:00+08:00'));
    const office = await t.staffToken('office');
    // 9-29 and 9-30 count; 10-1 … 10-7 are the 国庆/中秋 holiday; 10-8, 10-9, the 调休 Saturday 10-10,
    // 10-12 (Mon) and 10-13 (Tue) make seven.
    expect(addWorkingDays('2026-09-28', 7).dueDate).toBe('2026-10-13');

    const short = await createDraft(t, office, input({ minDurationRule: 'workdays7', endAt: '2026-10-13T12:00:00+08:00' }));
    const res = await request(t.app).post(`/api/admin/consultations/${short.id}/open`).set(auth(office));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'consultation_window_too_short',
      details: { rule: 'workdays7', requiredLastDate: '2026-10-13', minEndAt: '2026-10-13T15:59:59.999Z' },
    });
    expect(res.body.error.message).toContain('不少于7个工作日');
    expect(res.body.error.message).toContain('国庆节');
    expect(res.body.error.message).toContain('10月10日（周六）调休上班');
    expect(res.body.error.details.explanation).toContain('截止2026年10月13日（周二）');

    // Seven calendar days would have ended on 10-05, in the middle of the holiday.
    const naive = await createDraft(t, office, input({ minDurationRule: 'workdays7', endAt: '2026-10-06T00:00:00+08:00' }));
    expect((await request(t.app).post(`/api/admin/consultations/${naive.id}/open`).set(auth(office))).status).toBe(400);

    const enough = await createDraft(t, office, input({ minDurationRule: 'workdays7', endAt: '2026-10-14T00:00:00+08:00' }));
    const ok = await request(t.app).post(`/api/admin/consultations/${enough.id}/open`).set(auth(office));
    expect(ok.status).toBe(200);
    expect(await lastAudit('consultation.open')).toMatchObject({ targetId: enough.id, details: { minDurationRule: 'workdays7', requiredLastDate: '2026-10-13' } });
  });

  it('workdays7 counts from a future start date, not from the day of opening', async () => {
    // Starting Friday 2026-02-13 before 春节 (holiday 2-15 … 2-23, 调休 Saturday 2-28).
    t.clock.set(Date.parse('2026-02-10T09:00:00+08:00'));
    const office = await t.staffToken('office');
    const expected = addWorkingDays('2026-02-13', 7).dueDate;
    const draft = await createDraft(
      t,
      office,
      input({ minDurationRule: 'workdays7', startAt: '2026-02-13T09:00:00+08:00', endAt: '2026-02-20T09:00:00+08:00' }),
    );
    const res = await request(t.app).post(`/api/admin/consultations/${draft.id}/open`).set(auth(office));
    expect(res.status).toBe(400);
    expect(res.body.error.details.requiredLastDate).toBe(expected);
    expect(expected > '2026-02-24').toBe(true);
  });
});

describe('POST /api/admin/consultations/:id/close and the feedback deadline', () => {
  it('closes early, sets the report deadline one calendar month later (01-31 → 02-28) and audits', async () => {
    t.clock.set(Date.parse('2026-01-31T16:00:00+08:00'));
    const office = await t.staffToken('office');
    const id = await createOpen(t, office, input());
    const res = await request(t.app).post(`/api/admin/consultations/${id}/close`).set(auth(office));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'closed',
      phase: 'closed',
      closedAt: '2026-01-31T08:00:00.000Z',
      feedbackDueDate: '2026-02-28',
      feedbackDueAt: '2026-02-28T15:59:59.999Z',
      feedbackOverdue: false,
    });
    expect(await lastAudit('consultation.close')).toMatchObject({ targetId: id, details: { early: true, feedbackDueDate: '2026-02-28' } });
  });

  it('answers 403 for a handler and 409 for a draft or an already closed consultation', async () => {
    const id = await createOpen(t, office, input());
    expect((await request(t.app).post(`/api/admin/consultations/${id}/close`).set(auth(await t.staffToken('handler', deptId)))).status).toBe(403);
    await closeNow(t, office, id);
    expect((await request(t.app).post(`/api/admin/consultations/${id}/close`).set(auth(office))).status).toBe(409);
    const draft = await createDraft(t, office, input());
    expect((await request(t.app).post(`/api/admin/consultations/${draft.id}/close`).set(auth(office))).status).toBe(409);
  });

  it('derives feedbackOverdue from the clock: false through the due day, true after it, false once published', async () => {
    t.clock.set(Date.parse('2026-01-31T16:00:00+08:00'));
    const office = await t.staffToken('office');
    const id = await createOpen(t, office, input({ questions: [{ id: 'r', type: 'rating', title: '评分' }] }));
    await closeNow(t, office, id);
    const view = async () => (await request(t.app).get(`/api/admin/consultations/${id}`).set(auth(office))).body;
    const row = async () =>
      (await request(t.app).get('/api/admin/consultations?status=closed&limit=100').set(auth(office))).body.items.find((i: { id: string }) => i.id === id);

    t.clock.set(Date.parse('2026-02-28T23:59:59+08:00'));
    expect((await view()).feedbackOverdue).toBe(false);
    t.clock.set(Date.parse('2026-03-01T00:00:01+08:00'));
    expect((await view()).feedbackOverdue).toBe(true);
    expect(await row()).toMatchObject({ feedbackDueDate: '2026-02-28', feedbackOverdue: true });
    expect(await t.models.Consultation.findById(id).lean()).not.toHaveProperty('feedbackOverdue');

    const published = await request(t.app).post(`/api/admin/consultations/${id}/feedback/publish`).set(auth(office)).send({ summary: '本次征集未收到文字意见，评分结果已公布。' });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'feedback_published', feedbackOverdue: false });
  });
});

describe('the auto-close task', () => {
  const task = createBackgroundTasks().find((x) => x.name === 'consultation-auto-close')!;
  const { logger } = captureLogger();
  const run = (app: TestApp) => task.run({ now: new Date(app.clock.now()), services: app.services, logger });

  it('is registered', () => {
    expect(task).toBeDefined();
    expect(task.intervalMs).toBeGreaterThan(0);
  });

  it('closes consultations whose end passed, with closedAt = end time and the report due a month later; idempotent', async () => {
    const sep = await createTestApp({ clock: createTestClock(Date.parse('2026-03-31T10:00:00+08:00')), env: CONSULTATION_TEST_ENV });
    try {
      const o = await sep.staffToken('office');
      const dept = (await sep.createDepartment())._id.toHexString();
      const start = sep.clock.now();
      const ending = await createOpen(sep, o, buildConsultation(start, { departmentId: dept, endAt: '2026-03-31T18:00:00+08:00' }));
      const alsoEnding = await createOpen(sep, o, buildConsultation(start, { departmentId: dept, endAt: '2026-03-31T18:00:00+08:00' }));
      const later = await createOpen(sep, o, buildConsultation(start, { departmentId: dept, endAt: '2026-04-30T18:00:00+08:00' }));

      sep.clock.set(Date.parse('2026-03-31T19:00:00+08:00'));
      // Before the task runs, the clock already rules: shown closed, responses refused.
      expect((await request(sep.app).get(`/api/consultations/${ending}`)).body.phase).toBe('closed');
      expect((await respond(sep, await sep.citizenToken('late'), ending, standardAnswers())).status).toBe(409);
      expect((await sep.models.Consultation.findById(ending).lean())?.status).toBe('open');

      await run(sep);
      for (const id of [ending, alsoEnding]) {
        const stored = await sep.models.Consultation.findById(id).lean();
        expect(stored).toMatchObject({ status: 'closed', feedbackDueDate: '2026-04-30' });
        expect(stored?.closedBy).toBeUndefined();
        expect(stored?.closedAt?.toISOString()).toBe('2026-03-31T10:00:00.000Z');
        expect(stored?.feedbackDueAt?.toISOString()).toBe('2026-04-30T15:59:59.999Z');
      }
      expect((await sep.models.Consultation.findById(later).lean())?.status).toBe('open');
      const audit = await sep.models.AuditEntry.find({ action: 'consultation.auto_close' }).lean();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: { kind: 'system', id: 'consultation-auto-close' }, details: { count: 2, feedbackDueDate: '2026-04-30' } });

      expect(await sep.services.consultations.closeEndedConsultations(new Date(sep.clock.now()))).toBe(0);
      expect(await sep.models.AuditEntry.countDocuments({ action: 'consultation.auto_close' })).toBe(1);
    } finally {
      await sep.close();
    }
  });

  it('closes each consultation exactly once when two instances run it at the same moment', async () => {
    const a = await createTestApp({ clock: createTestClock(T0), env: CONSULTATION_TEST_ENV });
    const b = await createTestApp({ clock: a.clock, env: CONSULTATION_TEST_ENV, database: a.db });
    try {
      const o = await a.staffToken('office');
      const dept = (await a.createDepartment())._id.toHexString();
      for (let i = 0; i < 6; i++) await createOpen(a, o, buildConsultation(T0, { departmentId: dept, days: 1 + (i % 3) }));
      a.clock.set(T0 + 10 * DAY);
      const at = new Date(a.clock.now());
      const [x, y] = await Promise.all([a.services.consultations.closeEndedConsultations(at), b.services.consultations.closeEndedConsultations(at)]);
      expect(x + y).toBe(6);
      expect(await a.models.Consultation.countDocuments({ status: 'closed' })).toBe(6);
      const audits = await a.models.AuditEntry.find({ action: 'consultation.auto_close' }).lean();
      expect(audits.reduce((s, e) => s + Number((e.details as { count: number }).count), 0)).toBe(6);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('GET /api/admin/consultations', () => {
  it('lists newest first with deadline fields; handlers see their own department only', async () => {
    const own = await t.createDepartment();
    const handler = await t.staffToken('handler', own._id.toHexString());
    const mine = await createDraft(t, handler, { ...input(), departmentId: undefined });
    const theirs = await createDraft(t, office, input());
    const res = await request(t.app).get('/api/admin/consultations?limit=100').set(auth(handler));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([mine.id]);
    const all = await request(t.app).get('/api/admin/consultations?status=draft&limit=100').set(auth(office));
    const ids = all.body.items.map((i: { id: string }) => i.id);
    expect(ids.indexOf(theirs.id)).toBeLessThan(ids.indexOf(mine.id));
    expect(all.body.items[0]).toMatchObject({ status: 'draft', feedbackDueAt: null, feedbackOverdue: false });
    const byDept = await request(t.app).get(`/api/admin/consultations?departmentId=${own._id.toHexString()}`).set(auth(office));
    expect(byDept.body.items.map((i: { id: string }) => i.id)).toEqual([mine.id]);
  });

  it('answers 401 and 403 for admin, reviewer and citizens', async () => {
    expect((await request(t.app).get('/api/admin/consultations')).status).toBe(401);
    for (const token of [await t.staffToken('admin'), await t.staffToken('reviewer'), await t.citizenToken('c-list')]) {
      expect((await request(t.app).get('/api/admin/consultations').set(auth(token))).status).toBe(403);
    }
  });
});

describe('drafts are invisible to the public', () => {
  it('answers 404 on every public route for a draft', async () => {
    const draft = await createDraft(t, office, input());
    for (const path of ['', '/results', '/feedback']) {
      expect((await request(t.app).get(`/api/consultations/${draft.id}${path}`)).status).toBe(404);
    }
    const list = await request(t.app).get('/api/consultations?limit=100');
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(draft.id);
  });
});

describe('bench/fixtures/consultations.ts', () => {
  it('seeds an open consultation through the HTTP API that accepts its sample bodies', async () => {
    const admin = await t.createStaff({ role: 'admin' });
    await new Promise<void>((resolve) => t.app.listen(0, '127.0.0.1', resolve));
    const { port } = t.app.address() as AddressInfo;
    const survey = await seedConsultation(
      { base: `http://127.0.0.1:${port}`, admin: { username: admin.staff.username, password: admin.password } },
      { now: t.clock.now(), tag: 'fixture' },
    );
    expect(survey.questions.map((q) => q.type)).toEqual(['single', 'multiple', 'text', 'rating']);
    expect((await request(t.app).get(`/api/consultations/${survey.id}`)).body.phase).toBe('open');
    for (let i = 0; i < 3; i++) {
      const res = await request(t.app).post(survey.responsesPath).set(auth(await t.citizenToken(`bench-${i}`))).send(survey.body(i));
      expect(res.status).toBe(201);
    }
  });
});

describe('auth matrix of the staff routes', () => {
  const SOME = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  const ROUTES: [method: 'get' | 'post' | 'patch', path: string, officeOnly: boolean][] = [
    ['get', '/api/admin/consultations', false],
    ['post', '/api/admin/consultations', false],
    ['get', `/api/admin/consultations/${SOME}`, false],
    ['patch', `/api/admin/consultations/${SOME}`, false],
    ['post', `/api/admin/consultations/${SOME}/open`, true],
    ['post', `/api/admin/consultations/${SOME}/close`, true],
    ['get', `/api/admin/consultations/${SOME}/responses`, false],
    ['get', `/api/admin/consultations/${SOME}/responses/export`, false],
    ['get', `/api/admin/consultations/${SOME}/opinions`, false],
    ['post', `/api/admin/consultations/${SOME}/opinions/merge`, false],
    ['post', `/api/admin/consultations/${SOME}/opinions/${SOME}/decision`, false],
    ['post', `/api/admin/consultations/${SOME}/feedback/publish`, false],
  ];

  it.each(ROUTES)('%s %s: 401 without a token, 403 for the wrong roles and citizens', async (method, path, officeOnly) => {
    expect((await request(t.app)[method](path).send({})).status).toBe(401);
    const wrong = [await t.staffToken('admin'), await t.staffToken('reviewer'), await t.citizenToken('matrix')];
    if (officeOnly) wrong.push(await t.staffToken('handler', deptId));
    for (const token of wrong) {
      const res = await request(t.app)[method](path).set(auth(token)).send({});
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it.each(ROUTES.filter(([, path]) => path.includes(SOME)))('%s %s: 404 for an unknown consultation', async (method, path) => {
    const body = path.endsWith('/merge')
      ? { opinionIds: [SOME], into: SOME }
      : path.endsWith('/decision')
        ? { result: 'adopted', reason: '理由充分' }
        : path.endsWith('/publish')
          ? { summary: '采纳情况说明，共若干条意见。' }
          : path.endsWith(SOME) && method === 'patch'
            ? { title: '修改后的征集标题' }
            : {};
    const res = await request(t.app)[method](path).set(auth(office)).send(body);
    expect(res.status).toBe(404);
  });
});
