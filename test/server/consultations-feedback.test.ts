/**
 * Consultations after the close: staff read and export responses, decide and merge opinions,
 * publish the adoption report (all opinions decided, every respondent notified once); the public
 * report, quotes in the results, my responses with adoption status, and the monthly figures.
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp } from '../support/app';
import {
  buildConsultation,
  closeNow,
  CONSULTATION_TEST_ENV,
  createDraft,
  createOpen,
  opinionsOf,
  respond,
  standardAnswers,
} from '../support/consultation-factories';
import { citizenOf } from '../support/platform-factories';

const DAY = 86_400_000;
/** Monday 2026-03-02 10:00 CST. */
const T0 = Date.parse('2026-03-02T10:00:00+08:00');

let t: TestApp;
let office: string;
let deptId: string;
let handler: string;
beforeAll(async () => {
  t = await createTestApp({
    clock: createTestClock(T0),
    env: { ...CONSULTATION_TEST_ENV, WECHAT_TEMPLATE_IDS: JSON.stringify({ consultation_feedback: 'tmpl-consultation-feedback' }) },
  });
  office = await t.staffToken('office');
  deptId = (await t.createDepartment({ name: '县住房和城乡建设局' }))._id.toHexString();
  handler = await t.staffToken('handler', deptId);
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(T0));

const lastAudit = (action: string) => t.models.AuditEntry.findOne({ action }).sort({ _id: -1 }).lean();

let citizenSeq = 0;
const newCitizen = (prefix = 'fb') => t.citizenToken(`${prefix}-citizen-${++citizenSeq}`);

/** An open consultation in the test department with responses carrying these opinions; returns ids and tokens. */
async function withOpinions(texts: string[], options: { close?: boolean } = {}) {
  const id = await createOpen(t, office, buildConsultation(t.clock.now(), { departmentId: deptId }));
  const citizens: string[] = [];
  for (const text of texts) {
    const citizen = await newCitizen();
    citizens.push(citizen);
    const res = await respond(t, citizen, id, standardAnswers({ q3: text }));
    if (res.status !== 201) throw new Error(`respond failed: ${res.status} ${JSON.stringify(res.body)}`);
    t.clock.advance(1000);
  }
  if (options.close !== false) await closeNow(t, office, id);
  const opinions = await opinionsOf(t, office, id);
  // Oldest first, in the order the texts were given.
  opinions.sort((a, b) => a.respondentNo - b.respondentNo);
  return { id, citizens, opinions };
}

const decide = (token: string, id: string, opinionId: string, body: object) =>
  request(t.app).post(`/api/admin/consultations/${id}/opinions/${opinionId}/decision`).set(auth(token)).send(body);
const merge = (token: string, id: string, body: object) => request(t.app).post(`/api/admin/consultations/${id}/opinions/merge`).set(auth(token)).send(body);
const publish = (token: string, id: string, summary = '共收到意见若干条，经认真研究，采纳情况如下。') =>
  request(t.app).post(`/api/admin/consultations/${id}/feedback/publish`).set(auth(token)).send({ summary });

describe('GET /api/admin/consultations/:id/responses', () => {
  it('lists responses newest first with respondent numbers only, pages, and audits the personal-data read', async () => {
    const { id } = await withOpinions(['第一条意见内容', '第二条意见内容', '第三条意见内容'], { close: false });
    const first = await request(t.app).get(`/api/admin/consultations/${id}/responses?limit=2`).set(auth(handler)).set('x-request-id', 'read-responses-1');
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: { respondentNo: number }) => r.respondentNo)).toEqual([3, 2]);
    expect(first.body.items[0].answers).toContainEqual({ questionId: 'q3', value: '第三条意见内容' });
    const text = JSON.stringify(first.body);
    expect(text).not.toMatch(/userId|openid|dev_/);
    const second = await request(t.app).get(`/api/admin/consultations/${id}/responses?limit=2&cursor=${first.body.nextCursor}`).set(auth(handler));
    expect(second.body.items.map((r: { respondentNo: number }) => r.respondentNo)).toEqual([1]);
    expect(second.body.nextCursor).toBeNull();
    expect(await t.models.AuditEntry.findOne({ action: 'consultation.read_responses', requestId: 'read-responses-1' }).lean()).toMatchObject({
      targetType: 'consultation',
      targetId: id,
      details: { count: 2, respondentNos: [3, 2] },
    });
  });

  it('answers 401, 403 for admin/reviewer/citizen, and 404 for a handler of another department', async () => {
    const { id } = await withOpinions(['任意的一条意见'], { close: false });
    expect((await request(t.app).get(`/api/admin/consultations/${id}/responses`)).status).toBe(401);
    for (const token of [await t.staffToken('admin'), await t.staffToken('reviewer'), await newCitizen()]) {
      expect((await request(t.app).get(`/api/admin/consultations/${id}/responses`).set(auth(token))).status).toBe(403);
    }
    expect((await request(t.app).get(`/api/admin/consultations/${id}/responses`).set(auth(await t.staffToken('handler')))).status).toBe(404);
  });
});

describe('GET /api/admin/consultations/:id/responses/export', () => {
  it('exports UTF-8 CSV with a BOM, one row per response and one column per question, escaping commas, quotes and newlines', async () => {
    const id = await createOpen(t, office, buildConsultation(t.clock.now(), { departmentId: deptId }));
    await respond(t, await newCitizen(), id, standardAnswers({ q3: '建议一，建议二："加快"进度\n第二行' }));
    t.clock.advance(60_000);
    await respond(t, await newCitizen(), id, standardAnswers({ q1: '反对', q2: [], q3: '=HYPERLINK("http://x")不要执行', q4: undefined }));

    const res = await request(t.app)
      .get(`/api/admin/consultations/${id}/responses/export?format=csv`)
      .set(auth(office))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="consultation-${id}-responses.csv"; filename*=UTF-8''consultation-${id}-responses.csv`);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    expect(text).toBe(
      '答卷编号,提交时间,1. 您是否支持该草案？,2. 您最关心哪些条款？,3. 您的意见和建议,4. 对草案的总体评价\r\n' +
        '1,2026-03-02 10:00:00,支持,第一条；第三条,"建议一，建议二：""加快""进度\n第二行",4\r\n' +
        `2,2026-03-02 10:01:00,反对,,"'=HYPERLINK(""http://x"")不要执行",\r\n`,
    );
    expect(text).not.toMatch(/dev_|userId/);
    expect(await lastAudit('consultation.export_responses')).toMatchObject({ targetId: id, details: { format: 'csv', rows: 2 } });
  });

  it('answers 400 for another format, 403 for reviewers and 404 for another department’s handler', async () => {
    const id = await createOpen(t, office, buildConsultation(t.clock.now(), { departmentId: deptId }));
    expect((await request(t.app).get(`/api/admin/consultations/${id}/responses/export?format=xlsx`).set(auth(office))).status).toBe(400);
    expect((await request(t.app).get(`/api/admin/consultations/${id}/responses/export`).set(auth(await t.staffToken('reviewer')))).status).toBe(403);
    expect((await request(t.app).get(`/api/admin/consultations/${id}/responses/export`).set(auth(await t.staffToken('handler')))).status).toBe(404);
  });
});

describe('GET /api/admin/consultations/:id/opinions', () => {
  it('lists opinions with respondent numbers, filters by decided, and audits the read', async () => {
    const { id, opinions } = await withOpinions(['甲意见内容较长', '乙意见内容较长']);
    expect(opinions.map((o) => [o.respondentNo, o.text, o.safety])).toEqual([
      [1, '甲意见内容较长', 'pass'],
      [2, '乙意见内容较长', 'pass'],
    ]);
    expect(await lastAudit('consultation.read_opinions')).toMatchObject({ targetId: id });
    await decide(office, id, opinions[0].id, { result: 'adopted', reason: '已在第五条中增加相关规定' });
    const undecided = await request(t.app).get(`/api/admin/consultations/${id}/opinions?decided=false`).set(auth(office));
    expect(undecided.body.items.map((o: { id: string }) => o.id)).toEqual([opinions[1].id]);
    const decided = await request(t.app).get(`/api/admin/consultations/${id}/opinions?decided=true`).set(auth(office));
    expect(decided.body.items[0]).toMatchObject({ id: opinions[0].id, decision: { result: 'adopted', resultLabel: '采纳', reason: '已在第五条中增加相关规定' } });
  });

  it('answers 403 for reviewers and 404 for another department’s handler', async () => {
    const { id } = await withOpinions(['某条意见内容'], { close: false });
    expect((await request(t.app).get(`/api/admin/consultations/${id}/opinions`).set(auth(await t.staffToken('reviewer')))).status).toBe(403);
    expect((await request(t.app).get(`/api/admin/consultations/${id}/opinions`).set(auth(await t.staffToken('handler')))).status).toBe(404);
  });
});

describe('POST .../opinions/:opinionId/decision', () => {
  it('records the decision with its reason, by a handler of the department, and audits it', async () => {
    const { id, opinions } = await withOpinions(['建议延长征求意见时间']);
    const res = await decide(handler, id, opinions[0].id, { result: 'partly_adopted', reason: '部分采纳，已适当延长' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: opinions[0].id, decision: { result: 'partly_adopted', resultLabel: '部分采纳', reason: '部分采纳，已适当延长' } });
    const stored = await t.models.ConsultationOpinion.findById(opinions[0].id).lean();
    expect(stored?.decision).toMatchObject({ result: 'partly_adopted', reason: '部分采纳，已适当延长', decidedAt: new Date(t.clock.now()) });
    // Changing one's mind before publication is allowed and audited with the previous result.
    await decide(handler, id, opinions[0].id, { result: 'not_adopted', reason: '与上位法规定不一致' });
    expect(await lastAudit('consultation.decide_opinion')).toMatchObject({
      targetId: id,
      details: { opinionId: opinions[0].id, result: 'not_adopted', previous: 'partly_adopted', groupSize: 1 },
    });
  });

  it('validates the result and a reason of 2–500 characters', async () => {
    const { id, opinions } = await withOpinions(['需要决定的意见']);
    const bad = await decide(office, id, opinions[0].id, { result: 'maybe', reason: '好' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { in: 'body', path: 'result', message: '请选择采纳情况' },
      { in: 'body', path: 'reason', message: '理由至少2个字' },
    ]);
    const long = await decide(office, id, opinions[0].id, { result: 'adopted', reason: '理'.repeat(501) });
    expect(long.body.error.details).toEqual([{ in: 'body', path: 'reason', message: '理由最多500个字' }]);
    const missing = await decide(office, id, opinions[0].id, { result: 'adopted' });
    expect(missing.status).toBe(400);
  });

  it('answers 404 for an unknown opinion or one of another consultation, 409 while still open, 403 for reviewers', async () => {
    const a = await withOpinions(['甲征集的意见']);
    const b = await withOpinions(['乙征集的意见'], { close: false });
    expect((await decide(office, a.id, 'aaaaaaaaaaaaaaaaaaaaaaaa', { result: 'adopted', reason: '理由充分' })).status).toBe(404);
    expect((await decide(office, a.id, b.opinions[0].id, { result: 'adopted', reason: '理由充分' })).status).toBe(404);
    const open = await decide(office, b.id, b.opinions[0].id, { result: 'adopted', reason: '理由充分' });
    expect(open.status).toBe(409);
    expect(open.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'open' } });
    expect((await decide(await t.staffToken('reviewer'), a.id, a.opinions[0].id, { result: 'adopted', reason: '理由充分' })).status).toBe(403);
    expect((await decide(await t.staffToken('handler'), a.id, a.opinions[0].id, { result: 'adopted', reason: '理由充分' })).status).toBe(404);
  });

  it('accepts decisions once the end has passed by the clock, closing the consultation first', async () => {
    const { id, opinions } = await withOpinions(['到期后决定的意见'], { close: false });
    t.clock.set(T0 + 31 * DAY);
    const token = await t.staffToken('office');
    const res = await decide(token, id, opinions[0].id, { result: 'adopted', reason: '到期后处理' });
    expect(res.status).toBe(200);
    const stored = await t.models.Consultation.findById(id).lean();
    expect(stored).toMatchObject({ status: 'closed', feedbackDueDate: '2026-05-01' });
    expect(stored?.closedAt?.toISOString()).toBe(new Date(T0 + 30 * DAY).toISOString());
  });
});

describe('POST .../opinions/merge', () => {
  it('merges duplicates into one group that shares one decision', async () => {
    const { id, opinions } = await withOpinions(['建议增设停车位', '希望多建停车位', '停车位不足请增加', '其他无关意见']);
    const [a, b, c, other] = opinions;
    await decide(office, id, other.id, { result: 'not_adopted', reason: '不属于本次征求意见范围' });
    // b is merged into a while a is undecided: the group stays undecided.
    const first = await merge(office, id, { opinionIds: [b.id], into: a.id });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ groupId: a.id, size: 2, decision: null });
    // Deciding any member decides the whole group.
    await decide(office, id, b.id, { result: 'adopted', reason: '已增加停车设施规划条款' });
    const afterDecision = await opinionsOf(t, office, id);
    for (const o of afterDecision.filter((x) => [a.id, b.id].includes(x.id))) {
      expect(o).toMatchObject({ groupId: a.id, decision: { result: 'adopted', reason: '已增加停车设施规划条款' } });
    }
    // A later duplicate joins the decided group and takes its decision.
    const second = await merge(handler, id, { opinionIds: [c.id], into: b.id });
    expect(second.body).toMatchObject({ groupId: a.id, size: 3, decision: { result: 'adopted' } });
    expect((await t.models.ConsultationOpinion.findById(c.id).lean())?.decision?.result).toBe('adopted');
    expect(await lastAudit('consultation.merge_opinions')).toMatchObject({ targetId: id, details: { into: b.id, groupId: a.id, opinionIds: [c.id], size: 3 } });
  });

  it('moves a whole group when one of its members is merged elsewhere; an undecided target leaves it undecided', async () => {
    const { id, opinions } = await withOpinions(['意见甲一号', '意见甲二号', '意见乙一号']);
    const [a1, a2, b1] = opinions;
    await merge(office, id, { opinionIds: [a2.id], into: a1.id });
    await decide(office, id, a1.id, { result: 'adopted', reason: '先前决定的理由' });
    const res = await merge(office, id, { opinionIds: [a2.id], into: b1.id });
    expect(res.body).toEqual({ groupId: b1.id, size: 3, decision: null });
    const stored = await t.models.ConsultationOpinion.find({ consultationId: id }).lean();
    expect(stored.every((o) => o.groupId.toHexString() === b1.id && o.decision === undefined)).toBe(true);
  });

  it('refuses opinions of another question (400), unknown ones (404), and merges while open (409)', async () => {
    const id = await createOpen(
      t,
      office,
      buildConsultation(t.clock.now(), {
        departmentId: deptId,
        questions: [
          { id: 'a', type: 'text', title: '问题一' },
          { id: 'b', type: 'text', title: '问题二' },
        ],
      }),
    );
    await respond(t, await newCitizen(), id, [
      { questionId: 'a', value: '问题一的意见' },
      { questionId: 'b', value: '问题二的意见' },
    ]);
    const still = await opinionsOf(t, office, id);
    expect((await merge(office, id, { opinionIds: [still[0].id], into: still[1].id })).status).toBe(409);
    await closeNow(t, office, id);
    const ops = await opinionsOf(t, office, id);
    const res = await merge(office, id, { opinionIds: [ops[0].id], into: ops[1].id });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'opinionIds', message: '只能合并同一问题下的意见' }]);
    expect((await merge(office, id, { opinionIds: ['aaaaaaaaaaaaaaaaaaaaaaaa'], into: ops[1].id })).status).toBe(404);
    expect((await merge(office, id, { opinionIds: [], into: ops[1].id })).status).toBe(400);
  });
});

describe('POST .../feedback/publish', () => {
  it('refuses while opinions are undecided (409 opinions_undecided with the count)', async () => {
    const { id, opinions } = await withOpinions(['一条意见内容', '二条意见内容', '三条意见内容']);
    await decide(office, id, opinions[0].id, { result: 'adopted', reason: '采纳的理由说明' });
    const res = await publish(office, id);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'opinions_undecided', message: '还有2条意见未作出采纳决定，不能发布采纳情况', details: { count: 2 } });
    expect((await t.models.Consultation.findById(id).lean())?.status).toBe('closed');
  });

  it('publishes, notifies every respondent once (inbox + outbox), and is not repeated', async () => {
    const { id, citizens, opinions } = await withOpinions(['意见内容一号', '意见内容二号']);
    // A respondent without a text opinion is a respondent too.
    const silent = await newCitizen();
    await t.models.Consultation.updateOne({ _id: id }, { $set: { status: 'open' } });
    t.clock.advance(1000);
    expect((await respond(t, silent, id, standardAnswers({ q3: '补充一条意见' }))).status).toBe(201);
    await closeNow(t, office, id);
    for (const o of await opinionsOf(t, office, id)) await decide(office, id, o.id, { result: 'not_adopted', reason: '统一不予采纳的理由' });
    expect(opinions).toHaveLength(2);

    t.clock.advance(DAY);
    const res = await publish(handler, id, '本次征求意见共收到意见3条，均已研究处理。');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'feedback_published', phase: 'feedback_published', feedbackPublishedAt: new Date(t.clock.now()).toISOString(), undecidedCount: 0 });
    expect(await lastAudit('consultation.publish_feedback')).toMatchObject({ targetId: id, details: { onTime: true } });

    for (const token of [...citizens, silent]) {
      const actor = await citizenOf(t, token);
      const inbox = await t.services.notifications.listInbox(actor, { limit: 20 });
      const entries = inbox.entries.filter((e) => e.kind === 'consultation_feedback' && e.link?.id === id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ title: '意见征集采纳情况已公布', link: { type: 'consultation', id } });
      expect(entries[0].body).toContain('已公布意见采纳情况');
      const jobs = await t.models.NotificationJob.find({ userId: actor.userId, dedupeKey: `consultation:${id}:feedback:${actor.userId}` }).lean();
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ template: 'consultation_feedback', templateId: 'tmpl-consultation-feedback', page: `packages/consultation/pages/feedback/index?id=${id}` });
      expect(jobs[0].data).toMatchObject({ thing2: { value: '意见采纳情况已公布' }, date3: { value: '2026年3月3日' } });
    }
    expect(await t.models.InboxEntry.countDocuments({ 'link.id': id })).toBe(3);
    expect((await t.models.Consultation.findById(id).lean())?.feedbackNotifiedAt).toBeInstanceOf(Date);

    // Resuming (as after a crash) notifies nobody twice.
    await t.models.Consultation.updateOne({ _id: id }, { $set: { feedbackNotifiedAt: null } });
    await t.services.consultations.resumeFeedbackNotifications();
    expect(await t.models.InboxEntry.countDocuments({ 'link.id': id })).toBe(3);
    expect(await t.models.NotificationJob.countDocuments({ 'link.id': id })).toBe(3);

    const again = await publish(office, id);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state');
    expect((await decide(office, id, opinions[0].id, { result: 'adopted', reason: '发布后不能再改' })).status).toBe(409);
    expect((await merge(office, id, { opinionIds: [opinions[0].id], into: opinions[1].id })).status).toBe(409);
  });

  it('validates the summary and answers 409 for a draft, 403 for reviewers', async () => {
    const draft = await createDraft(t, office, buildConsultation(t.clock.now(), { departmentId: deptId }));
    expect((await publish(office, draft.id)).status).toBe(409);
    const short = await request(t.app).post(`/api/admin/consultations/${draft.id}/feedback/publish`).set(auth(office)).send({ summary: '太短' });
    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual([{ in: 'body', path: 'summary', message: '采纳情况说明至少10个字' }]);
    expect((await publish(await t.staffToken('reviewer'), draft.id)).status).toBe(403);
  });
});

describe('the published report, quotes in the results, and my responses', () => {
  it('shows counts, merged groups once with their count, reasons, and masked personal data; 404 before', async () => {
    const { id, citizens, opinions } = await withOpinions([
      '建议增设停车位，联系电话13812345678',
      '希望多建停车位',
      '人行道太窄，我叫王建国',
      '建议取消收费',
    ]);
    const [p1, p2, walk, fee] = opinions;
    expect((await request(t.app).get(`/api/consultations/${id}/feedback`)).status).toBe(404);

    await merge(office, id, { opinionIds: [p2.id], into: p1.id });
    await decide(office, id, p1.id, { result: 'adopted', reason: '已增加停车设施规划条款' });
    await decide(office, id, walk.id, { result: 'partly_adopted', reason: '主干道人行道将拓宽' });
    await decide(office, id, fee.id, { result: 'not_adopted', reason: '收费依据上位法规定' });

    // Before publication my opinions carry no decision.
    const before = await request(t.app).get('/api/consultations/mine').set(auth(citizens[0]));
    expect(before.body.items.find((i: { consultation: { id: string } }) => i.consultation.id === id).opinions[0].decision).toBeNull();

    expect((await publish(office, id, '本次共收到意见4条，采纳2条，部分采纳1条，不予采纳1条。')).status).toBe(200);
    const res = await request(t.app).get(`/api/consultations/${id}/feedback`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      consultationId: id,
      summary: '本次共收到意见4条，采纳2条，部分采纳1条，不予采纳1条。',
      counts: { total: 4, adopted: 2, partlyAdopted: 1, notAdopted: 1 },
    });
    expect(res.body.opinions).toEqual([
      { questionId: 'q3', questionTitle: '您的意见和建议', text: '建议增设停车位，联系电话138****5678', count: 2, result: 'adopted', resultLabel: '采纳', reason: '已增加停车设施规划条款' },
      { questionId: 'q3', questionTitle: '您的意见和建议', text: '人行道太窄，我叫王**', count: 1, result: 'partly_adopted', resultLabel: '部分采纳', reason: '主干道人行道将拓宽' },
      { questionId: 'q3', questionTitle: '您的意见和建议', text: '建议取消收费', count: 1, result: 'not_adopted', resultLabel: '不予采纳', reason: '收费依据上位法规定' },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('13812345678');

    // The results quote adopted and partly adopted opinions, masked.
    const results = await request(t.app).get(`/api/consultations/${id}/results`);
    expect(results.body.questions.find((q: { questionId: string }) => q.questionId === 'q3')).toEqual({
      questionId: 'q3',
      title: '您的意见和建议',
      type: 'text',
      answered: 4,
      adoptedQuotes: [
        { text: '建议增设停车位，联系电话138****5678', count: 2, result: 'adopted', resultLabel: '采纳' },
        { text: '人行道太窄，我叫王**', count: 1, result: 'partly_adopted', resultLabel: '部分采纳' },
      ],
    });

    // My responses now show the adoption of my opinion (unmasked: it is mine).
    const mine = await request(t.app).get('/api/consultations/mine').set(auth(citizens[1]));
    expect(mine.body.items.find((i: { consultation: { id: string } }) => i.consultation.id === id)).toMatchObject({
      consultation: { id, phase: 'feedback_published', phaseLabel: '已公布采纳情况' },
      opinions: [{ id: p2.id, text: '希望多建停车位', decision: { result: 'adopted', resultLabel: '采纳', reason: '已增加停车设施规划条款' } }],
    });
  });

  it('does not quote an opinion held for content review or rejected, but counts it', async () => {
    const { id, opinions } = await withOpinions(['一条待审核的意见', '一条正常的意见']);
    await t.models.ConsultationOpinion.updateOne({ _id: opinions[0].id }, { $set: { safety: 'review' } });
    await decide(office, id, opinions[0].id, { result: 'adopted', reason: '采纳但不公开原文' });
    await decide(office, id, opinions[1].id, { result: 'adopted', reason: '采纳并公开原文' });
    await publish(office, id);
    const res = await request(t.app).get(`/api/consultations/${id}/feedback`);
    expect(res.body.counts).toEqual({ total: 2, adopted: 2, partlyAdopted: 0, notAdopted: 0 });
    expect(res.body.opinions.map((o: { text: string | null }) => o.text)).toEqual([null, '一条正常的意见']);
    const results = await request(t.app).get(`/api/consultations/${id}/results`);
    expect(results.body.questions[2].adoptedQuotes.map((q: { text: string }) => q.text)).toEqual(['一条正常的意见']);
  });
});

describe('services.consultations.monthlyStatistics', () => {
  it('gives per-department figures for a month: closed, received, published on time, overdue now', async () => {
    const stats = await createTestApp({ clock: createTestClock(Date.parse('2026-04-01T09:00:00+08:00')), env: CONSULTATION_TEST_ENV });
    try {
      const o = await stats.staffToken('office');
      const dA = (await stats.createDepartment({ name: '甲局' }))._id.toHexString();
      const dB = (await stats.createDepartment({ name: '乙局' }))._id.toHexString();
      const start = stats.clock.now();
      // 甲局: closed 04-10 and reported 04-20 (on time); 乙局: closed 04-15, never reported.
      const a = await createOpen(stats, o, buildConsultation(start, { departmentId: dA, endAt: '2026-04-10T18:00:00+08:00' }));
      const b = await createOpen(stats, o, buildConsultation(start, { departmentId: dB, endAt: '2026-04-15T18:00:00+08:00' }));
      for (const [id, n] of [[a, 2], [b, 3]] as const) {
        for (let i = 0; i < n; i++) await respond(stats, await stats.citizenToken(`stat-${id}-${i}`), id, standardAnswers());
      }
      stats.clock.set(Date.parse('2026-04-20T10:00:00+08:00'));
      const o2 = await stats.staffToken('office');
      await stats.services.consultations.closeEndedConsultations(new Date(stats.clock.now()));
      for (const op of await opinionsOf(stats, o2, a)) {
        await request(stats.app).post(`/api/admin/consultations/${a}/opinions/${op.id}/decision`).set(auth(o2)).send({ result: 'adopted', reason: '采纳的理由' });
      }
      expect((await request(stats.app).post(`/api/admin/consultations/${a}/feedback/publish`).set(auth(o2)).send({ summary: '采纳情况说明，共两条意见。' })).status).toBe(200);

      const april = await stats.services.consultations.monthlyStatistics('2026-04');
      expect(april.departments).toEqual([
        {
          departmentId: dA,
          departmentName: '甲局',
          consultationsClosed: 1,
          responsesReceived: 2,
          opinionsReceived: 2,
          feedbackPublished: 1,
          feedbackPublishedOnTime: 1,
          feedbackOverdueNow: 0,
          // Closed Friday 04-10, published Monday 04-20: 04-13 … 04-17 and 04-20.
          averageWorkingDaysToFeedback: 6,
        },
        {
          departmentId: dB,
          departmentName: '乙局',
          consultationsClosed: 1,
          responsesReceived: 3,
          opinionsReceived: 3,
          feedbackPublished: 0,
          feedbackPublishedOnTime: 0,
          feedbackOverdueNow: 0,
          averageWorkingDaysToFeedback: null,
        },
      ]);
      expect(april.totals).toMatchObject({ consultationsClosed: 2, opinionsReceived: 5, feedbackPublished: 1, feedbackPublishedOnTime: 1 });

      // 乙局's report was due 05-15; on 05-16 it is overdue now.
      stats.clock.set(Date.parse('2026-05-16T09:00:00+08:00'));
      const may = await stats.services.consultations.monthlyStatistics('2026-05');
      expect(may.departments).toEqual([expect.objectContaining({ departmentId: dB, consultationsClosed: 0, feedbackOverdueNow: 1 })]);
      await expect(stats.services.consultations.monthlyStatistics('2026-13')).rejects.toThrow(RangeError);
    } finally {
      await stats.close();
    }
  });
});
