/**
 * The writer's side of the mailbox (my letters, one letter, rating, the one follow-up) and the
 * public list of replied letters with personal data masked.
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp, type TestClock } from '../support/app';
import { act, buildLetter, confirmPublicVersion, createCrew, cst, driveLetter, LETTER_TEST_ENV, submitLetter, useLetterSettings, type LetterCrew } from '../support/letter-factories';

let t: TestApp;
let clock: TestClock;
let crew: LetterCrew;
let citizen: string;
let stranger: string;
beforeAll(async () => {
  clock = createTestClock(cst('2026-11-09T10:00'));
  t = await createTestApp({ env: LETTER_TEST_ENV, clock });
  await useLetterSettings(t, { submissionsPerDay: 100 });
  crew = await createCrew(t);
  citizen = await t.citizenToken('citizen-writer');
  stranger = await t.citizenToken('citizen-stranger');
});
afterAll(() => t.close());

describe('GET /api/letters/mine', () => {
  it('lists only the citizen’s letters, newest first, page by page, with status labels', async () => {
    const writer = await t.citizenToken('mine-writer');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await submitLetter(t, writer)).id);
      clock.advance(60_000);
    }
    await submitLetter(t, stranger);
    const first = await request(t.app).get('/api/letters/mine?limit=3').set(auth(writer));
    expect(first.status).toBe(200);
    expect(first.body.items.map((l: { id: string }) => l.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(first.body.items[0]).toMatchObject({ status: 'submitted', statusLabel: '已提交', overdue: false, repliedAt: null, categoryName: '咨询' });
    const second = await request(t.app).get(`/api/letters/mine?limit=3&cursor=${first.body.nextCursor}`).set(auth(writer));
    expect(second.body.items.map((l: { id: string }) => l.id)).toEqual([ids[1], ids[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('flags an open letter overdue once its current deadline has passed', async () => {
    const writer = await t.citizenToken('late-writer');
    const { id } = await submitLetter(t, writer);
    clock.advance(10 * 86_400_000);
    const res = await request(t.app).get('/api/letters/mine').set(auth(writer));
    expect(res.body.items.find((l: { id: string }) => l.id === id)).toMatchObject({ overdue: true });
    clock.set(cst('2026-11-09T10:00'));
  });

  it('refuses anonymous callers (401) and staff (403)', async () => {
    expect((await request(t.app).get('/api/letters/mine')).status).toBe(401);
    expect((await request(t.app).get('/api/letters/mine').set(auth(crew.office.token))).status).toBe(403);
  });
});

describe('GET /api/letters/:id', () => {
  it('shows the writer their letter with deadlines, explanations and the timeline', async () => {
    const { id, trackingNo } = await submitLetter(t, citizen, { contactName: '张三', contactPhone: '13812345678' });
    const res = await request(t.app).get(`/api/letters/${id}`).set(auth(citizen));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      trackingNo,
      contactName: '张三',
      contactPhone: '13812345678',
      status: 'submitted',
      overdue: false,
      reply: null,
      rating: null,
      canRate: false,
      canFollowUp: false,
      attachments: [],
      publicState: 'not_requested',
      currentDeadline: { workingDays: 2, explanation: expect.stringContaining('个工作日') },
    });
    expect(res.body.deadlines.reply.workingDays).toBe(15);
    expect(res.body.timeline).toEqual([
      { type: 'submitted', label: '提交信件', at: expect.any(String), status: 'submitted', statusLabel: '已提交', by: '来信人', departmentName: null, note: null },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('userId');
  });

  it('answers 404 for another citizen’s letter, an unknown id, and 400 for a malformed one', async () => {
    const { id } = await submitLetter(t, citizen);
    const other = await request(t.app).get(`/api/letters/${id}`).set(auth(stranger));
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    expect((await request(t.app).get('/api/letters/aaaaaaaaaaaaaaaaaaaaaaaa').set(auth(citizen))).status).toBe(404);
    expect((await request(t.app).get('/api/letters/zzz').set(auth(citizen))).status).toBe(400);
    expect((await request(t.app).get(`/api/letters/${id}`)).status).toBe(401);
    expect((await request(t.app).get(`/api/letters/${id}`).set(auth(crew.office.token))).status).toBe(403);
  });
});

describe('POST /api/letters/:id/rating', () => {
  it('rates a replied letter once; a second rating is 409 already_rated', async () => {
    const { id } = await submitLetter(t, citizen);
    await driveLetter(t, crew, id, 'replied');
    const res = await request(t.app).post(`/api/letters/${id}/rating`).set(auth(citizen)).send({ score: 4, comment: '答复及时' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rated', rating: { round: 1, score: 4, comment: '答复及时' }, canRate: false, canFollowUp: false });
    expect(res.body.timeline[res.body.timeline.length - 1]).toMatchObject({ type: 'rated', by: '来信人', note: '4分：答复及时' });
    const again = await request(t.app).post(`/api/letters/${id}/rating`).set(auth(citizen)).send({ score: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_rated');
    expect((await t.models.Letter.findById(id).lean())?.ratings).toHaveLength(1);
  });

  it('refuses to rate a letter that has no reply yet (409 invalid_state)', async () => {
    const { id } = await submitLetter(t, citizen);
    await driveLetter(t, crew, id, 'approved');
    const res = await request(t.app).post(`/api/letters/${id}/rating`).set(auth(citizen)).send({ score: 5 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'approved' } });
  });

  it('validates the score and comment, and hides other citizens’ letters', async () => {
    const { id } = await submitLetter(t, citizen);
    await driveLetter(t, crew, id, 'replied');
    for (const body of [{ score: 0 }, { score: 6 }, { score: 3.5 }, {}, { score: 3, comment: '长'.repeat(201) }]) {
      const res = await request(t.app).post(`/api/letters/${id}/rating`).set(auth(citizen)).send(body);
      expect(res.status).toBe(400);
    }
    expect((await request(t.app).post(`/api/letters/${id}/rating`).set(auth(stranger)).send({ score: 5 })).status).toBe(404);
    expect((await request(t.app).post(`/api/letters/${id}/rating`).send({ score: 5 })).status).toBe(401);
    expect((await request(t.app).post(`/api/letters/${id}/rating`).set(auth(crew.office.token)).send({ score: 5 })).status).toBe(403);
  });
});

describe('POST /api/letters/:id/follow-up', () => {
  it('reopens a dissatisfied letter to the same department with a new reply deadline, once', async () => {
    clock.set(cst('2026-09-25T10:00'));
    const writer = await t.citizenToken('follow-up-writer');
    const { id } = await submitLetter(t, writer);
    await driveLetter(t, crew, id, 'rated', { citizenToken: writer, score: 2 });
    // The follow-up is written the day before 国庆 2026: its 15 working days skip the holiday.
    clock.set(cst('2026-09-30T15:00'));
    const res = await request(t.app).post(`/api/letters/${id}/follow-up`).set(auth(writer)).send({ content: '停车位至今仍未启用，请再次核实。' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'assigned',
      departmentName: crew.department.name,
      followUp: { content: '停车位至今仍未启用，请再次核实。' },
      canFollowUp: false,
      currentDeadline: { startDate: '2026-09-30', dueDate: '2026-10-27' },
    });
    expect(res.body.timeline[res.body.timeline.length - 1]).toMatchObject({ type: 'follow_up', by: '来信人', departmentName: crew.department.name });
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored).toMatchObject({ status: 'assigned', departmentId: crew.department._id });
    expect(stored!.draft).toBeUndefined();
    expect(stored!.openDueAt?.toISOString()).toBe('2026-10-27T15:59:59.999Z');

    // The same department answers again; the second reply can be rated; no second follow-up.
    await act(t, crew.handler.token, id, 'draft', { reply: '您好，经再次核实，停车位已于今日启用。' });
    await act(t, crew.reviewer.token, id, 'approve');
    clock.set(cst('2026-10-12T10:00'));
    await act(t, crew.office.token, id, 'send');
    const replied = await request(t.app).get(`/api/letters/${id}`).set(auth(writer));
    expect(replied.body.replies.map((r: { round: number }) => r.round)).toEqual([1, 2]);
    expect(replied.body).toMatchObject({ reply: { round: 2 }, canRate: true });
    const stored2 = await t.models.Letter.findById(id).lean();
    expect(stored2!.replies[1]).toMatchObject({ round: 2, startedAt: new Date(cst('2026-09-30T15:00')), dueAt: new Date('2026-10-27T15:59:59.999Z') });
    const rated = await request(t.app).post(`/api/letters/${id}/rating`).set(auth(writer)).send({ score: 1 });
    expect(rated.status).toBe(200);
    const second = await request(t.app).post(`/api/letters/${id}/follow-up`).set(auth(writer)).send({ content: '还是不满意，请再处理一次。' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('follow_up_used');
    clock.set(cst('2026-11-09T10:00'));
  });

  it('refuses a follow-up after a satisfied rating, before any rating, and on others’ letters', async () => {
    const { id: satisfied } = await submitLetter(t, citizen);
    await driveLetter(t, crew, satisfied, 'rated', { citizenToken: citizen, score: 3 });
    const res = await request(t.app).post(`/api/letters/${satisfied}/follow-up`).set(auth(citizen)).send({ content: '我还有一些补充的问题。' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'rated' } });

    const { id: replied } = await submitLetter(t, citizen);
    await driveLetter(t, crew, replied, 'replied');
    expect((await request(t.app).post(`/api/letters/${replied}/follow-up`).set(auth(citizen)).send({ content: '我还有一些补充的问题。' })).status).toBe(409);
    expect((await request(t.app).post(`/api/letters/${replied}/follow-up`).set(auth(stranger)).send({ content: '我还有一些补充的问题。' })).status).toBe(404);
    expect((await request(t.app).post(`/api/letters/${replied}/follow-up`).send({ content: '我还有一些补充的问题。' })).status).toBe(401);
    expect((await request(t.app).post(`/api/letters/${replied}/follow-up`).set(auth(crew.handler.token)).send({ content: '我还有一些补充的问题。' })).status).toBe(403);
    expect((await request(t.app).post('/api/letters/aaaaaaaaaaaaaaaaaaaaaaaa/follow-up').set(auth(citizen)).send({ content: '我还有一些补充的问题。' })).status).toBe(404);
    const short = await request(t.app).post(`/api/letters/${replied}/follow-up`).set(auth(citizen)).send({ content: '太短了' });
    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual([{ in: 'body', path: 'content', message: '追问内容至少10个字' }]);
  });
});

describe('GET /api/letters/public', () => {
  const CONTENT = '我叫张三，电话13812345678，身份证号110101199003071234，家住幸福路88号3栋201室。赵六也反映过这个问题。';

  let publicId: string;
  beforeAll(async () => {
    const writer = await t.citizenToken('public-writer');
    const { id } = await submitLetter(t, writer, {
      subject: '幸福路88号路灯不亮',
      content: CONTENT,
      contactName: '赵六',
      contactPhone: '13900002222',
      publicConsent: true,
      category: 'help',
    });
    await act(t, crew.office.token, id, 'accept');
    await act(t, crew.office.token, id, 'assign', { departmentId: crew.department._id.toHexString() });
    await act(t, crew.handler.token, id, 'draft', { reply: '赵六同志您好：您反映的幸福路88号路灯问题已修复，电话13812345678已回访。' });
    await act(t, crew.reviewer.token, id, 'approve');
    await act(t, crew.office.token, id, 'send');
    await confirmPublicVersion(t, crew, id);
    publicId = id;
  });

  it('lists replied letters whose writers consented, masking names, phones, ID numbers and addresses everywhere', async () => {
    const res = await request(t.app).get('/api/letters/public');
    expect(res.status).toBe(200);
    const item = res.body.items.find((l: { id: string }) => l.id === publicId);
    expect(item).toMatchObject({
      subject: '幸福路***路灯不亮',
      content: '我叫张*，电话138****5678，身份证号110*************34，家住幸福路***。赵*也反映过这个问题。',
      categoryName: '求助',
      departmentName: crew.department.name,
      replies: [{ round: 1, content: '赵*同志您好：您反映的幸福路***路灯问题已修复，电话138****5678已回访。', departmentName: crew.department.name }],
    });
    const text = JSON.stringify(res.body);
    for (const secret of ['张三', '赵六', '13812345678', '13900002222', '110101199003071234', '88号3栋201室']) expect(text).not.toContain(secret);
    for (const field of ['contactName', 'contactPhone', 'userId', 'openid', 'actorId']) expect(text).not.toContain(field);
  });

  it('shows one published letter, masked the same way, without login', async () => {
    const res = await request(t.app).get(`/api/letters/public/${publicId}`);
    expect(res.status).toBe(200);
    expect(res.body.content).toContain('我叫张*');
    expect(JSON.stringify(res.body)).not.toContain('13812345678');
  });

  it('leaves out letters without consent, not yet replied, or of another category; searches literally', async () => {
    const writer = await t.citizenToken('private-writer');
    const { id: privateId } = await submitLetter(t, writer, { publicConsent: false });
    await driveLetter(t, crew, privateId, 'replied');
    // A replied letter with consent whose public version nobody confirmed yet.
    const { id: unconfirmedId } = await submitLetter(t, writer, { publicConsent: true });
    await driveLetter(t, crew, unconfirmedId, 'replied');
    const { id: openId } = await submitLetter(t, writer, { publicConsent: true });
    await driveLetter(t, crew, openId, 'approved');
    const all = await request(t.app).get('/api/letters/public?limit=100');
    const ids = all.body.items.map((l: { id: string }) => l.id);
    expect(ids).toContain(publicId);
    expect(ids).not.toContain(privateId);
    expect(ids).not.toContain(openId);
    expect(ids).not.toContain(unconfirmedId);
    expect((await request(t.app).get(`/api/letters/public/${unconfirmedId}`)).status).toBe(404);
    expect((await request(t.app).get(`/api/letters/public/${privateId}`)).status).toBe(404);
    expect((await request(t.app).get(`/api/letters/public/${openId}`)).status).toBe(404);

    expect((await request(t.app).get('/api/letters/public?category=consult')).body.items.map((l: { id: string }) => l.id)).not.toContain(publicId);
    expect((await request(t.app).get('/api/letters/public?category=help')).body.items.map((l: { id: string }) => l.id)).toContain(publicId);
    expect((await request(t.app).get(`/api/letters/public?q=${encodeURIComponent('路灯')}`)).body.items.map((l: { id: string }) => l.id)).toEqual([publicId]);
    // Regex syntax in the query is matched as text, not as a pattern.
    expect((await request(t.app).get(`/api/letters/public?q=${encodeURIComponent('.*')}`)).body.items).toEqual([]);
  });

  it('lists nothing when public listing is switched off in the settings', async () => {
    const settings = (await request(t.app).get('/api/admin/letters/settings').set(auth(crew.admin.token))).body;
    const { updatedAt: _u, ...rest } = settings;
    await request(t.app).put('/api/admin/letters/settings').set(auth(crew.admin.token)).send({ ...rest, publicListing: false }).expect(200);
    try {
      expect((await request(t.app).get('/api/letters/public')).body).toEqual({ items: [], nextCursor: null });
      expect((await request(t.app).get(`/api/letters/public/${publicId}`)).status).toBe(404);
    } finally {
      await request(t.app).put('/api/admin/letters/settings').set(auth(crew.admin.token)).send({ ...rest, publicListing: true }).expect(200);
    }
  });
});

it('keeps a new letter written for the public out of the public list until it is replied', async () => {
  const input = buildLetter({ publicConsent: true });
  const res = await request(t.app).post('/api/letters').set(auth(citizen)).send(input);
  expect(res.status).toBe(201);
  expect((await request(t.app).get(`/api/letters/public/${res.body.id}`)).status).toBe(404);
});
