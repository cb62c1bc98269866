/**
 * Interpretations (政策解读): what each kind needs, the same review workflow as policies, release
 * only with or after the policy, and the interpretation-gap list computed with the working-day
 * calendar on real holiday dates (国庆/中秋 2026 with the 10 October 调休 Saturday, 春节 2026 with
 * the 14 February 调休 Saturday).
 */
import request from 'supertest';
import type { PolicyStatus } from '../../shared/policies';
import type { StaffRole } from '../../shared/staff';
import { auth, createTestApp, createTestClock, type TestApp } from '../support/app';
import {
  APPROVAL,
  buildInterpretation,
  createInterpretationDraft,
  createPolicyCrew,
  cstAt,
  interpretationIn,
  policyIn,
  POLICY_TEST_ENV,
  step,
  uploadFile,
  type PolicyCrew,
} from '../support/policy-factories';

let t: TestApp;
let crew: PolicyCrew;
beforeAll(async () => {
  t = await createTestApp({ env: POLICY_TEST_ENV, clock: createTestClock(cstAt('2026-09-29T09:00')) });
  crew = await createPolicyCrew(t);
});
afterAll(() => t.close());

const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const tokenOf = (role: StaffRole) => ({ admin: crew.admin.token, office: crew.office.token, handler: crew.handler.token, reviewer: crew.reviewer.token })[role];
const create = (token: string, body: object) => request(t.app).post('/api/admin/interpretations').set(auth(token)).send(body);

describe('POST /api/admin/interpretations', () => {
  let policyId: string;
  beforeAll(async () => {
    policyId = await policyIn(t, crew, 'draft');
  });

  it('creates a text interpretation with sanitized body, a history entry and an audit entry', async () => {
    const res = await create(crew.office.token, buildInterpretation(policyId, { body: '<h2>背景</h2><p onclick="x()">内容<script>alert(1)</script></p><a href="javascript:void(0)">链接</a>' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      policyId,
      policy: { id: policyId, status: 'draft', publishedAt: null },
      departmentId: crew.department._id.toHexString(),
      kind: 'text',
      kindLabel: '文字解读',
      status: 'draft',
      body: '<h2>背景</h2><p>内容</p><span>链接</span>',
      author: '县民政局',
      history: [expect.objectContaining({ action: 'create', toStatus: 'draft', actorId: crew.office.id })],
    });
    const entry = await t.models.AuditEntry.findOne({ action: 'interpretation.create', targetId: res.body.id }).lean();
    expect(entry).toMatchObject({ actor: { id: crew.office.id }, details: { policyId, kind: 'text' } });
  });

  it('requires what each kind needs: a body, question-answer pairs, images, an https video link', async () => {
    const cases: [object, string][] = [
      [{ kind: 'text', body: undefined }, 'body'],
      [{ kind: 'expert', body: undefined }, 'body'],
      [{ kind: 'qa', body: undefined }, 'qa'],
      [{ kind: 'graphic', body: undefined }, 'imageIds'],
      [{ kind: 'video', body: undefined }, 'videoUrl'],
    ];
    for (const [overrides, path] of cases) {
      const res = await create(crew.office.token, { ...buildInterpretation(policyId), ...overrides });
      expect([JSON.stringify(overrides), res.status, res.body.error.details.map((d: { path: string }) => d.path)]).toEqual([JSON.stringify(overrides), 400, [path]]);
    }
    const http = await create(crew.office.token, { ...buildInterpretation(policyId), kind: 'video', videoUrl: 'http://video.example.cn/a.mp4' });
    expect(http.status).toBe(400);
    expect(http.body.error.details).toEqual([{ in: 'body', path: 'videoUrl', message: '视频链接须为 https 地址' }]);
    const emptyQa = await create(crew.office.token, { ...buildInterpretation(policyId), kind: 'qa', qa: [{ question: '', answer: '答' }] });
    expect(emptyQa.status).toBe(400);
    expect(await t.models.Interpretation.countDocuments({ policyId, kind: { $ne: 'text' } })).toBe(0);
  });

  it('stores question-answer pairs, video links and claimed images', async () => {
    const qa = await create(crew.office.token, buildInterpretation(policyId, { kind: 'qa', body: undefined, qa: [{ question: '谁可以申请补贴？', answer: '年满60周岁的本县户籍老人。' }] }));
    expect(qa.status).toBe(201);
    expect(qa.body).toMatchObject({ kind: 'qa', kindLabel: '问答', body: null, qa: [{ question: '谁可以申请补贴？', answer: '年满60周岁的本县户籍老人。' }] });
    const video = await create(crew.office.token, buildInterpretation(policyId, { kind: 'video', videoUrl: 'https://video.example.gov.cn/jiedu.mp4' }));
    expect(video.status).toBe(201);
    expect(video.body.videoUrl).toBe('https://video.example.gov.cn/jiedu.mp4');
    const image = await uploadFile(t, crew.office.token, 'png');
    const graphic = await create(crew.office.token, buildInterpretation(policyId, { kind: 'graphic', body: undefined, imageIds: [image] }));
    expect(graphic.status).toBe(201);
    expect(graphic.body.images).toEqual([expect.objectContaining({ id: image, kind: 'image' })]);
    expect((await t.models.UploadFile.findById(image).lean())?.metadata.attachedTo).toEqual({ type: 'interpretation', id: graphic.body.id });
    const pdf = await uploadFile(t, crew.office.token, 'pdf');
    const pdfAsImage = await create(crew.office.token, buildInterpretation(policyId, { kind: 'graphic', body: undefined, imageIds: [pdf] }));
    expect(pdfAsImage.status).toBe(400);
    expect(pdfAsImage.body.error).toMatchObject({ code: 'invalid_attachment', details: [{ id: pdf, reason: 'kind_not_allowed' }] });
  });

  it('refuses a policy that does not exist or that the handler may not see', async () => {
    const unknown = await create(crew.office.token, buildInterpretation(UNKNOWN_ID));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ in: 'body', path: 'policyId', message: '所选政策文件不存在' }]);
    const other = await create(crew.otherHandler.token, buildInterpretation(policyId));
    expect(other.status).toBe(400);
    const own = await create(crew.handler.token, buildInterpretation(policyId));
    expect(own.status).toBe(201);
  });
});

describe('the interpretation workflow', () => {
  it('publishes only once the policy is published (409 before), never before the policy’s publication', async () => {
    const policyId = await policyIn(t, crew, 'approved');
    const id = await interpretationIn(t, crew, policyId, 'approved');
    const early = await request(t.app).post(`/api/admin/interpretations/${id}/publish`).set(auth(crew.office.token)).send({});
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'approved', policyStatus: 'approved', reason: 'policy_not_published' } });
    await step(t, crew.office.token, 'policies', policyId, 'publish', { withInterpretations: false });
    const before = await request(t.app)
      .post(`/api/admin/interpretations/${id}/publish`)
      .set(auth(crew.office.token))
      .send({ publishedAt: new Date(t.clock.now() - 86_400_000).toISOString() });
    expect(before.status).toBe(400);
    expect(before.body.error.details).toEqual([{ in: 'body', path: 'publishedAt', message: '解读发布时间不能早于政策文件发布时间' }]);
    t.clock.advance(3_600_000);
    const res = await step(t, crew.office.token, 'interpretations', id, 'publish');
    expect(res).toMatchObject({ status: 'published', publishedAt: new Date(t.clock.now()).toISOString(), policy: { id: policyId, status: 'published' } });
    const policy = await t.models.Policy.findById(policyId).lean();
    expect(policy?.interpretation).toEqual({ count: 1, kinds: ['text'], firstPublishedAt: new Date(t.clock.now()) });
    const pub = await request(t.app).get(`/api/policies/${policyId}`);
    expect(pub.body.interpretations.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(await t.models.AuditEntry.countDocuments({ action: 'interpretation.publish', targetId: id })).toBe(1);
  });

  it('requires the confidentiality review to approve, and returns with a reason', async () => {
    const policyId = await policyIn(t, crew, 'draft');
    const { id } = await createInterpretationDraft(t, crew, policyId);
    await step(t, crew.handler.token, 'interpretations', id, 'submit');
    const missing = await request(t.app).post(`/api/admin/interpretations/${id}/approve`).set(auth(crew.reviewer.token)).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('confidentialityReview');
    const returned = await step(t, crew.reviewer.token, 'interpretations', id, 'return', { reason: '解读口径需与原文一致' });
    expect(returned).toMatchObject({ status: 'returned', returnReason: '解读口径需与原文一致' });
    await step(t, crew.office.token, 'interpretations', id, 'submit');
    const approved = await step(t, crew.reviewer.token, 'interpretations', id, 'approve', APPROVAL);
    expect(approved).toMatchObject({ status: 'approved', confidentialityReview: { reviewerId: crew.reviewer.id, result: 'no_secrets' } });
    expect(approved.history.map((h: { action: string }) => h.action)).toEqual(['create', 'submit', 'return', 'submit', 'approve']);
    expect((await t.models.AuditEntry.find({ targetId: id }).sort({ at: 1, _id: 1 }).lean()).map((e) => e.action)).toEqual([
      'interpretation.create',
      'interpretation.submit',
      'interpretation.return',
      'interpretation.submit',
      'interpretation.approve',
    ]);
  });

  it('edits drafts only, re-checking what the kind needs', async () => {
    const policyId = await policyIn(t, crew, 'draft');
    const { id } = await createInterpretationDraft(t, crew, policyId);
    const toQa = await request(t.app).patch(`/api/admin/interpretations/${id}`).set(auth(crew.office.token)).send({ kind: 'qa' });
    expect(toQa.status).toBe(400);
    expect(toQa.body.error.details).toEqual([{ in: 'body', path: 'qa', message: '问答解读至少需要一组问答' }]);
    const ok = await request(t.app)
      .patch(`/api/admin/interpretations/${id}`)
      .set(auth(crew.handler.token))
      .send({ kind: 'qa', body: null, qa: [{ question: '何时施行？', answer: '自发布之日起施行。' }] });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ kind: 'qa', body: null, qa: [{ question: '何时施行？' }] });
    const other = await request(t.app).patch(`/api/admin/interpretations/${id}`).set(auth(crew.otherHandler.token)).send({ title: '另一个部门的修改' });
    expect(other.status).toBe(404);
    await step(t, crew.office.token, 'interpretations', id, 'submit');
    const locked = await request(t.app).patch(`/api/admin/interpretations/${id}`).set(auth(crew.office.token)).send({ title: '审核中的修改' });
    expect(locked.status).toBe(409);
    expect(locked.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'in_review' } });
  });

  it('answers 409 for every action from every state it does not start from, and 404 for unknown ids', async () => {
    const policyId = await policyIn(t, crew, 'published');
    const STATES: PolicyStatus[] = ['draft', 'in_review', 'returned', 'approved', 'published'];
    const ids = new Map<PolicyStatus, string>();
    for (const s of STATES) ids.set(s, await interpretationIn(t, crew, policyId, s));
    const ACTIONS: { action: string; role: StaffRole; from: PolicyStatus[]; body: object }[] = [
      { action: 'submit', role: 'office', from: ['draft', 'returned'], body: {} },
      { action: 'approve', role: 'reviewer', from: ['in_review'], body: APPROVAL },
      { action: 'return', role: 'reviewer', from: ['in_review'], body: { reason: '请修改' } },
      { action: 'publish', role: 'office', from: ['approved'], body: {} },
    ];
    let checked = 0;
    for (const a of ACTIONS) {
      for (const s of STATES.filter((x) => !a.from.includes(x))) {
        const res = await request(t.app).post(`/api/admin/interpretations/${ids.get(s)}/${a.action}`).set(auth(tokenOf(a.role))).send(a.body);
        expect([a.action, s, res.status, res.body.error?.details?.status]).toEqual([a.action, s, 409, s]);
        checked++;
      }
      const unknown = await request(t.app).post(`/api/admin/interpretations/${UNKNOWN_ID}/${a.action}`).set(auth(tokenOf(a.role))).send(a.body);
      expect(unknown.status).toBe(404);
    }
    expect(checked).toBe(15);
    expect((await request(t.app).get(`/api/admin/interpretations/${UNKNOWN_ID}`).set(auth(crew.office.token))).status).toBe(404);
  });

  it('lists interpretations by policy, status and kind; handlers see their department’s', async () => {
    const policyId = await policyIn(t, crew, 'draft');
    const a = await createInterpretationDraft(t, crew, policyId);
    const b = await createInterpretationDraft(t, crew, policyId, { kind: 'video', videoUrl: 'https://v.example.cn/1.mp4' });
    const list = await request(t.app).get(`/api/admin/interpretations?policyId=${policyId}`).set(auth(crew.reviewer.token));
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([b.id, a.id]);
    const videos = await request(t.app).get(`/api/admin/interpretations?policyId=${policyId}&kind=video&status=draft`).set(auth(crew.handler.token));
    expect(videos.body.items.map((i: { id: string }) => i.id)).toEqual([b.id]);
    const other = await request(t.app).get(`/api/admin/interpretations?policyId=${policyId}`).set(auth(crew.otherHandler.token));
    expect(other.body.items).toEqual([]);
    expect((await request(t.app).get(`/api/admin/interpretations/${a.id}`).set(auth(crew.otherHandler.token))).status).toBe(404);
  });
});

describe('GET /api/admin/policies/interpretation-gaps', () => {
  const gapsOf = async (category: string, extra = '', token = crew.office.token) => {
    const res = await request(t.app).get(`/api/admin/policies/interpretation-gaps?category=${category}${extra}`).set(auth(token));
    expect(res.status).toBe(200);
    return res.body as { items: Record<string, any>[]; nextCursor: string | null }; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON body read field by field
  };

  it('counts 3 working days across 国庆/中秋 2026 and the 10 October 调休 Saturday: 10-09 and 10-10 on time, 10-12 and 10-15 late', async () => {
    await request(t.app).post('/api/admin/categories').set(auth(crew.admin.token)).send({ key: 'gaps_national_day', name: '国庆测试', interpretationRequired: true });
    const category = 'gaps_national_day';
    t.clock.set(cstAt('2026-09-30T10:00'));
    const publish = async (title: string) => policyIn(t, crew, 'published', { category, documentNumber: null, title });
    const onNinth = await publish('10月9日解读的文件');
    const onTenth = await publish('10月10日解读的文件');
    const onTwelfth = await publish('10月12日解读的文件');
    const onFifteenth = await publish('10月15日解读的文件');
    const missing = await publish('尚无解读的文件');
    const together = await policyIn(t, crew, 'approved', { category, documentNumber: null, title: '与解读同步发布的文件' });
    await interpretationIn(t, crew, together, 'approved');
    await step(t, crew.office.token, 'policies', together, 'publish');
    const interpretations = new Map<string, string>();
    for (const p of [onNinth, onTenth, onTwelfth, onFifteenth]) interpretations.set(p, await interpretationIn(t, crew, p, 'approved'));

    for (const [policyId, at] of [
      [onNinth, '2026-10-09T10:00'],
      [onTenth, '2026-10-10T16:00'],
      [onTwelfth, '2026-10-12T09:00'],
      [onFifteenth, '2026-10-15T10:00'],
    ] as const) {
      t.clock.set(cstAt(at));
      await step(t, crew.office.token, 'interpretations', interpretations.get(policyId)!, 'publish');
    }

    t.clock.set(cstAt('2026-10-16T09:00'));
    const { items } = await gapsOf(category);
    const byId = new Map(items.map((g) => [g.policy.id, g]));
    expect(new Set(byId.keys())).toEqual(new Set([onTwelfth, onFifteenth, missing]));
    const deadline = {
      startDate: '2026-09-30',
      dueDate: '2026-10-10',
      dueAt: '2026-10-10T15:59:59.999Z',
      workingDays: 3,
      basis: 'chinese-days',
      explanation: '自2026年9月30日起算3个工作日（当日不计），跳过国庆节假期（10月1日至10月7日），10月10日（周六）调休上班，计入工作日，截止2026年10月10日（周六）。',
    };
    expect(byId.get(onFifteenth)).toEqual({
      policy: expect.objectContaining({ id: onFifteenth, title: '10月15日解读的文件', category: { key: category, name: '国庆测试' }, publishedAt: new Date(cstAt('2026-09-30T10:00')).toISOString() }),
      gap: 'late',
      gapLabel: '解读发布超期',
      deadline,
      firstInterpretationAt: new Date(cstAt('2026-10-15T10:00')).toISOString(),
      overdue: true,
      workingDaysLate: 4,
    });
    expect(byId.get(onTwelfth)).toMatchObject({ gap: 'late', workingDaysLate: 1 });
    expect(byId.get(missing)).toMatchObject({ gap: 'missing', gapLabel: '未解读', firstInterpretationAt: null, overdue: true, workingDaysLate: 5, deadline });

    // The same policies seen on 10-09: nothing is late yet, the missing one is not overdue.
    t.clock.set(cstAt('2026-10-09T18:00'));
    const early = await gapsOf(category);
    const missingEarly = early.items.find((g) => g.policy.id === missing);
    expect(missingEarly).toMatchObject({ gap: 'missing', overdue: false, workingDaysLate: null });
    expect((await gapsOf(category, '&overdue=true')).items.map((g) => g.policy.id)).toEqual(
      expect.arrayContaining([onTwelfth, onFifteenth]),
    );
    expect((await gapsOf(category, '&overdue=true')).items.map((g) => g.policy.id)).not.toContain(missing);

    // The staff detail shows the same deadline.
    t.clock.set(cstAt('2026-10-16T09:00'));
    const detail = await request(t.app).get(`/api/admin/policies/${onTenth}`).set(auth(crew.office.token));
    expect(detail.body.interpretationDeadline).toEqual(deadline);
  });

  it('counts across 春节 2026 with the 14 February 调休 Saturday: due 2-25, 2-26 is late', async () => {
    t.clock.set(cstAt('2026-02-12T09:00'));
    const febCrew = await createPolicyCrew(t);
    await request(t.app).post('/api/admin/categories').set(auth(febCrew.admin.token)).send({ key: 'gaps_spring', name: '春节测试', interpretationRequired: true });
    const category = 'gaps_spring';
    t.clock.set(cstAt('2026-02-13T15:00'));
    const onTime = await policyIn(t, febCrew, 'published', { category, documentNumber: null });
    const late = await policyIn(t, febCrew, 'published', { category, documentNumber: null });
    const a = await interpretationIn(t, febCrew, onTime, 'approved');
    const b = await interpretationIn(t, febCrew, late, 'approved');
    t.clock.set(cstAt('2026-02-25T17:30'));
    await step(t, febCrew.office.token, 'interpretations', a, 'publish');
    t.clock.set(cstAt('2026-02-26T09:00'));
    await step(t, febCrew.office.token, 'interpretations', b, 'publish');
    const res = await request(t.app).get(`/api/admin/policies/interpretation-gaps?category=${category}`).set(auth(febCrew.reviewer.token));
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      policy: { id: late },
      gap: 'late',
      workingDaysLate: 1,
      deadline: {
        dueDate: '2026-02-25',
        explanation: '自2026年2月13日起算3个工作日（当日不计），跳过春节假期（2月15日至2月23日），2月14日（周六）调休上班，计入工作日，截止2026年2月25日（周三）。',
      },
    });
  });

  it('leaves out categories that do not require interpretation, pages newest first and scopes handlers', async () => {
    t.clock.set(cstAt('2026-10-20T09:00'));
    const fresh = await createPolicyCrew(t);
    await request(t.app).post('/api/admin/categories').set(auth(fresh.admin.token)).send({ key: 'gaps_paging', name: '分页测试', interpretationRequired: true });
    const notice = await policyIn(t, fresh, 'published', { category: 'notice', documentNumber: null });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(60_000);
      ids.unshift(await policyIn(t, fresh, 'published', { category: 'gaps_paging', documentNumber: null }));
    }
    const all = await request(t.app).get('/api/admin/policies/interpretation-gaps?limit=100').set(auth(fresh.office.token));
    expect(all.body.items.map((g: { policy: { id: string } }) => g.policy.id)).not.toContain(notice);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.app)
        .get(`/api/admin/policies/interpretation-gaps?category=gaps_paging&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(auth(fresh.office.token));
      seen.push(...res.body.items.map((g: { policy: { id: string } }) => g.policy.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const otherHandler = await request(t.app).get('/api/admin/policies/interpretation-gaps?category=gaps_paging').set(auth(fresh.otherHandler.token));
    expect(otherHandler.body.items).toEqual([]);
    const ownHandler = await request(t.app).get('/api/admin/policies/interpretation-gaps?category=gaps_paging').set(auth(fresh.handler.token));
    expect(ownHandler.body.items).toHaveLength(5);
  });
});

describe('publishing a policy with its interpretations', () => {
  it('releases approved interpretations at the policy’s instant, so they are never late', async () => {
    t.clock.set(cstAt('2026-10-21T10:00'));
    const fresh = await createPolicyCrew(t);
    const id = await policyIn(t, fresh, 'approved');
    await interpretationIn(t, fresh, id, 'approved', { kind: 'expert', title: '专家解读' });
    await step(t, fresh.office.token, 'policies', id, 'publish');
    const policy = await t.models.Policy.findById(id).lean();
    expect(policy?.interpretation.firstPublishedAt).toEqual(policy?.publishedAt);
    const gaps = await request(t.app).get('/api/admin/policies/interpretation-gaps?category=normative&limit=100').set(auth(fresh.office.token));
    expect(gaps.body.items.map((g: { policy: { id: string } }) => g.policy.id)).not.toContain(id);
  });
});
