/**
 * The mailbox workflow for staff: who may do what (auth matrix), the state machine (every action
 * from every wrong state is 409), department scoping for handlers, the audit trail, the writer's
 * notifications, and conditional updates under concurrent actions.
 */
import request from 'supertest';
import type { LetterStatus } from '../../shared/letters';
import type { StaffRole } from '../../shared/staff';
import { auth, createTestApp, type TestApp } from '../support/app';
import { act, createCrew, driveLetter, LETTER_TEST_ENV, submitLetter, type LetterCrew } from '../support/letter-factories';

let t: TestApp;
let crew: LetterCrew;
let citizen: string;
beforeAll(async () => {
  t = await createTestApp({
    env: { ...LETTER_TEST_ENV, WECHAT_TEMPLATE_IDS: JSON.stringify({ letter_accepted: 'tpl-accepted-0001', letter_replied: 'tpl-replied-0001' }) },
  });
  crew = await createCrew(t);
  citizen = await t.citizenToken('workflow-writer');
});
afterAll(() => t.close());

const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const deptId = () => crew.department._id.toHexString();

/** Every action with the role allowed to take it, the states it starts from, and a valid body. */
const ACTIONS: { action: string; role: StaffRole; from: LetterStatus[]; body: () => object }[] = [
  { action: 'accept', role: 'office', from: ['submitted'], body: () => ({}) },
  { action: 'reject', role: 'office', from: ['submitted'], body: () => ({ reason: '不属于受理范围' }) },
  { action: 'assign', role: 'office', from: ['accepted', 'assigned', 'drafted'], body: () => ({ departmentId: deptId() }) },
  { action: 'draft', role: 'handler', from: ['assigned', 'drafted'], body: () => ({ reply: '您好，您反映的问题我们已经核实并安排处理。' }) },
  { action: 'approve', role: 'reviewer', from: ['drafted'], body: () => ({}) },
  { action: 'return', role: 'reviewer', from: ['drafted'], body: () => ({ reason: '答复内容需补充办理时限' }) },
  { action: 'send', role: 'office', from: ['approved'], body: () => ({}) },
  { action: 'return-to-office', role: 'handler', from: ['assigned', 'drafted'], body: () => ({ reason: '不属于本部门职责范围' }) },
];
const ROLES: StaffRole[] = ['admin', 'office', 'handler', 'reviewer'];
const ALL_STATES: LetterStatus[] = ['submitted', 'accepted', 'rejected', 'assigned', 'drafted', 'approved', 'replied', 'rated'];

function tokenOf(role: StaffRole): string {
  return { admin: crew.admin.token, office: crew.office.token, handler: crew.handler.token, reviewer: crew.reviewer.token }[role];
}

let writers = 0;
/** A letter in `status`, each from a new writer (a citizen may write only so many letters a day). */
async function letterIn(status: LetterStatus): Promise<string> {
  const writer = await t.citizenToken(`state-writer-${++writers}`);
  const { id } = await submitLetter(t, writer);
  await driveLetter(t, crew, id, status, { citizenToken: writer, score: 4 });
  return id;
}

describe('the auth matrix of the staff routes', () => {
  let letterId: string;
  beforeAll(async () => {
    letterId = await letterIn('submitted');
  });

  it.each(ACTIONS.map((a) => [a.action, a.role] as const))('POST /:id/%s refuses anonymous callers (401) and citizens (403)', async (action) => {
    const anon = await request(t.app).post(`/api/admin/letters/${letterId}/${action}`).send({});
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('unauthorized');
    const res = await request(t.app).post(`/api/admin/letters/${letterId}/${action}`).set(auth(citizen)).send({});
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it.each(ACTIONS.flatMap((a) => ROLES.filter((r) => r !== a.role).map((r) => [a.action, r] as const)))(
    'POST /:id/%s refuses the %s role with 403 and leaves the letter unchanged',
    async (action, role) => {
      const spec = ACTIONS.find((a) => a.action === action)!;
      const res = await request(t.app).post(`/api/admin/letters/${letterId}/${action}`).set(auth(tokenOf(role))).send(spec.body());
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect((await t.models.Letter.findById(letterId).lean())?.status).toBe('submitted');
    },
  );

  it('lets every staff role list and read letters, and refuses citizens and anonymous callers', async () => {
    for (const role of ROLES.filter((r) => r !== 'handler')) {
      expect((await request(t.app).get('/api/admin/letters').set(auth(tokenOf(role)))).status).toBe(200);
      expect((await request(t.app).get(`/api/admin/letters/${letterId}`).set(auth(tokenOf(role)))).status).toBe(200);
    }
    expect((await request(t.app).get('/api/admin/letters')).status).toBe(401);
    expect((await request(t.app).get(`/api/admin/letters/${letterId}`)).status).toBe(401);
    expect((await request(t.app).get('/api/admin/letters').set(auth(citizen))).status).toBe(403);
    expect((await request(t.app).get(`/api/admin/letters/${letterId}`).set(auth(citizen))).status).toBe(403);
  });

  it('answers 404 for an unknown letter and 400 for a malformed id, for every action', async () => {
    for (const a of ACTIONS) {
      const missing = await request(t.app).post(`/api/admin/letters/${UNKNOWN_ID}/${a.action}`).set(auth(tokenOf(a.role))).send(a.body());
      expect({ action: a.action, status: missing.status, code: missing.body.error.code }).toEqual({ action: a.action, status: 404, code: 'not_found' });
      const bad = await request(t.app).post(`/api/admin/letters/not-an-id/${a.action}`).set(auth(tokenOf(a.role))).send(a.body());
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toContainEqual({ in: 'params', path: 'id', message: '无效的编号' });
    }
    expect((await request(t.app).get(`/api/admin/letters/${UNKNOWN_ID}`).set(auth(crew.office.token))).status).toBe(404);
  });
});

describe('the state machine', () => {
  const letters = new Map<LetterStatus, string>();
  beforeAll(async () => {
    for (const status of ALL_STATES) letters.set(status, await letterIn(status));
  });

  // Letters that have no department yet are invisible to handlers: drafting them is 404 (below).
  const UNASSIGNED: LetterStatus[] = ['submitted', 'accepted', 'rejected'];
  const wrongMoves = ACTIONS.flatMap((a) =>
    ALL_STATES.filter((s) => !a.from.includes(s) && !(a.role === 'handler' && UNASSIGNED.includes(s))).map((s) => [a.action, s] as const),
  );

  it.each(UNASSIGNED)('answers 404 to a handler drafting a %s letter, which no department holds yet', async (status) => {
    const res = await request(t.app)
      .post(`/api/admin/letters/${letters.get(status)!}/draft`)
      .set(auth(crew.handler.token))
      .send({ reply: '您好，您反映的问题我们已经核实并安排处理。' });
    expect(res.status).toBe(404);
  });

  it.each(wrongMoves)('refuses %s from %s with 409 invalid_state naming the current status', async (action, status) => {
    const spec = ACTIONS.find((a) => a.action === action)!;
    const id = letters.get(status)!;
    const before = await t.models.Letter.findById(id).lean();
    const res = await request(t.app).post(`/api/admin/letters/${id}/${action}`).set(auth(tokenOf(spec.role))).send(spec.body());
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status } });
    const after = await t.models.Letter.findById(id).lean();
    expect(after?.status).toBe(status);
    expect(after?.timeline).toHaveLength(before!.timeline.length);
  });

  it('validates action bodies: a reason of 1 character, a reply of 9, a malformed department id', async () => {
    const submitted = letters.get('submitted')!;
    const reject = await request(t.app).post(`/api/admin/letters/${submitted}/reject`).set(auth(crew.office.token)).send({ reason: '否' });
    expect(reject.status).toBe(400);
    expect(reject.body.error.details).toEqual([{ in: 'body', path: 'reason', message: '理由至少2个字' }]);
    const assigned = letters.get('assigned')!;
    const draft = await request(t.app).post(`/api/admin/letters/${assigned}/draft`).set(auth(crew.handler.token)).send({ reply: '一二三四五六七八九' });
    expect(draft.status).toBe(400);
    expect(draft.body.error.details).toEqual([{ in: 'body', path: 'reply', message: '答复内容至少10个字' }]);
    const assign = await request(t.app).post(`/api/admin/letters/${assigned}/assign`).set(auth(crew.office.token)).send({ departmentId: 'x' });
    expect(assign.status).toBe(400);
    expect(assign.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '无效的编号' }]);
  });

  it('refuses to assign to a department that does not exist', async () => {
    const res = await request(t.app).post(`/api/admin/letters/${letters.get('accepted')!}/assign`).set(auth(crew.office.token)).send({ departmentId: UNKNOWN_ID });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
  });
});

describe('department scoping for handlers', () => {
  it('hides a letter assigned to another department: 404 on read and on draft, absent from the list', async () => {
    const id = await letterIn('assigned');
    const read = await request(t.app).get(`/api/admin/letters/${id}`).set(auth(crew.otherHandler.token));
    expect(read.status).toBe(404);
    const draft = await request(t.app)
      .post(`/api/admin/letters/${id}/draft`)
      .set(auth(crew.otherHandler.token))
      .send({ reply: '您好，这是另一个部门的答复内容。' });
    expect(draft.status).toBe(404);
    expect((await t.models.Letter.findById(id).lean())?.status).toBe('assigned');
    const list = await request(t.app).get('/api/admin/letters?limit=100').set(auth(crew.otherHandler.token));
    expect(list.body.items.map((l: { id: string }) => l.id)).not.toContain(id);
    const own = await request(t.app).get('/api/admin/letters?limit=100').set(auth(crew.handler.token));
    expect(own.body.items.map((l: { id: string }) => l.id)).toContain(id);
    expect(own.body.items.every((l: { departmentId: string }) => l.departmentId === deptId())).toBe(true);
  });

  it('hides letters not yet assigned from handlers', async () => {
    const id = await letterIn('accepted');
    expect((await request(t.app).get(`/api/admin/letters/${id}`).set(auth(crew.handler.token))).status).toBe(404);
  });

  it('lets the office see every letter', async () => {
    const id = await letterIn('assigned');
    const list = await request(t.app).get(`/api/admin/letters?departmentId=${deptId()}&limit=100`).set(auth(crew.office.token));
    expect(list.body.items.map((l: { id: string }) => l.id)).toContain(id);
  });
});

describe('a letter from submission to reply', () => {
  it('walks every step, appends each to the timeline, audits each action and notifies the writer on send', async () => {
    const writer = await t.citizenToken('full-path-writer');
    const { id, trackingNo } = await submitLetter(t, writer, { contactName: '李四', contactPhone: '13812345678' });

    const accepted = await act(t, crew.office.token, id, 'accept');
    expect(accepted).toMatchObject({ id, status: 'accepted', statusLabel: '已受理', currentDeadline: { step: 'reply' } });
    await act(t, crew.office.token, id, 'assign', { departmentId: deptId() });
    await act(t, crew.handler.token, id, 'draft', { reply: '初稿：您好，停车位将于下月启用。' });
    await act(t, crew.reviewer.token, id, 'return', { reason: '请补充具体启用日期' });
    await act(t, crew.handler.token, id, 'draft', { reply: '您好，停车位将于2026年12月1日启用，感谢您的来信。' });
    await act(t, crew.handler.token, id, 'draft', { reply: '李四您好，停车位将于2026年12月1日启用，感谢您的来信。' });
    await act(t, crew.reviewer.token, id, 'approve');
    const sent = await act(t, crew.office.token, id, 'send');
    expect(sent).toMatchObject({ status: 'replied', statusLabel: '已答复', currentDeadline: null, overdue: false, departmentName: crew.department.name });

    const stored = await t.models.Letter.findById(id).lean();
    expect(stored).toMatchObject({ status: 'replied', openDueAt: null, departmentName: crew.department.name });
    expect(stored!.draft).toBeUndefined();
    expect(stored!.replies).toEqual([
      expect.objectContaining({ round: 1, content: '李四您好，停车位将于2026年12月1日启用，感谢您的来信。', departmentName: crew.department.name }),
    ]);
    expect(stored!.timeline.map((e) => [e.type, e.status])).toEqual([
      ['submitted', 'submitted'],
      ['accepted', 'accepted'],
      ['assigned', 'assigned'],
      ['drafted', 'drafted'],
      ['returned', 'assigned'],
      ['drafted', 'drafted'],
      ['drafted', 'drafted'],
      ['approved', 'approved'],
      ['replied', 'replied'],
    ]);
    expect(stored!.timeline[4]).toMatchObject({ note: '请补充具体启用日期', actorRole: 'reviewer', actorId: crew.reviewer.id });

    const entries = await t.models.AuditEntry.find({ targetType: 'letter', targetId: id }).sort({ at: 1, _id: 1 }).lean();
    expect(entries.map((e) => e.action)).toEqual([
      'letter.accept',
      'letter.assign',
      'letter.draft',
      'letter.return',
      'letter.draft',
      'letter.draft',
      'letter.approve',
      'letter.send',
    ]);
    expect(entries[0]).toMatchObject({ actor: { kind: 'staff', id: crew.office.id, role: 'office' }, details: { trackingNo, from: 'submitted', to: 'accepted' } });
    expect(entries[1].details).toMatchObject({ departmentId: deptId(), previousDepartmentId: null });
    expect(entries[3].details).toMatchObject({ reason: '请补充具体启用日期', from: 'drafted', to: 'assigned' });
    expect(entries[5].details).toMatchObject({ redraft: true });
    // Audit entries never carry the writer's personal data.
    expect(JSON.stringify(entries)).not.toContain('13812345678');

    // The writer: an inbox entry on accept and on send, and outbox jobs for the subscribe messages.
    const userId = stored!.userId;
    const inbox = await t.models.InboxEntry.find({ userId }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(inbox.map((e) => e.kind)).toEqual(['letter_accepted', 'letter_replied']);
    expect(inbox[1]).toMatchObject({ title: '您的来信已答复', link: { type: 'letter', id } });
    expect(inbox[1].body).toContain(trackingNo);
    const jobs = await t.models.NotificationJob.find({ userId }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(jobs.map((j) => [j.template, j.templateId])).toEqual([
      ['letter_accepted', 'tpl-accepted-0001'],
      ['letter_replied', 'tpl-replied-0001'],
    ]);
    expect(jobs[1]).toMatchObject({
      page: `packages/mailbox/pages/detail/index?id=${id}`,
      data: { character_string1: { value: trackingNo }, thing3: { value: expect.any(String) } },
    });

    // The writer's view: the reply, and a timeline naming departments and offices, never staff.
    const mine = await request(t.app).get(`/api/letters/${id}`).set(auth(writer));
    expect(mine.status).toBe(200);
    expect(mine.body.reply).toMatchObject({ round: 1, departmentName: crew.department.name });
    expect(mine.body.timeline.map((e: { by: string }) => e.by)).toEqual([
      '来信人',
      '办公室',
      '办公室',
      crew.department.name,
      '分管领导',
      crew.department.name,
      crew.department.name,
      '分管领导',
      '办公室',
    ]);
    const text = JSON.stringify(mine.body);
    for (const s of [crew.office, crew.reviewer, crew.handler]) {
      expect(text).not.toContain(s.staff.displayName);
      expect(text).not.toContain(s.staff.username);
      expect(text).not.toContain(s.id);
    }
    // The reviewer's internal note is not shown to the writer.
    expect(text).not.toContain('请补充具体启用日期');
  });

  it('rejects with a reason: the writer is told in the inbox and by a subscribe message, and the letter closes', async () => {
    const writer = await t.citizenToken('rejected-writer');
    const { id } = await submitLetter(t, writer);
    const res = await request(t.app).post(`/api/admin/letters/${id}/reject`).set(auth(crew.office.token)).send({ reason: '该事项已进入司法程序' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', currentDeadline: null, overdue: false });
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored).toMatchObject({ status: 'rejected', rejectReason: '该事项已进入司法程序', openDueAt: null });
    const inbox = await t.models.InboxEntry.find({ userId: stored!.userId }).lean();
    expect(inbox).toEqual([expect.objectContaining({ kind: 'letter_rejected', title: '您的来信不予受理', link: { type: 'letter', id } })]);
    expect(inbox[0].body).toContain('该事项已进入司法程序');
    const jobs = await t.models.NotificationJob.find({ userId: stored!.userId }).lean();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ template: 'letter_accepted', data: { phrase3: { value: '不予受理' }, thing4: { value: '该事项已进入司法程序' } } });
    const entry = await t.models.AuditEntry.findOne({ action: 'letter.reject', targetId: id }).lean();
    expect(entry).toMatchObject({ actor: { id: crew.office.id }, details: { reason: '该事项已进入司法程序', to: 'rejected' } });
    // The writer sees the reason.
    const mine = await request(t.app).get(`/api/letters/${id}`).set(auth(writer));
    expect(mine.body).toMatchObject({ status: 'rejected', rejectReason: '该事项已进入司法程序' });
    expect(mine.body.timeline[1]).toMatchObject({ type: 'rejected', note: '该事项已进入司法程序', by: '办公室' });
  });

  it('reassigns a drafted letter to another department, discarding the draft', async () => {
    const id = await letterIn('drafted');
    const res = await act(t, crew.office.token, id, 'assign', { departmentId: crew.otherDepartment._id.toHexString() });
    expect(res).toMatchObject({ status: 'assigned', departmentName: crew.otherDepartment.name });
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored).toMatchObject({ departmentId: crew.otherDepartment._id });
    expect(stored!.draft).toBeUndefined();
    expect(stored!.timeline[stored!.timeline.length - 1]).toMatchObject({ type: 'reassigned', departmentName: crew.otherDepartment.name });
    // The first department's handler lost it; the new one can draft.
    expect((await request(t.app).get(`/api/admin/letters/${id}`).set(auth(crew.handler.token))).status).toBe(404);
    await act(t, crew.otherHandler.token, id, 'draft', { reply: '您好，我局已接手办理您反映的问题。' });
  });

  it('audits a staff read of the letter with personal data, and shows contact data only there', async () => {
    const writer = await t.citizenToken('contact-writer');
    const { id, trackingNo } = await submitLetter(t, writer, { contactName: '王五', contactPhone: '13900001111' });
    const res = await request(t.app).get(`/api/admin/letters/${id}`).set(auth(crew.reviewer.token)).set('x-request-id', 'read-letter-req-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, contactName: '王五', contactPhone: '13900001111', publicReview: 'not_requested' });
    const entry = await t.models.AuditEntry.findOne({ action: 'letter.read_personal_data', targetId: id }).lean();
    expect(entry).toMatchObject({
      actor: { kind: 'staff', id: crew.reviewer.id, role: 'reviewer' },
      targetType: 'letter',
      details: { trackingNo },
      requestId: 'read-letter-req-1',
    });
    const list = await request(t.app).get(`/api/admin/letters?q=${trackingNo}`).set(auth(crew.office.token));
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain('13900001111');
    expect(JSON.stringify(list.body)).not.toContain('王五');
  });
});

describe('concurrent actions', () => {
  it('lets exactly one of two simultaneous accepts succeed; the other gets 409', async () => {
    const id = await letterIn('submitted');
    const second = await t.createStaff({ role: 'office' });
    const results = await Promise.all([
      request(t.app).post(`/api/admin/letters/${id}/accept`).set(auth(crew.office.token)).send({}),
      request(t.app).post(`/api/admin/letters/${id}/reject`).set(auth(second.token)).send({ reason: '重复来信' }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error.code).toBe('invalid_state');
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored!.timeline).toHaveLength(2);
    const audits = await t.models.AuditEntry.countDocuments({ targetId: id, action: { $in: ['letter.accept', 'letter.reject'] } });
    expect(audits).toBe(1);
  });

  it('sends an approved reply once when two office staff press send together', async () => {
    const writer = await t.citizenToken('double-send-writer');
    const { id } = await submitLetter(t, writer);
    await driveLetter(t, crew, id, 'approved');
    const second = await t.createStaff({ role: 'office' });
    const results = await Promise.all([
      request(t.app).post(`/api/admin/letters/${id}/send`).set(auth(crew.office.token)).send({}),
      request(t.app).post(`/api/admin/letters/${id}/send`).set(auth(second.token)).send({}),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored!.replies).toHaveLength(1);
    expect(await t.models.InboxEntry.countDocuments({ userId: stored!.userId, kind: 'letter_replied' })).toBe(1);
  });
});
