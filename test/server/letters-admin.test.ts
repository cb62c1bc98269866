/**
 * The staff list (filters, text search, overdue and due-soon evaluated against the holiday
 * calendar at request time), the mailbox settings, and the monthly figures for supervision.
 */
import request from 'supertest';
import { DEFAULT_LETTER_SETTINGS } from '../../shared/letters';
import { auth, createTestApp, createTestClock, type TestApp, type TestClock } from '../support/app';
import { act, buildLetter, createCrew, cst, driveLetter, LETTER_TEST_ENV, submitLetter, useLetterSettings, type LetterCrew } from '../support/letter-factories';

describe('GET /api/admin/letters', () => {
  let t: TestApp;
  let clock: TestClock;
  let crew: LetterCrew;
  let citizen: string;
  beforeAll(async () => {
    clock = createTestClock(cst('2026-09-30T10:00'));
    t = await createTestApp({ env: LETTER_TEST_ENV, clock });
    await useLetterSettings(t, { submissionsPerDay: 100 });
    crew = await createCrew(t);
    citizen = await t.citizenToken('list-writer');
  });
  afterAll(() => t.close());

  const list = (query: string, token = crew.office.token) => request(t.app).get(`/api/admin/letters?${query}`).set(auth(token));
  const ids = (res: request.Response) => res.body.items.map((l: { id: string }) => l.id);

  it('is not overdue after the 国庆 holiday week until the second working day after it has ended', async () => {
    clock.set(cst('2026-09-30T10:00'));
    const { id, trackingNo } = await submitLetter(t, citizen);

    // Eight calendar days later, but only one working day (10月8日) has passed.
    clock.set(cst('2026-10-08T12:00'));
    let res = await list(`q=${trackingNo}`);
    expect(res.body.items[0]).toMatchObject({
      id,
      overdue: false,
      currentDeadline: { step: 'accept', dueDate: '2026-10-09', dueAt: '2026-10-09T15:59:59.999Z', workingDaysLeft: 1 },
    });
    expect(ids(await list(`q=${trackingNo}&overdue=true`))).toEqual([]);
    expect(ids(await list(`q=${trackingNo}&overdue=false`))).toEqual([id]);
    expect(ids(await list(`q=${trackingNo}&dueWithin=1`))).toEqual([id]);
    expect(ids(await list(`q=${trackingNo}&dueWithin=0`))).toEqual([]);

    // Due today.
    clock.set(cst('2026-10-09T23:59'));
    res = await list(`q=${trackingNo}`);
    expect(res.body.items[0]).toMatchObject({ overdue: false, currentDeadline: { workingDaysLeft: 0 } });
    expect(ids(await list(`q=${trackingNo}&dueWithin=0`))).toEqual([id]);

    // Saturday 10月10日 is a 调休 working day: the letter is overdue by one working day.
    clock.set(cst('2026-10-10T09:00'));
    res = await list(`q=${trackingNo}`);
    expect(res.body.items[0]).toMatchObject({ overdue: true, currentDeadline: { workingDaysLeft: -1 } });
    expect(ids(await list(`q=${trackingNo}&overdue=true`))).toEqual([id]);
    expect(ids(await list(`q=${trackingNo}&dueWithin=0`))).toEqual([id]);
    // Nothing about overdue is stored: the letter document is unchanged by reading.
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored).not.toHaveProperty('overdue');

    // Accepting moves the current step to the reply deadline: no longer overdue.
    await act(t, crew.office.token, id, 'accept');
    res = await list(`q=${trackingNo}`);
    expect(res.body.items[0]).toMatchObject({ overdue: false, currentDeadline: { step: 'reply', dueDate: '2026-10-27' } });
    expect(ids(await list(`q=${trackingNo}&overdue=true`))).toEqual([]);
  });

  it('flags an ordinary week’s letter overdue on the third working day', async () => {
    // Staff tokens last 30 days in these tests: the clock stays within that of the crew's creation.
    clock.set(cst('2026-10-19T10:00')); // Monday
    const { id, trackingNo } = await submitLetter(t, citizen);
    clock.set(cst('2026-10-21T20:00'));
    expect(ids(await list(`q=${trackingNo}&overdue=true`))).toEqual([]);
    clock.set(cst('2026-10-22T08:00'));
    expect(ids(await list(`q=${trackingNo}&overdue=true`))).toEqual([id]);
    // A closed letter is never overdue.
    await act(t, crew.office.token, id, 'reject', { reason: '重复来信，已合并办理' });
    const res = await list(`q=${trackingNo}`);
    expect(res.body.items[0]).toMatchObject({ status: 'rejected', overdue: false, currentDeadline: null });
    expect(ids(await list(`q=${trackingNo}&overdue=true`))).toEqual([]);
  });

  it('filters by status and department, newest first, page by page', async () => {
    clock.set(cst('2026-10-20T10:00'));
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await submitLetter(t, citizen);
      await driveLetter(t, crew, id, 'assigned');
      created.push(id);
      clock.advance(60_000);
    }
    const first = await list(`status=assigned&departmentId=${crew.department._id.toHexString()}&limit=2`);
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual([created[2], created[1]]);
    expect(first.body.items.every((l: { status: string; statusLabel: string }) => l.status === 'assigned' && l.statusLabel === '已转办')).toBe(true);
    const second = await list(`status=assigned&departmentId=${crew.department._id.toHexString()}&limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second)[0]).toBe(created[0]);
    expect(ids(await list(`status=assigned&departmentId=${crew.otherDepartment._id.toHexString()}`))).toEqual([]);
  });

  it('searches tracking number, subject and content literally (regex syntax is text)', async () => {
    const { id } = await submitLetter(t, citizen, { subject: '关于(A+B)*路段积水的建议', content: '每逢下雨，A+B路段就会积水，影响出行。' });
    expect(ids(await list(`q=${encodeURIComponent('(A+B)*')}`))).toEqual([id]);
    expect(ids(await list(`q=${encodeURIComponent('a+b路段')}`))).toEqual([id]);
    expect(ids(await list(`q=${encodeURIComponent('.*')}`))).toEqual([]);
    const stored = await t.models.Letter.findById(id).lean();
    expect(ids(await list(`q=${stored!.trackingNo.toLowerCase()}`))).toEqual([id]);
  });

  it('validates the filters', async () => {
    const res = await list('status=lost&departmentId=x&overdue=maybe&dueWithin=-1&limit=0');
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['departmentId', 'dueWithin', 'limit', 'overdue', 'status']);
    const badCursor = await list('cursor=bogus');
    expect(badCursor.status).toBe(400);
  });

  it('shows the handler only the department’s letters in every filter', async () => {
    const res = await list('limit=100', crew.otherHandler.token);
    expect(res.status).toBe(200);
    expect(res.body.items.every((l: { departmentId: string }) => l.departmentId === crew.otherDepartment._id.toHexString())).toBe(true);
    // Asking for another department's letters does not widen the scope.
    expect(ids(await list(`departmentId=${crew.department._id.toHexString()}`, crew.otherHandler.token))).toEqual([]);
  });
});

describe('mailbox settings', () => {
  let t: TestApp;
  let crew: LetterCrew;
  beforeAll(async () => {
    t = await createTestApp({ env: LETTER_TEST_ENV, clock: createTestClock(cst('2026-11-16T10:00')) });
    crew = await createCrew(t);
  });
  afterAll(() => t.close());

  const settingsWith = (patch: object) => ({ ...DEFAULT_LETTER_SETTINGS, ...patch });

  it('answers the defaults to any staff role and refuses citizens and anonymous callers', async () => {
    for (const s of [crew.admin, crew.office, crew.handler, crew.reviewer]) {
      const res = await request(t.app).get('/api/admin/letters/settings').set(auth(s.token));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...DEFAULT_LETTER_SETTINGS, updatedAt: null });
    }
    expect((await request(t.app).get('/api/admin/letters/settings')).status).toBe(401);
    expect((await request(t.app).get('/api/admin/letters/settings').set(auth(await t.citizenToken('s-citizen')))).status).toBe(403);
  });

  it('lets only admins replace them', async () => {
    for (const s of [crew.office, crew.handler, crew.reviewer]) {
      const res = await request(t.app).put('/api/admin/letters/settings').set(auth(s.token)).send(DEFAULT_LETTER_SETTINGS);
      expect(res.status).toBe(403);
    }
    expect((await request(t.app).put('/api/admin/letters/settings').send(DEFAULT_LETTER_SETTINGS)).status).toBe(401);
  });

  const invalid: [string, object, string][] = [
    ['no category', { categories: [] }, 'categories'],
    ['duplicate category keys', { categories: [DEFAULT_LETTER_SETTINGS.categories[0], { ...DEFAULT_LETTER_SETTINGS.categories[1], key: 'consult' }] }, 'categories'],
    ['an accept window of 0 days', { categories: [{ key: 'a', name: '甲', acceptDays: 0, replyDays: 15 }] }, 'categories.0.acceptDays'],
    ['a reply window shorter than the accept window', { categories: [{ key: 'a', name: '甲', acceptDays: 5, replyDays: 3 }] }, 'categories.0.replyDays'],
    ['a malformed category key', { categories: [{ key: '咨询', name: '咨询', acceptDays: 2, replyDays: 15 }] }, 'categories.0.key'],
    ['a subject minimum below 5', { limits: { ...DEFAULT_LETTER_SETTINGS.limits, subjectMin: 4 } }, 'limits.subjectMin'],
    ['a content maximum above 2000', { limits: { ...DEFAULT_LETTER_SETTINGS.limits, contentMax: 2001 } }, 'limits.contentMax'],
    ['a minimum above the maximum', { limits: { ...DEFAULT_LETTER_SETTINGS.limits, subjectMin: 30, subjectMax: 20 } }, 'limits.subjectMax'],
    ['a negative duplicate window', { duplicateWindowMinutes: -1 }, 'duplicateWindowMinutes'],
    ['a missing public listing flag', { publicListing: undefined }, 'publicListing'],
  ];

  it.each(invalid)('refuses %s with 400', async (_name, patch, path) => {
    const res = await request(t.app).put('/api/admin/letters/settings').set(auth(crew.admin.token)).send(settingsWith(patch));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('stores new settings, audits the change, and applies them to the next submission at once', async () => {
    const next = {
      categories: [
        { key: 'consult', name: '咨询', acceptDays: 2, replyDays: 15 },
        { key: 'traffic', name: '交通出行', acceptDays: 3, replyDays: 10 },
      ],
      limits: { subjectMin: 8, subjectMax: 30, contentMin: 20, contentMax: 1000 },
      duplicateWindowMinutes: 0,
      submissionsPerDay: 5,
      publicListing: false,
    };
    const res = await request(t.app).put('/api/admin/letters/settings').set(auth(crew.admin.token)).send(next);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...next, updatedAt: new Date(cst('2026-11-16T10:00')).toISOString() });
    expect(await t.models.LetterSettings.findById('mailbox').lean()).toMatchObject({ ...next, updatedBy: crew.admin.id });
    const entry = await t.models.AuditEntry.findOne({ action: 'letter_settings.update' }).lean();
    expect(entry).toMatchObject({ actor: { id: crew.admin.id, role: 'admin' }, targetType: 'letter_settings', targetId: 'mailbox' });
    expect(Object.keys(entry!.details.changes as object).sort()).toEqual(['categories', 'duplicateWindowMinutes', 'limits', 'publicListing', 'submissionsPerDay']);

    const categories = await request(t.app).get('/api/letters/categories');
    expect(categories.body.items.map((c: { key: string }) => c.key)).toEqual(['consult', 'traffic']);
    expect(categories.body.limits).toMatchObject({ subjectMin: 8, subjectMax: 30 });

    const token = await t.citizenToken('settings-writer');
    const tooShort = await request(t.app).post('/api/letters').set(auth(token)).send(buildLetter({ subject: '公交站牌损坏了', content: '站牌损坏，请尽快修复。' }));
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.details).toEqual([
      { in: 'body', path: 'subject', message: '标题至少8个字' },
      { in: 'body', path: 'content', message: '内容至少20个字' },
    ]);
    const removed = await request(t.app).post('/api/letters').set(auth(token)).send(buildLetter({ category: 'help' }));
    expect(removed.status).toBe(400);
    expect(removed.body.error.details).toEqual([{ in: 'body', path: 'category', message: '请选择有效的信件类别' }]);

    const traffic = await request(t.app)
      .post('/api/letters')
      .set(auth(token))
      .send(buildLetter({ category: 'traffic', content: '建议在学校门口增设人行横道和减速带，保障学生上下学安全。' }));
    expect(traffic.status).toBe(201);
    expect(traffic.body.deadlines.accept.workingDays).toBe(3);
    expect(traffic.body.deadlines.reply.workingDays).toBe(10);
    const stored = await t.models.Letter.findById(traffic.body.id).lean();
    expect(stored).toMatchObject({ categoryName: '交通出行', acceptDays: 3, replyDays: 10 });
  });
});

describe('services.letters.countsForMonth', () => {
  it('counts received, handled, on-time replies, overdue letters, reply days and satisfaction per department', async () => {
    const clock = createTestClock(cst('2026-09-30T10:00'));
    const t = await createTestApp({ env: LETTER_TEST_ENV, clock });
    try {
      const crew = await createCrew(t);
      const citizen = await t.citizenToken('stats-writer');
      const other = crew.otherDepartment._id.toHexString();
      const at = (local: string) => clock.set(cst(local));

      at('2026-09-30T10:00');
      await submitLetter(t, citizen); // L1: September, still waiting: overdue now
      const l5 = (await submitLetter(t, citizen)).id; // L5: September, replied late in October
      await driveLetter(t, crew, l5, 'approved');
      at('2026-10-08T10:00');
      const l2 = (await submitLetter(t, citizen)).id; // L2: replied on time, rated 5
      await driveLetter(t, crew, l2, 'approved');
      at('2026-10-09T10:00');
      const l3 = (await submitLetter(t, citizen)).id; // L3: rejected
      await act(t, crew.office.token, l3, 'reject', { reason: '不属于受理范围' });
      const l4 = (await submitLetter(t, citizen)).id; // L4: with the other department, overdue now
      await act(t, crew.office.token, l4, 'accept');
      await act(t, crew.office.token, l4, 'assign', { departmentId: other });
      at('2026-10-12T10:00');
      await act(t, crew.office.token, l2, 'send');
      at('2026-10-13T10:00');
      await request(t.app).post(`/api/letters/${l2}/rating`).set(auth(citizen)).send({ score: 5 }).expect(200);
      at('2026-10-28T10:00');
      await act(t, crew.office.token, l5, 'send');
      at('2026-10-29T10:00');
      await request(t.app).post(`/api/letters/${l5}/rating`).set(auth(citizen)).send({ score: 1 }).expect(200);
      at('2026-11-20T10:00');

      const figures = await t.services.letters.countsForMonth('2026-10');
      expect(figures).toMatchObject({
        channel: 'letters',
        month: '2026-10',
        from: new Date('2026-09-30T16:00:00Z'),
        to: new Date('2026-10-31T16:00:00Z'),
        total: {
          received: 3,
          rejected: 1,
          replied: 2,
          handled: 3,
          repliedOnTime: 1,
          // L2: 10月9日, 10月10日 (调休), 10月12日 = 3; L5: 16 working days after 9月30日.
          averageReplyWorkingDays: 9.5,
          overdueNow: 2,
          rated: 2,
          averageScore: 3,
          satisfied: 1,
          satisfactionRate: 0.5,
        },
      });
      // Departments by name (Chinese collation), letters no department holds last.
      expect(figures.byDepartment.map((d) => d.departmentId)).toEqual([other, crew.department._id.toHexString(), null]);
      expect(figures.byDepartment).toEqual([
        expect.objectContaining({ departmentId: other, departmentName: crew.otherDepartment.name, received: 1, replied: 0, overdueNow: 1, averageReplyWorkingDays: null }),
        expect.objectContaining({
          departmentId: crew.department._id.toHexString(),
          departmentName: crew.department.name,
          received: 1,
          replied: 2,
          repliedOnTime: 1,
          averageReplyWorkingDays: 9.5,
          overdueNow: 0,
          rated: 2,
          satisfied: 1,
        }),
        expect.objectContaining({ departmentId: null, received: 1, rejected: 1, handled: 1, overdueNow: 1 }),
      ]);
      const september = await t.services.letters.countsForMonth('2026-09');
      expect(september.total).toMatchObject({ received: 2, replied: 0, overdueNow: 2 });
      await expect(t.services.letters.countsForMonth('2026-13')).rejects.toThrow(RangeError);
    } finally {
      await t.close();
    }
  });
});
