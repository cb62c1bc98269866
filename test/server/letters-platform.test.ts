/**
 * The mailbox on the platform services, through the real services and the loopback fake WeChat:
 * content safety of text meant to be public (risky refused, review held until a reviewer
 * decides), subscribe messages delivered by the outbox worker, and attachments (claimed with the
 * letter, readable by its writer and the staff who may handle it only).
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, TEST_WECHAT, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../support/fake-wechat';
import { act, buildLetter, confirmPublicVersion, createCrew, cst, driveLetter, LETTER_TEST_ENV, submitLetter, useLetterSettings, type LetterCrew } from '../support/letter-factories';
import { pngBytes, upload } from '../support/platform-factories';

let t: TestApp;
let wechat: FakeWechat;
let crew: LetterCrew;
beforeAll(async () => {
  const clock = createTestClock(cst('2026-11-16T10:00'));
  wechat = await startFakeWechat({ ...TEST_WECHAT, now: clock.now, riskyWords: ['赌博网站'], reviewWords: ['待人工审核词'] });
  t = await createTestApp({
    env: { ...LETTER_TEST_ENV, WECHAT_TEMPLATE_IDS: JSON.stringify({ letter_accepted: 'tpl-accepted-0001', letter_replied: 'tpl-replied-0001' }) },
    wechat,
    clock,
  });
  await useLetterSettings(t, { submissionsPerDay: 100 });
  crew = await createCrew(t);
});
afterAll(async () => {
  await t.close();
  await wechat.close();
});

const post = (token: string, body: object) => request(t.app).post('/api/letters').set(auth(token)).send(body);

describe('content safety of letters meant to be public', () => {
  it('refuses risky subject or content with 422 content_risky and stores nothing', async () => {
    const token = await t.citizenToken('risky-writer');
    const before = await t.models.Letter.countDocuments();
    const counters = await t.models.LetterCounter.find().lean();
    const res = await post(token, buildLetter({ publicConsent: true, content: '小区附近有人开设赌博网站，请有关部门查处。' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('content_risky');
    expect(await t.models.Letter.countDocuments()).toBe(before);
    // Checked before a tracking number is drawn: no gap in the day's numbers.
    expect(await t.models.LetterCounter.find().lean()).toEqual(counters);
    const check = wechat.requestsTo('msg_sec_check').at(-1);
    expect(check?.body).toMatchObject({ content: expect.stringContaining('赌博网站'), version: 2 });
  });

  it('does not check letters the writer keeps private (nobody else will read them)', async () => {
    const token = await t.citizenToken('private-risky-writer');
    const calls = wechat.requestsTo('msg_sec_check').length;
    const res = await post(token, buildLetter({ publicConsent: false, content: '小区附近有人开设赌博网站，请有关部门查处。' }));
    expect(res.status).toBe(201);
    expect(wechat.requestsTo('msg_sec_check')).toHaveLength(calls);
  });

  it('holds text flagged for review out of the public list until a reviewer approves it', async () => {
    const token = await t.citizenToken('review-writer');
    const { id } = await submitLetter(t, token, { publicConsent: true, content: '这段文字包含待人工审核词，需要人工复核后才能公开。' });
    expect(await t.models.Letter.findById(id).lean()).toMatchObject({ publicReview: 'pending' });
    const review = await t.models.ContentReview.findOne({ subjectType: 'letter', subjectId: id }).lean();
    expect(review).toMatchObject({ status: 'pending', result: { suggest: 'review' } });
    expect((await request(t.app).get(`/api/letters/${id}`).set(auth(token))).body.publicState).toBe('pending_review');

    await driveLetter(t, crew, id, 'replied');
    await confirmPublicVersion(t, crew, id);
    expect((await request(t.app).get(`/api/letters/public/${id}`)).status).toBe(404);

    const approve = await request(t.app).post(`/api/admin/content-reviews/${review!._id.toHexString()}/approve`).set(auth(crew.office.token)).send({});
    expect(approve.status).toBe(200);
    expect(await t.models.Letter.findById(id).lean()).toMatchObject({ publicReview: 'approved' });
    expect((await request(t.app).get(`/api/letters/public/${id}`)).status).toBe(200);
    expect((await request(t.app).get(`/api/letters/${id}`).set(auth(token))).body.publicState).toBe('listed_when_replied');
  });

  it('keeps a letter whose text a reviewer rejected out of the public list for good', async () => {
    const token = await t.citizenToken('rejected-text-writer');
    const { id } = await submitLetter(t, token, { publicConsent: true, content: '另一段包含待人工审核词的文字，等待人工复核。' });
    const review = await t.models.ContentReview.findOne({ subjectType: 'letter', subjectId: id }).lean();
    await request(t.app).post(`/api/admin/content-reviews/${review!._id.toHexString()}/reject`).set(auth(crew.office.token)).send({}).expect(200);
    await driveLetter(t, crew, id, 'replied');
    await confirmPublicVersion(t, crew, id);
    expect(await t.models.Letter.findById(id).lean()).toMatchObject({ publicReview: 'rejected' });
    expect((await request(t.app).get(`/api/letters/public/${id}`)).status).toBe(404);
    expect((await request(t.app).get(`/api/letters/${id}`).set(auth(token))).body.publicState).toBe('not_public');
  });

  it('refuses a risky follow-up and leaves the letter as it was', async () => {
    const token = await t.citizenToken('risky-follow-up-writer');
    const { id } = await submitLetter(t, token, { publicConsent: true });
    await driveLetter(t, crew, id, 'rated', { citizenToken: token, score: 1 });
    const res = await request(t.app).post(`/api/letters/${id}/follow-up`).set(auth(token)).send({ content: '听说那边有赌博网站，你们为什么不管？' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('content_risky');
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored).toMatchObject({ status: 'rated' });
    expect(stored!.followUp).toBeUndefined();
  });
});

describe('subscribe messages', () => {
  it('delivers the reply notice to the writer through the outbox worker', async () => {
    const token = await t.citizenToken('subscribed-writer');
    const { id, trackingNo } = await submitLetter(t, token, { subject: '关于老旧小区加装电梯的咨询' });
    await driveLetter(t, crew, id, 'replied');
    await t.services.notifications.deliverDue();
    const sent = wechat.sentMessages.filter((m) => m.data.character_string1?.value === trackingNo);
    expect(sent.map((m) => m.templateId).sort()).toEqual(['tpl-accepted-0001', 'tpl-replied-0001']);
    const replied = sent.find((m) => m.templateId === 'tpl-replied-0001')!;
    expect(replied).toMatchObject({
      page: `packages/mailbox/pages/detail/index?id=${id}`,
      data: {
        character_string1: { value: trackingNo },
        thing2: { value: '关于老旧小区加装电梯的咨询' },
        thing3: { value: crew.department.name },
        date4: { value: '2026-11-16' },
      },
    });
    const stored = await t.models.Letter.findById(id).lean();
    const jobs = await t.models.NotificationJob.find({ userId: stored!.userId }).lean();
    expect(jobs.map((j) => j.status)).toEqual(['sent', 'sent']);
  });
});

describe('attachments', () => {
  it('claims the writer’s uploads with the letter and shows them on it', async () => {
    const token = await t.citizenToken('attaching-writer');
    const up = await upload(t, token, pngBytes(), '现场照片.png');
    expect(up.status).toBe(201);
    const res = await post(token, buildLetter({ attachmentIds: [up.body.id] }));
    expect(res.status).toBe(201);
    const mine = await request(t.app).get(`/api/letters/${res.body.id}`).set(auth(token));
    expect(mine.body.attachments).toEqual([{ id: up.body.id, contentType: 'image/png', size: up.body.size, filename: '现场照片.png' }]);
    const staff = await request(t.app).get(`/api/admin/letters/${res.body.id}`).set(auth(crew.office.token));
    expect(staff.body.attachments.map((a: { id: string }) => a.id)).toEqual([up.body.id]);
  });

  it('lets the writer and handling staff download an attachment, and nobody else (404)', async () => {
    const token = await t.citizenToken('download-writer');
    const up = await upload(t, token, pngBytes(32), 'photo.png');
    const { id } = await submitLetter(t, token, { attachmentIds: [up.body.id] });
    await driveLetter(t, crew, id, 'assigned');
    const get = (who?: string) => {
      const r = request(t.app).get(`/api/uploads/${up.body.id}`);
      return who ? r.set(auth(who)) : r;
    };
    expect((await get(token)).status).toBe(200);
    expect((await get(crew.office.token)).status).toBe(200);
    expect((await get(crew.handler.token)).status).toBe(200);
    expect((await get(crew.otherHandler.token)).status).toBe(404);
    expect((await get(await t.citizenToken('nosy-citizen'))).status).toBe(404);
  });

  it('refuses another citizen’s upload or one already attached with 400 invalid_attachment, storing nothing', async () => {
    const owner = await t.citizenToken('upload-owner');
    const thief = await t.citizenToken('upload-thief');
    const up = await upload(t, owner, pngBytes(), 'mine.png');
    const before = await t.models.Letter.countDocuments();
    const stolen = await post(thief, buildLetter({ attachmentIds: [up.body.id] }));
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.code).toBe('invalid_attachment');
    expect(await t.models.Letter.countDocuments()).toBe(before);

    await submitLetter(t, owner, { attachmentIds: [up.body.id] });
    const reused = await post(owner, buildLetter({ attachmentIds: [up.body.id] }));
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('invalid_attachment');
  });
});

describe('calendar changes', () => {
  it('recomputes open letters’ deadlines computed with another calendar version, and readers see the fresh ones', async () => {
    const token = await t.citizenToken('recompute-writer');
    const { id } = await submitLetter(t, token);
    // As if computed with an older calendar that did not know a day's status.
    await t.models.Letter.updateOne(
      { _id: id },
      { $set: { 'acceptDeadline.calendarVersion': 'chinese-days@0.0.1', 'acceptDeadline.dueDate': '2026-11-17', 'acceptDeadline.dueAt': new Date('2026-11-17T15:59:59.999Z'), openDueAt: new Date('2026-11-17T15:59:59.999Z') } },
    );
    const shown = await request(t.app).get(`/api/letters/${id}`).set(auth(token));
    expect(shown.body.currentDeadline).toMatchObject({ dueDate: '2026-11-18' });
    expect(await t.services.letters.recomputeOpenDeadlines()).toBeGreaterThanOrEqual(1);
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored!.acceptDeadline).toMatchObject({ dueDate: '2026-11-18', calendarVersion: expect.stringMatching(/^chinese-days@\d/) });
    expect(stored!.openDueAt?.toISOString()).toBe('2026-11-18T15:59:59.999Z');
    expect(await t.services.letters.recomputeOpenDeadlines()).toBe(0);
  });

  it('never changes a letter when it is read: overdue and deadlines shown are derived', async () => {
    const token = await t.citizenToken('reader-writer');
    const { id } = await submitLetter(t, token);
    await act(t, crew.office.token, id, 'accept');
    const before = await t.models.Letter.findById(id).lean();
    await request(t.app).get(`/api/letters/${id}`).set(auth(token)).expect(200);
    await request(t.app).get(`/api/admin/letters/${id}`).set(auth(crew.office.token)).expect(200);
    expect(await t.models.Letter.findById(id).lean()).toEqual(before);
  });
});
