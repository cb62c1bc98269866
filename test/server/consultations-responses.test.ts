/**
 * Consultations, the citizen side: the public list and detail, answering (validation against the
 * questions, one response per person, the window by the clock, content safety), my responses and
 * the aggregated results.
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, TEST_WECHAT, type TestApp } from '../support/app';
import {
  buildConsultation,
  closeNow,
  CONSULTATION_TEST_ENV,
  createDraft,
  createOpen,
  respond,
  standardAnswers,
} from '../support/consultation-factories';
import { startFakeWechat, type FakeWechat } from '../support/fake-wechat';

const DAY = 86_400_000;
/** Monday 2026-03-02 10:00 CST. */
const T0 = Date.parse('2026-03-02T10:00:00+08:00');

let t: TestApp;
let office: string;
beforeAll(async () => {
  t = await createTestApp({ clock: createTestClock(T0), env: CONSULTATION_TEST_ENV });
  office = await t.staffToken('office');
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(T0));

/** Creates an open consultation with a department of its own. */
async function openConsultation(overrides: Parameters<typeof buildConsultation>[1] = {}): Promise<string> {
  const dept = await t.createDepartment();
  return createOpen(t, office, buildConsultation(t.clock.now(), { departmentId: dept._id.toHexString(), ...overrides }));
}

let citizenSeq = 0;
const newCitizen = () => t.citizenToken(`resp-citizen-${++citizenSeq}`);

describe('POST /api/consultations/:id/responses', () => {
  it('answers 401 without a token and 403 for a staff token', async () => {
    const id = await openConsultation();
    expect((await request(t.app).post(`/api/consultations/${id}/responses`).send({ answers: standardAnswers() })).status).toBe(401);
    const res = await request(t.app).post(`/api/consultations/${id}/responses`).set(auth(office)).send({ answers: standardAnswers() });
    expect(res.status).toBe(403);
  });

  it('stores the response with a respondent number, normalized answers and one opinion per text answer', async () => {
    const id = await openConsultation();
    const citizen = await newCitizen();
    const res = await respond(t, citizen, id, standardAnswers({ q3: '  建议增加对占道经营的分类管理规定。  ' }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), consultationId: id, submittedAt: new Date(T0).toISOString(), opinionsUnderReview: 0 });

    const stored = await t.models.ConsultationResponse.findById(res.body.id).lean();
    expect(stored?.respondentNo).toBe(1);
    expect(stored?.answers).toEqual([
      { questionId: 'q1', type: 'single', value: '支持' },
      // Options keep the question's order, whatever order they were sent in.
      { questionId: 'q2', type: 'multiple', value: ['第一条', '第三条'] },
      { questionId: 'q3', type: 'text', value: '建议增加对占道经营的分类管理规定。' },
      { questionId: 'q4', type: 'rating', value: 4 },
    ]);
    const opinions = await t.models.ConsultationOpinion.find({ responseId: stored!._id }).lean();
    expect(opinions).toHaveLength(1);
    expect(opinions[0]).toMatchObject({ questionId: 'q3', text: '建议增加对占道经营的分类管理规定。', safety: 'pass', respondentNo: 1 });
    expect(opinions[0].decision).toBeUndefined();
    expect(opinions[0].groupId.equals(opinions[0]._id)).toBe(true);

    const second = await respond(t, await newCitizen(), id, standardAnswers());
    expect((await t.models.ConsultationResponse.findById(second.body.id).lean())?.respondentNo).toBe(2);
  });

  it('accepts leaving optional questions unanswered', async () => {
    const id = await openConsultation();
    const res = await respond(t, await newCitizen(), id, standardAnswers({ q2: [], q4: undefined }));
    expect(res.status).toBe(201);
    const stored = await t.models.ConsultationResponse.findById(res.body.id).lean();
    expect(stored?.answers.map((a) => a.questionId)).toEqual(['q1', 'q3']);
  });

  describe('checks the answers against the questions, reporting every problem per question', () => {
    let id: string;
    beforeAll(async () => {
      t.clock.set(T0);
      id = await openConsultation();
    });

    const details = async (answers: ReturnType<typeof standardAnswers> | unknown[]) => {
      const res = await respond(t, await newCitizen(), id, answers as ReturnType<typeof standardAnswers>);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      return res.body.error.details as { in: string; path: string; message: string }[];
    };

    it('refuses an unknown question id', async () => {
      expect(await details([...standardAnswers(), { questionId: 'q99', value: '多余' }])).toEqual([
        { in: 'body', path: 'answers.q99', message: '问题不存在' },
      ]);
    });

    it('refuses a question answered twice', async () => {
      expect(await details([...standardAnswers(), { questionId: 'q4', value: 5 }])).toEqual([
        { in: 'body', path: 'answers.q4', message: '同一问题只能回答一次' },
      ]);
    });

    it('refuses missing required answers, an empty text counting as missing', async () => {
      expect(await details(standardAnswers({ q1: undefined, q3: '   ' }))).toEqual([
        { in: 'body', path: 'answers.q1', message: '此题为必答题' },
        { in: 'body', path: 'answers.q3', message: '此题为必答题' },
      ]);
    });

    it('refuses an option that is not in the list (single and multiple)', async () => {
      expect(await details(standardAnswers({ q1: '非常支持', q2: ['第一条', '第九条'] }))).toEqual([
        { in: 'body', path: 'answers.q1', message: '所选选项不在列表中' },
        { in: 'body', path: 'answers.q2', message: '所选选项不在列表中' },
      ]);
    });

    it('refuses too few and too many selections', async () => {
      expect(await details(standardAnswers({ q2: ['第一条'] }))).toEqual([{ in: 'body', path: 'answers.q2', message: '至少选择2项' }]);
      expect(await details(standardAnswers({ q2: ['第一条', '第二条', '第三条', '第四条'] }))).toEqual([
        { in: 'body', path: 'answers.q2', message: '最多选择3项' },
      ]);
      expect(await details(standardAnswers({ q2: ['第一条', '第一条'] }))).toEqual([{ in: 'body', path: 'answers.q2', message: '选项不能重复选择' }]);
    });

    it('refuses text that is too short or too long, counted in characters', async () => {
      expect(await details(standardAnswers({ q3: '太短了' }))).toEqual([{ in: 'body', path: 'answers.q3', message: '至少填写5个字' }]);
      expect(await details(standardAnswers({ q3: '意'.repeat(201) }))).toEqual([{ in: 'body', path: 'answers.q3', message: '最多填写200个字' }]);
      // 200 characters outside the BMP are 200 characters, not 400 UTF-16 units.
      expect((await respond(t, await newCitizen(), id, standardAnswers({ q3: '𠀋'.repeat(200) }))).status).toBe(201);
    });

    it('refuses ratings outside 1–5 and fractions', async () => {
      for (const value of [0, 6, 3.5]) {
        expect(await details(standardAnswers({ q4: value }))).toEqual([{ in: 'body', path: 'answers.q4', message: '评分为1至5分的整数' }]);
      }
    });

    it('refuses values of the wrong type', async () => {
      expect(await details(standardAnswers({ q1: ['支持'], q2: '第一条', q3: 12345, q4: '5' }))).toEqual([
        { in: 'body', path: 'answers.q1', message: '请选择一个选项' },
        { in: 'body', path: 'answers.q2', message: '请选择选项' },
        { in: 'body', path: 'answers.q3', message: '请填写文字' },
        { in: 'body', path: 'answers.q4', message: '评分为1至5分的整数' },
      ]);
    });

    it('refuses a malformed body before looking at the questions', async () => {
      const res = await request(t.app).post(`/api/consultations/${id}/responses`).set(auth(await newCitizen())).send({ answers: 'all good' });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0]).toMatchObject({ in: 'body', path: 'answers' });
    });

    it('stores nothing for a refused response', async () => {
      expect(await t.models.ConsultationResponse.countDocuments({ consultationId: id })).toBe(1);
    });
  });

  it('accepts one response per person: the second gets 409 already_responded', async () => {
    const id = await openConsultation();
    const citizen = await newCitizen();
    expect((await respond(t, citizen, id, standardAnswers())).status).toBe(201);
    const again = await respond(t, citizen, id, standardAnswers({ q1: '反对' }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_responded');
    expect(await t.models.ConsultationResponse.countDocuments({ consultationId: id })).toBe(1);
    expect(await t.models.ConsultationOpinion.countDocuments({ consultationId: id })).toBe(1);
  });

  it('lets exactly one of two concurrent submissions from the same citizen through (unique index)', async () => {
    const id = await openConsultation();
    for (let round = 0; round < 3; round++) {
      const citizen = await newCitizen();
      const results = await Promise.all([respond(t, citizen, id, standardAnswers()), respond(t, citizen, id, standardAnswers({ q1: '反对' }))]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)?.body.error.code).toBe('already_responded');
    }
    expect(await t.models.ConsultationResponse.countDocuments({ consultationId: id })).toBe(3);
    expect(await t.models.ConsultationOpinion.countDocuments({ consultationId: id })).toBe(3);
  });

  it('refuses responses before the start with 409 consultation_not_open, and accepts them once it starts', async () => {
    const id = await openConsultation({ startAt: new Date(T0 + 2 * DAY).toISOString(), endAt: new Date(T0 + 20 * DAY).toISOString() });
    const citizen = await newCitizen();
    const early = await respond(t, citizen, id, standardAnswers());
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'consultation_not_open', message: '意见征集尚未开始', details: { phase: 'upcoming' } });
    t.clock.set(T0 + 2 * DAY);
    expect((await respond(t, citizen, id, standardAnswers())).status).toBe(201);
  });

  it('refuses responses from the end time on by the clock, before the auto-close task has run', async () => {
    const id = await openConsultation({ days: 10 });
    t.clock.set(T0 + 10 * DAY - 1);
    expect((await respond(t, await newCitizen(), id, standardAnswers())).status).toBe(201);
    t.clock.set(T0 + 10 * DAY);
    const late = await respond(t, await newCitizen(), id, standardAnswers());
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'consultation_not_open', message: '意见征集已结束', details: { phase: 'closed' } });
    expect((await t.models.Consultation.findById(id).lean())?.status).toBe('open');
  });

  it('refuses responses after an early close', async () => {
    const id = await openConsultation();
    await closeNow(t, office, id);
    const res = await respond(t, await newCitizen(), id, standardAnswers());
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('consultation_not_open');
  });

  it('answers 404 for a draft and for an unknown consultation', async () => {
    const dept = await t.createDepartment();
    const draft = await createDraft(t, office, buildConsultation(T0, { departmentId: dept._id.toHexString() }));
    const citizen = await newCitizen();
    expect((await respond(t, citizen, draft.id, standardAnswers())).status).toBe(404);
    expect((await respond(t, citizen, 'aaaaaaaaaaaaaaaaaaaaaaaa', standardAnswers())).status).toBe(404);
  });
});

describe('content safety of free-text opinions', () => {
  let fake: FakeWechat;
  let w: TestApp;
  let wOffice: string;
  beforeAll(async () => {
    fake = await startFakeWechat({ appId: TEST_WECHAT.appId, secret: TEST_WECHAT.secret, riskyWords: ['赌博网站'], reviewWords: ['上访'] });
    w = await createTestApp({ clock: createTestClock(T0), env: CONSULTATION_TEST_ENV, wechat: fake });
    wOffice = await w.staffToken('office');
  });
  afterAll(async () => {
    await w.close();
    await fake.close();
  });

  const open = async () => {
    const dept = await w.createDepartment();
    return createOpen(w, wOffice, buildConsultation(T0, { departmentId: dept._id.toHexString() }));
  };

  it('refuses a risky opinion with 422 content_risky and stores nothing', async () => {
    const id = await open();
    const res = await respond(w, await w.citizenToken('risky-writer'), id, standardAnswers({ q3: '欢迎访问赌博网站获取更多信息' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('content_risky');
    expect(await w.models.ConsultationResponse.countDocuments({ consultationId: id })).toBe(0);
    expect(await w.models.ConsultationOpinion.countDocuments({ consultationId: id })).toBe(0);
  });

  it('accepts an opinion flagged for review but holds it (not quotable) until a reviewer approves it', async () => {
    const id = await open();
    const res = await respond(w, await w.citizenToken('review-writer'), id, standardAnswers({ q3: '关于上访渠道的建议：增加线上预约' }));
    expect(res.status).toBe(201);
    expect(res.body.opinionsUnderReview).toBe(1);
    const opinion = await w.models.ConsultationOpinion.findOne({ consultationId: id }).lean();
    expect(opinion?.safety).toBe('review');
    expect(await w.services.contentSafety.reviewStatusOf('consultation_opinion', opinion!._id.toHexString())).toBe('pending');

    const review = await w.models.ContentReview.findOne({ subjectType: 'consultation_opinion', subjectId: opinion!._id.toHexString() }).lean();
    const approve = await request(w.app).post(`/api/admin/content-reviews/${String(review!._id)}/approve`).set(auth(wOffice)).send({});
    expect(approve.status).toBe(200);
    expect((await w.models.ConsultationOpinion.findById(opinion!._id).lean())?.safety).toBe('approved');
  });

  it('marks a held opinion rejected when the reviewer rejects it', async () => {
    const id = await open();
    await respond(w, await w.citizenToken('review-writer-2'), id, standardAnswers({ q3: '上访问题应当依法处理' }));
    const opinion = await w.models.ConsultationOpinion.findOne({ consultationId: id }).lean();
    const review = await w.models.ContentReview.findOne({ subjectId: opinion!._id.toHexString() }).lean();
    const reject = await request(w.app).post(`/api/admin/content-reviews/${String(review!._id)}/reject`).set(auth(wOffice)).send({});
    expect(reject.status).toBe(200);
    expect((await w.models.ConsultationOpinion.findById(opinion!._id).lean())?.safety).toBe('rejected');
  });
});

describe('GET /api/consultations and /api/consultations/:id', () => {
  let openId: string;
  let upcomingId: string;
  let endedId: string;
  let closedId: string;
  let draftId: string;
  let lister: TestApp;
  let listerOffice: string;
  beforeAll(async () => {
    // A database of its own, so the list holds exactly these consultations.
    lister = await createTestApp({ clock: createTestClock(T0), env: CONSULTATION_TEST_ENV });
    listerOffice = await lister.staffToken('office');
    const dept = (await lister.createDepartment())._id.toHexString();
    const at = (ms: number) => ({ departmentId: dept, startAt: new Date(ms).toISOString() });
    endedId = await createOpen(lister, listerOffice, buildConsultation(T0, { ...at(T0), days: 1 }));
    closedId = await createOpen(lister, listerOffice, buildConsultation(T0, { ...at(T0 + 1000) }));
    await closeNow(lister, listerOffice, closedId);
    openId = await createOpen(lister, listerOffice, buildConsultation(T0, { ...at(T0 + 2000) }));
    upcomingId = await createOpen(lister, listerOffice, buildConsultation(T0, { ...at(T0 + 3 * DAY) }));
    draftId = (await createDraft(lister, listerOffice, buildConsultation(T0, at(T0 + 4000)))).id;
    lister.clock.set(T0 + DAY + 5000);
  });
  afterAll(() => lister.close());

  const ids = (res: request.Response) => res.body.items.map((i: { id: string }) => i.id);

  it('lists published consultations only, newest start first, with the derived phase', async () => {
    const res = await request(lister.app).get('/api/consultations');
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual([upcomingId, openId, closedId, endedId]);
    expect(res.body.items.map((i: { phase: string }) => i.phase)).toEqual(['upcoming', 'open', 'closed', 'closed']);
    expect(ids(res)).not.toContain(draftId);
  });

  it('filters open (accepting now) and closed (ended by the clock included)', async () => {
    expect(ids(await request(lister.app).get('/api/consultations?status=open'))).toEqual([openId]);
    expect(ids(await request(lister.app).get('/api/consultations?status=closed'))).toEqual([closedId, endedId]);
    const bad = await request(lister.app).get('/api/consultations?status=draft');
    expect(bad.status).toBe(400);
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const first = await request(lister.app).get('/api/consultations?limit=3');
    expect(first.body.items).toHaveLength(3);
    const second = await request(lister.app).get(`/api/consultations?limit=3&cursor=${first.body.nextCursor}`);
    expect([...ids(first), ...ids(second)]).toEqual([upcomingId, openId, closedId, endedId]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('shows the detail with questions, sanitized draft, window and days left', async () => {
    const res = await request(lister.app).get(`/api/consultations/${openId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: openId,
      phase: 'open',
      phaseLabel: '征集中',
      daysLeft: 29,
      draftHtml: '<h2>第一章 总则</h2><p>第一条 为了加强城市管理……</p>',
      minDurationRule: 'none',
      myResponse: null,
    });
    expect(res.body.questions.map((q: { id: string; type: string }) => [q.id, q.type])).toEqual([
      ['q1', 'single'],
      ['q2', 'multiple'],
      ['q3', 'text'],
      ['q4', 'rating'],
    ]);
    expect(res.body).not.toHaveProperty('respondentSeq');
    expect(res.body).not.toHaveProperty('createdBy');
  });

  it('tells a signed-in citizen whether they have responded', async () => {
    const citizen = await lister.citizenToken('detail-reader');
    const before = await request(lister.app).get(`/api/consultations/${openId}`).set(auth(citizen));
    expect(before.body.myResponse).toEqual({ submitted: false, submittedAt: null });
    await respond(lister, citizen, openId, standardAnswers());
    const after = await request(lister.app).get(`/api/consultations/${openId}`).set(auth(citizen));
    expect(after.body.myResponse).toEqual({ submitted: true, submittedAt: new Date(T0 + DAY + 5000).toISOString() });
  });

  it('answers 404 for a draft and an unknown id', async () => {
    expect((await request(lister.app).get(`/api/consultations/${draftId}`)).status).toBe(404);
    expect((await request(lister.app).get('/api/consultations/aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await request(lister.app).get('/api/consultations/not-an-id')).status).toBe(400);
  });
});

describe('GET /api/consultations/:id/results', () => {
  it('answers 404 for drafts and for consultations whose results are not shown, 403 before the close', async () => {
    const dept = (await t.createDepartment())._id.toHexString();
    const draft = await createDraft(t, office, buildConsultation(T0, { departmentId: dept }));
    expect((await request(t.app).get(`/api/consultations/${draft.id}/results`)).status).toBe(404);

    const hidden = await createOpen(t, office, buildConsultation(T0, { departmentId: dept, showResults: false }));
    await closeNow(t, office, hidden);
    expect((await request(t.app).get(`/api/consultations/${hidden}/results`)).status).toBe(404);

    const shown = await createOpen(t, office, buildConsultation(T0, { departmentId: dept, days: 5 }));
    const early = await request(t.app).get(`/api/consultations/${shown}/results`);
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe('consultation_results_not_available');
    // Ended by the clock counts as closed.
    t.clock.set(T0 + 5 * DAY);
    expect((await request(t.app).get(`/api/consultations/${shown}/results`)).status).toBe(200);
  });

  it('aggregates counts, percentages, the rating distribution and average, and text counts', async () => {
    const dept = (await t.createDepartment())._id.toHexString();
    const id = await createOpen(t, office, buildConsultation(T0, { departmentId: dept }));
    const answers = [
      standardAnswers({ q1: '支持', q2: ['第一条', '第二条'], q4: 5 }),
      standardAnswers({ q1: '支持', q2: ['第一条', '第三条'], q4: 4 }),
      standardAnswers({ q1: '反对', q2: ['第一条', '第二条', '第四条'], q4: 4 }),
      standardAnswers({ q1: '支持', q2: [], q4: undefined }),
    ];
    for (const a of answers) expect((await respond(t, await newCitizen(), id, a)).status).toBe(201);
    await closeNow(t, office, id);

    const res = await request(t.app).get(`/api/consultations/${id}/results`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      consultationId: id,
      responseCount: 4,
      questions: [
        {
          questionId: 'q1',
          title: '您是否支持该草案？',
          type: 'single',
          answered: 4,
          options: [
            { option: '支持', count: 3, percent: 75 },
            { option: '反对', count: 1, percent: 25 },
            { option: '无所谓', count: 0, percent: 0 },
          ],
        },
        {
          questionId: 'q2',
          title: '您最关心哪些条款？',
          type: 'multiple',
          answered: 3,
          options: [
            { option: '第一条', count: 3, percent: 100 },
            { option: '第二条', count: 2, percent: 66.7 },
            { option: '第三条', count: 1, percent: 33.3 },
            { option: '第四条', count: 1, percent: 33.3 },
          ],
        },
        { questionId: 'q3', title: '您的意见和建议', type: 'text', answered: 4, adoptedQuotes: [] },
        {
          questionId: 'q4',
          title: '对草案的总体评价',
          type: 'rating',
          answered: 3,
          distribution: [
            { score: 1, count: 0, percent: 0 },
            { score: 2, count: 0, percent: 0 },
            { score: 3, count: 0, percent: 0 },
            { score: 4, count: 2, percent: 66.7 },
            { score: 5, count: 1, percent: 33.3 },
          ],
          average: 4.33,
        },
      ],
    });
  });
});

describe('GET /api/consultations/mine', () => {
  it('answers 401 without a token and 403 for staff', async () => {
    expect((await request(t.app).get('/api/consultations/mine')).status).toBe(401);
    expect((await request(t.app).get('/api/consultations/mine').set(auth(office))).status).toBe(403);
  });

  it('lists my responses newest first with my opinions, and nobody else’s', async () => {
    const me = await newCitizen();
    const other = await newCitizen();
    const a = await openConsultation();
    const b = await openConsultation();
    await respond(t, me, a, standardAnswers({ q3: '第一份意见内容较长一些' }));
    t.clock.advance(60_000);
    await respond(t, me, b, standardAnswers({ q3: '第二份意见内容较长一些' }));
    await respond(t, other, a, standardAnswers({ q3: '别人的意见不应出现' }));

    const res = await request(t.app).get('/api/consultations/mine').set(auth(me));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { consultation: { id: string } }) => i.consultation.id)).toEqual([b, a]);
    expect(res.body.items[1]).toMatchObject({
      consultation: { id: a, phase: 'open' },
      opinions: [{ questionId: 'q3', questionTitle: '您的意见和建议', text: '第一份意见内容较长一些', decision: null }],
    });
    expect(JSON.stringify(res.body)).not.toContain('别人的意见');
  });
});
