/**
 * 延期: a handler asks for more working days, the reviewer grants or refuses; a grant moves the
 * reply deadline on the working-day calendar and the writer sees the new date and why.
 */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp, type TestClock } from '../support/app';
import { act, createCrew, cst, driveLetter, LETTER_TEST_ENV, submitLetter, useLetterSettings, type LetterCrew } from '../support/letter-factories';

let t: TestApp;
let clock: TestClock;
let crew: LetterCrew;
let writers = 0;
beforeAll(async () => {
  clock = createTestClock(cst('2026-11-02T09:00'));
  t = await createTestApp({ env: LETTER_TEST_ENV, clock });
  await useLetterSettings(t, { submissionsPerDay: 100 });
  crew = await createCrew(t);
});
afterAll(() => t.close());

const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const REQUEST = { workingDays: 5, reason: '需要会同交通部门现场核实' };

async function letterIn(status: Parameters<typeof driveLetter>[3]): Promise<{ id: string; writer: string }> {
  const writer = await t.citizenToken(`extension-writer-${++writers}`);
  const { id } = await submitLetter(t, writer);
  await driveLetter(t, crew, id, status, { citizenToken: writer });
  return { id, writer };
}
const ask = (id: string, body: object = REQUEST, token = crew.handler.token) =>
  request(t.app).post(`/api/admin/letters/${id}/extension`).set(auth(token)).send(body);
const grant = (id: string, token = crew.reviewer.token) => request(t.app).post(`/api/admin/letters/${id}/extension/grant`).set(auth(token)).send({});
const refuse = (id: string, body: object = { reason: '期限内可以办结' }, token = crew.reviewer.token) =>
  request(t.app).post(`/api/admin/letters/${id}/extension/refuse`).set(auth(token)).send(body);

describe('asking for and granting an extension', () => {
  it('moves the reply deadline by the working days granted; the writer sees the new date and the reason', async () => {
    const { id, writer } = await letterIn('assigned');
    const before = await t.models.Letter.findById(id).lean();
    // Submitted Monday 11月2日: 15 working days → 11月23日.
    expect(before!.replyDeadline.dueDate).toBe('2026-11-23');

    const asked = await ask(id);
    expect(asked.status).toBe(200);
    let stored = await t.models.Letter.findById(id).lean();
    expect(stored!.extensions).toEqual([expect.objectContaining({ round: 1, workingDays: 5, reason: REQUEST.reason, status: 'pending', requestedBy: crew.handler.staff._id.toHexString() })]);
    expect(stored!.replyDeadline.dueDate).toBe('2026-11-23');
    expect(stored!.timeline.at(-1)).toMatchObject({ type: 'extension_requested', status: 'assigned', note: REQUEST.reason });
    // Not told to the writer until granted.
    let mine = await request(t.app).get(`/api/letters/${id}`).set(auth(writer));
    expect(mine.body.extensions).toEqual([]);
    expect(mine.body.timeline.find((e: { type: string }) => e.type === 'extension_requested').note).toBeNull();

    clock.set(cst('2026-11-03T10:00'));
    const granted = await grant(id);
    expect(granted.status).toBe(200);
    expect(granted.body.currentDeadline).toMatchObject({ step: 'reply', dueDate: '2026-11-30' });
    stored = await t.models.Letter.findById(id).lean();
    expect(stored!.replyDeadline).toMatchObject({ dueDate: '2026-11-30', workingDays: 20, startDate: '2026-11-02' });
    expect(stored!.openDueAt).toEqual(stored!.replyDeadline.dueAt);
    expect(stored!.extensions![0]).toMatchObject({ status: 'granted', previousDueDate: '2026-11-23', newDueDate: '2026-11-30', decidedBy: crew.reviewer.staff._id.toHexString() });
    const audit = await t.models.AuditEntry.findOne({ action: 'letter.extension_grant', targetId: id }).lean();
    expect(audit!.details).toMatchObject({ workingDays: 5, previousDueDate: '2026-11-23', newDueDate: '2026-11-30' });
    expect(await t.models.AuditEntry.countDocuments({ action: 'letter.extension_request', targetId: id })).toBe(1);

    mine = await request(t.app).get(`/api/letters/${id}`).set(auth(writer));
    expect(mine.body.extensions).toEqual([
      { round: 1, workingDays: 5, reason: REQUEST.reason, grantedAt: '2026-11-03T02:00:00.000Z', previousDueDate: '2026-11-23', newDueDate: '2026-11-30' },
    ]);
    expect(mine.body.deadlines.reply).toMatchObject({ dueDate: '2026-11-30', workingDays: 20 });
    expect(mine.body.timeline.at(-1)).toMatchObject({ type: 'extended', label: '延期答复', note: REQUEST.reason });
    const inbox = await t.models.InboxEntry.findOne({ kind: 'letter_extended' }).lean();
    expect(inbox).toMatchObject({ title: '您的来信答复期限已延长' });
    expect(inbox!.body).toContain('2026-11-30');

    // The staff view lists the request with its outcome.
    const staffView = await request(t.app).get(`/api/admin/letters/${id}`).set(auth(crew.office.token));
    expect(staffView.body.extensions).toEqual([
      expect.objectContaining({ status: 'granted', workingDays: 5, requestedBy: { id: crew.handler.staff._id.toHexString(), username: crew.handler.staff.username } }),
    ]);

    // One granted extension per reply round.
    const again = await ask(id);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'invalid_state', details: { reason: 'extension_used' } });
  });

  it('refuses with a reason: the deadline stays, the writer is not told the reason', async () => {
    const { id, writer } = await letterIn('drafted');
    expect((await ask(id)).status).toBe(200);
    const res = await refuse(id);
    expect(res.status).toBe(200);
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored!.extensions![0]).toMatchObject({ status: 'refused', refuseReason: '期限内可以办结', newDueDate: null });
    expect(stored!.replyDeadline.workingDays).toBe(15);
    expect(stored!.status).toBe('drafted');
    const mine = await request(t.app).get(`/api/letters/${id}`).set(auth(writer));
    expect(mine.body.extensions).toEqual([]);
    expect(JSON.stringify(mine.body)).not.toContain('期限内可以办结');
    // After a refusal the handler may ask again.
    expect((await ask(id, { workingDays: 3, reason: '需补充材料后答复' })).status).toBe(200);
  });

  it('allows one pending request at a time and decisions only on a pending one', async () => {
    const { id } = await letterIn('assigned');
    expect((await grant(id)).body.error).toMatchObject({ code: 'invalid_state', details: { reason: 'no_pending_extension' } });
    expect((await refuse(id)).status).toBe(409);
    expect((await ask(id)).status).toBe(200);
    const second = await ask(id, { workingDays: 2, reason: '再次申请延期' });
    expect(second.status).toBe(409);
    expect(second.body.error.details).toMatchObject({ reason: 'extension_pending' });
    expect((await t.models.Letter.findById(id).lean())!.extensions).toHaveLength(1);
  });

  it('refuses requests outside the reply step: 409 for a replied letter, 404 for one no department holds', async () => {
    const replied = await letterIn('replied');
    const res = await ask(replied.id);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'replied' } });
    const accepted = await letterIn('accepted');
    expect((await ask(accepted.id)).status).toBe(404);
  });
});

describe('rules and roles', () => {
  it('validates the request: working days 1–20 (whole), a reason of 2–500 characters, no other fields', async () => {
    const { id } = await letterIn('assigned');
    const cases: [object, string[]][] = [
      [{}, ['reason', 'workingDays']],
      [{ workingDays: 0, reason: '理由充分' }, ['workingDays']],
      [{ workingDays: 21, reason: '理由充分' }, ['workingDays']],
      [{ workingDays: 2.5, reason: '理由充分' }, ['workingDays']],
      [{ workingDays: 3, reason: '否' }, ['reason']],
      [{ workingDays: 3, reason: '理由充分', urgent: true }, ['urgent']],
    ];
    for (const [body, paths] of cases) {
      const res = await ask(id, body);
      expect({ body, status: res.status, paths: res.body.error.details.map((d: { path: string }) => d.path).sort() }).toEqual({ body, status: 400, paths });
    }
    const twenty = await ask(id, { workingDays: 20, reason: '理由充分' });
    expect(twenty.status).toBe(200);
    const refusal = await refuse(id, { reason: '' });
    expect(refusal.status).toBe(400);
    expect((await t.models.Letter.findById(id).lean())!.extensions![0].status).toBe('pending');
  });

  it('lets only the handler of the department ask and only the reviewer decide', async () => {
    const { id, writer } = await letterIn('assigned');
    expect((await request(t.app).post(`/api/admin/letters/${id}/extension`).send(REQUEST)).status).toBe(401);
    expect((await request(t.app).post(`/api/admin/letters/${id}/extension/grant`).send({})).status).toBe(401);
    expect((await request(t.app).post(`/api/admin/letters/${id}/extension/refuse`).send({ reason: '不同意延期' })).status).toBe(401);
    for (const token of [writer, crew.office.token, crew.reviewer.token, crew.admin.token]) {
      expect((await ask(id, REQUEST, token)).status).toBe(403);
    }
    expect((await ask(id, REQUEST, crew.otherHandler.token)).status).toBe(404);
    expect((await ask(UNKNOWN_ID)).status).toBe(404);
    expect((await ask(id)).status).toBe(200);
    for (const token of [writer, crew.office.token, crew.handler.token, crew.admin.token]) {
      expect((await grant(id, token)).status).toBe(403);
      expect((await refuse(id, { reason: '不同意延期' }, token)).status).toBe(403);
    }
    expect((await grant(UNKNOWN_ID)).status).toBe(404);
    expect((await refuse(UNKNOWN_ID)).status).toBe(404);
    expect((await t.models.Letter.findById(id).lean())!.extensions![0].status).toBe('pending');
    // Still assignable and workable meanwhile: the request does not block the workflow.
    await act(t, crew.handler.token, id, 'draft', { reply: '您好，您反映的问题我们已经核实并安排处理。' });
    expect((await grant(id)).status).toBe(200);
  });
});
