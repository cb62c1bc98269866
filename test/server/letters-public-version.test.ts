/**
 * The public read path of the mailbox: public search matches only what the public sees, and a
 * letter is listed only after the office confirmed its public version (公开前审核).
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp } from '../support/app';
import { act, confirmPublicVersion, createCrew, cst, driveLetter, LETTER_TEST_ENV, submitLetter, useLetterSettings, type LetterCrew } from '../support/letter-factories';

let t: TestApp;
let crew: LetterCrew;
beforeAll(async () => {
  t = await createTestApp({ env: LETTER_TEST_ENV, clock: createTestClock(cst('2026-11-09T10:00')) });
  await useLetterSettings(t, { submissionsPerDay: 100 });
  crew = await createCrew(t);
});
afterAll(() => t.close());

const ID_NUMBER = '110101199003071234';
const MOBILE = '13812345678';

/** A letter with personal data, replied with a reply that greets the writer by name. */
async function repliedLetter(name: string, overrides: { content?: string; contactName?: string } = {}): Promise<string> {
  const writer = await t.citizenToken(`pv-${name}-${Math.random()}`);
  const { id } = await submitLetter(t, writer, {
    subject: '小区门口路灯不亮的问题',
    content: overrides.content ?? `我叫钱多多，电话${MOBILE}，身份证号${ID_NUMBER}，小区门口路灯坏了两周。`,
    contactName: overrides.contactName ?? '钱多多',
    contactPhone: '13900002222',
    publicConsent: true,
  });
  await act(t, crew.office.token, id, 'accept');
  await act(t, crew.office.token, id, 'assign', { departmentId: crew.department._id.toHexString() });
  await act(t, crew.handler.token, id, 'draft', { reply: `${overrides.contactName ?? '钱多多'}同志：您反映的路灯问题已修复，感谢您的监督。` });
  await act(t, crew.reviewer.token, id, 'approve');
  await act(t, crew.office.token, id, 'send');
  return id;
}

const publicIds = async (q: string): Promise<string[]> => {
  const res = await request(t.app).get(`/api/letters/public?limit=100&q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body.items.map((l: { id: string }) => l.id);
};

describe('public search', () => {
  let id: string;
  beforeAll(async () => {
    id = await repliedLetter('search');
    await confirmPublicVersion(t, crew, id);
  });

  it('finds the letter by words the public can read', async () => {
    expect(await publicIds('路灯坏了')).toContain(id);
  });

  it('never matches masked digits of an ID number, a mobile number or the contact’s full name', async () => {
    const listed = (await request(t.app).get(`/api/letters/public/${id}`)).body;
    expect(JSON.stringify(listed)).not.toContain(ID_NUMBER);
    // What the review found: digit-by-digit probing of the stored text through `q`.
    for (const probe of [ID_NUMBER, ID_NUMBER.slice(0, 10), ID_NUMBER.slice(3, 12), '19900307', MOBILE, MOBILE.slice(3, 7), '1234567', '钱多多', '多多', '13900002222']) {
      expect({ probe, ids: await publicIds(probe) }).toEqual({ probe, ids: [] });
    }
  });

  it('matches the text the office confirmed, not the stored original', async () => {
    const edited = await repliedLetter('edited');
    await confirmPublicVersion(t, crew, edited, { content: '来信反映小区门口的照明设施损坏，请求维修。' });
    expect(await publicIds('照明设施')).toEqual([edited]);
    expect(await publicIds('坏了两周')).not.toContain(edited);
  });
});

describe('GET /api/admin/letters/:id/public-version', () => {
  it('answers the masked proposal beside the originals, the reply masked with the names of the letter', async () => {
    const id = await repliedLetter('proposal', { contactName: '张建国', content: `我是张建国，电话${MOBILE}，路灯坏了。` });
    const res = await request(t.app).get(`/api/admin/letters/${id}/public-version`).set(auth(crew.office.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      letterId: id,
      state: 'not_confirmed',
      subject: '小区门口路灯不亮的问题',
      content: '我是张**，电话138****5678，路灯坏了。',
      reply: '张**同志：您反映的路灯问题已修复，感谢您的监督。',
      followUp: null,
      original: { content: `我是张建国，电话${MOBILE}，路灯坏了。`, reply: '张建国同志：您反映的路灯问题已修复，感谢您的监督。', followUp: null },
      confirmedAt: null,
      confirmedBy: null,
      listed: false,
    });
    // Showing the originals is a staff read of personal data.
    const audit = await t.models.AuditEntry.findOne({ action: 'letter.read_personal_data', targetId: id }).lean();
    expect(audit).toMatchObject({ details: { purpose: 'public_version' } });
  });

  it('masks a name the letter introduces in the reply even when the contact name differs', async () => {
    const id = await repliedLetter('other-name', { contactName: '李四', content: '本人姓名：王建华，反映小区门口路灯坏了的问题。' });
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored!.replies[0].content).toContain('李四同志');
    const res = await request(t.app).get(`/api/admin/letters/${id}/public-version`).set(auth(crew.office.token));
    expect(res.body.content).not.toContain('王建华');
    expect(res.body.reply).not.toContain('李四');
  });

  it('refuses anonymous readers (401), every role but the office (403) and unknown letters (404)', async () => {
    const id = await repliedLetter('auth');
    const path = `/api/admin/letters/${id}/public-version`;
    expect((await request(t.app).get(path)).status).toBe(401);
    for (const token of [crew.admin.token, crew.reviewer.token, crew.handler.token, await t.citizenToken('pv-citizen')]) {
      expect((await request(t.app).get(path).set(auth(token))).status).toBe(403);
    }
    expect((await request(t.app).get('/api/admin/letters/0123456789abcdef01234567/public-version').set(auth(crew.office.token))).status).toBe(404);
    expect((await request(t.app).get('/api/admin/letters/nope/public-version').set(auth(crew.office.token))).status).toBe(400);
  });
});

describe('POST /api/admin/letters/:id/public-version', () => {
  const body = { subject: '关于路灯的问题', content: '来信人反映小区门口路灯不亮。', reply: '来信人您好：路灯已修复。' };

  it('keeps a replied letter out of the public list until the office confirms it, then lists the confirmed texts', async () => {
    const id = await repliedLetter('happy');
    const before = await t.models.Letter.findById(id).lean();
    expect((await request(t.app).get(`/api/letters/public/${id}`)).status).toBe(404);
    expect((await request(t.app).get('/api/letters/public?limit=100')).body.items.map((l: { id: string }) => l.id)).not.toContain(id);

    const res = await request(t.app).post(`/api/admin/letters/${id}/public-version`).set(auth(crew.office.token)).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...body, state: 'confirmed', listed: true, confirmedBy: { id: crew.office.id, username: crew.office.staff.username } });
    expect(res.body.confirmedAt).toEqual(expect.any(String));

    const shown = await request(t.app).get(`/api/letters/public/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id, subject: body.subject, content: body.content, replies: [{ round: 1, content: body.reply }], followUp: null });
    expect((await request(t.app).get('/api/letters/public?limit=100')).body.items.map((l: { id: string }) => l.id)).toContain(id);

    // The originals are untouched; the public version is stored beside them.
    const after = await t.models.Letter.findById(id).lean();
    expect({ subject: after!.subject, content: after!.content, replies: after!.replies, contactName: after!.contactName }).toEqual({
      subject: before!.subject,
      content: before!.content,
      replies: before!.replies,
      contactName: before!.contactName,
    });
    expect(after!.publicVersion).toMatchObject({ ...body, rounds: 1, confirmedBy: crew.office.id });

    const audit = await t.models.AuditEntry.findOne({ action: 'letter.public_version_confirm', targetId: id }).lean();
    expect(audit).toMatchObject({
      actor: { id: crew.office.id, role: 'office' },
      targetType: 'letter',
      details: { trackingNo: before!.trackingNo, rounds: 1, reconfirmed: false, edited: { subject: true, content: true, reply: true, followUp: false } },
    });
  });

  it('refuses anonymous callers (401), every role but the office (403) and unknown letters (404)', async () => {
    const id = await repliedLetter('post-auth');
    const path = `/api/admin/letters/${id}/public-version`;
    expect((await request(t.app).post(path).send(body)).status).toBe(401);
    for (const token of [crew.admin.token, crew.reviewer.token, crew.handler.token, await t.citizenToken('pv-post-citizen')]) {
      expect((await request(t.app).post(path).set(auth(token)).send(body)).status).toBe(403);
    }
    expect((await request(t.app).post('/api/admin/letters/0123456789abcdef01234567/public-version').set(auth(crew.office.token)).send(body)).status).toBe(404);
    expect((await t.models.Letter.findById(id).lean())!.publicVersion).toBeUndefined();
  });

  it('reports every missing or empty text (400) and stores nothing', async () => {
    const id = await repliedLetter('invalid');
    const res = await request(t.app).post(`/api/admin/letters/${id}/public-version`).set(auth(crew.office.token)).send({ subject: '  ', reply: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['content', 'reply', 'subject']);
    const tooLong = await request(t.app).post(`/api/admin/letters/${id}/public-version`).set(auth(crew.office.token)).send({ ...body, subject: '长'.repeat(81) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details).toEqual([{ in: 'body', path: 'subject', message: '公开标题最多80个字' }]);
    const followUp = await request(t.app)
      .post(`/api/admin/letters/${id}/public-version`)
      .set(auth(crew.office.token))
      .send({ ...body, followUp: { content: '追问', reply: '答复' } });
    expect(followUp.status).toBe(400);
    expect(followUp.body.error.details).toEqual([{ in: 'body', path: 'followUp', message: '该信件没有追问，不能填写追问的公开文本' }]);
    expect((await t.models.Letter.findById(id).lean())!.publicVersion).toBeUndefined();
  });

  it('refuses letters not replied yet or without the writer’s consent (409)', async () => {
    const writer = await t.citizenToken('pv-409');
    const { id: open } = await submitLetter(t, writer, { publicConsent: true });
    await driveLetter(t, crew, open, 'approved');
    const notReplied = await request(t.app).post(`/api/admin/letters/${open}/public-version`).set(auth(crew.office.token)).send(body);
    expect(notReplied.status).toBe(409);
    expect(notReplied.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'approved' } });
    const { id: privateId } = await submitLetter(t, writer, { publicConsent: false });
    await driveLetter(t, crew, privateId, 'replied');
    const noConsent = await request(t.app).post(`/api/admin/letters/${privateId}/public-version`).set(auth(crew.office.token)).send(body);
    expect(noConsent.status).toBe(409);
    expect(noConsent.body.error.details).toEqual({ status: 'replied', reason: 'no_public_consent' });
  });

  it('lists letters awaiting confirmation for the office (publicVersion=pending), with their state on each row', async () => {
    const id = await repliedLetter('pending-list');
    const trackingNo = (await t.models.Letter.findById(id).lean())!.trackingNo;
    const pending = async () =>
      (await request(t.app).get(`/api/admin/letters?publicVersion=pending&q=${trackingNo}`).set(auth(crew.office.token))).body.items as { id: string; publicVersionState: string }[];
    expect(await pending()).toEqual([expect.objectContaining({ id, publicVersionState: 'not_confirmed' })]);
    await confirmPublicVersion(t, crew, id);
    expect(await pending()).toEqual([]);
    const row = (await request(t.app).get(`/api/admin/letters?q=${trackingNo}`).set(auth(crew.office.token))).body.items[0];
    expect(row.publicVersionState).toBe('confirmed');
    const bad = await request(t.app).get('/api/admin/letters?publicVersion=yes').set(auth(crew.office.token));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ in: 'query', path: 'publicVersion', message: '只能是 pending' }]);
  });

  it('keeps showing the confirmed version after a follow-up until the new round is confirmed', async () => {
    const writer = await t.citizenToken('pv-follow-up');
    const { id } = await submitLetter(t, writer, { publicConsent: true, contactName: '孙小美' });
    await driveLetter(t, crew, id, 'replied');
    await confirmPublicVersion(t, crew, id);
    const first = (await request(t.app).get(`/api/letters/public/${id}`)).body;
    expect(first.replies).toHaveLength(1);

    await request(t.app).post(`/api/letters/${id}/rating`).set(auth(writer)).send({ score: 1 }).expect(200);
    await request(t.app).post(`/api/letters/${id}/follow-up`).set(auth(writer)).send({ content: '孙小美再次反映：停车位还是没有开放。' }).expect(200);
    await act(t, crew.handler.token, id, 'draft', { reply: '孙小美您好：停车位将于下周一开放。' });
    await act(t, crew.reviewer.token, id, 'approve');
    await act(t, crew.office.token, id, 'send');

    const trackingNo = (await t.models.Letter.findById(id).lean())!.trackingNo;
    const pendingIds = async () =>
      (await request(t.app).get(`/api/admin/letters?publicVersion=pending&q=${trackingNo}`).set(auth(crew.office.token))).body.items.map((r: { id: string }) => r.id);
    expect(await pendingIds()).toEqual([id]);
    // Replied again: the earlier confirmed version is shown, without the unconfirmed second round.
    const outdated = (await request(t.app).get(`/api/letters/public/${id}`)).body;
    expect(outdated.replies).toHaveLength(1);
    expect(outdated.followUp).toBeNull();
    expect(JSON.stringify(outdated)).not.toContain('孙小美');

    const proposal = await request(t.app).get(`/api/admin/letters/${id}/public-version`).set(auth(crew.office.token));
    expect(proposal.body).toMatchObject({ state: 'outdated', followUp: { content: '孙**再次反映：停车位还是没有开放。', reply: '孙**您好：停车位将于下周一开放。' } });
    const missing = await request(t.app)
      .post(`/api/admin/letters/${id}/public-version`)
      .set(auth(crew.office.token))
      .send({ subject: proposal.body.subject, content: proposal.body.content, reply: proposal.body.reply });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('followUp');

    const confirmed = await confirmPublicVersion(t, crew, id);
    expect(confirmed).toMatchObject({ state: 'confirmed' });
    expect(await pendingIds()).toEqual([]);
    const current = (await request(t.app).get(`/api/letters/public/${id}`)).body;
    expect(current.replies.map((r: { round: number; content: string }) => [r.round, r.content])).toEqual([
      [1, proposal.body.reply],
      [2, '孙**您好：停车位将于下周一开放。'],
    ]);
    expect(current.followUp.content).toBe('孙**再次反映：停车位还是没有开放。');
    const audits = await t.models.AuditEntry.find({ action: 'letter.public_version_confirm', targetId: id }).sort({ _id: 1 }).lean();
    expect(audits.map((a) => (a.details as { reconfirmed: boolean; rounds: number }).rounds)).toEqual([1, 2]);
  });
});
