/**
 * Internal notes on letters (staff only) and a handler's return of a mis-assigned letter to the
 * office (issue 9). The auth matrix and the wrong-state answers of return-to-office are in
 * letters-workflow.test.ts with the other actions.
 */
import request from 'supertest';
import { Types } from 'mongoose';
import { LETTER_LIMITS } from '../../shared/letters';
import { auth, createTestApp, type TestApp } from '../support/app';
import { act, confirmPublicVersion, createCrew, driveLetter, LETTER_TEST_ENV, submitLetter, type LetterCrew } from '../support/letter-factories';

let t: TestApp;
let crew: LetterCrew;
let writers = 0;
beforeAll(async () => {
  t = await createTestApp({ env: LETTER_TEST_ENV });
  crew = await createCrew(t);
});
afterAll(() => t.close());

const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const REASON = '该事项属于交通运输局职责，请改派';

async function letterIn(status: Parameters<typeof driveLetter>[3], options: { publicConsent?: boolean } = {}): Promise<{ id: string; writer: string }> {
  const writer = await t.citizenToken(`notes-writer-${++writers}`);
  const { id } = await submitLetter(t, writer, options.publicConsent === undefined ? {} : { publicConsent: options.publicConsent });
  await driveLetter(t, crew, id, status, { citizenToken: writer, score: 5 });
  return { id, writer };
}

const addNote = (id: string, token: string, body: object = { text: '已电话联系来信人，约定下周现场查看。' }) =>
  request(t.app).post(`/api/admin/letters/${id}/notes`).set(auth(token)).send(body);

describe('POST /api/admin/letters/:id/notes', () => {
  it('stores a note from each staff role that may see the letter, shows them in the staff view, audits each', async () => {
    const { id } = await letterIn('assigned');
    const tokens = [crew.office, crew.handler, crew.reviewer, crew.admin];
    for (const [i, staff] of tokens.entries()) {
      const res = await addNote(id, staff.token, { text: `  第${i + 1}条内部备注  ` });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        text: `第${i + 1}条内部备注`,
        at: expect.any(String),
        by: {
          id: staff.staff._id.toHexString(),
          username: staff.staff.username,
          role: staff.staff.role,
          roleLabel: expect.any(String),
          departmentName: staff.staff.role === 'handler' ? crew.department.name : null,
        },
      });
    }
    const stored = await t.models.Letter.findById(id).lean();
    expect(stored!.notes!.map((n) => [n.text, n.staffId])).toEqual(tokens.map((s, i) => [`第${i + 1}条内部备注`, s.staff._id.toHexString()]));
    // The status and the timeline are untouched: notes are not workflow steps.
    expect(stored!.status).toBe('assigned');
    expect(stored!.timeline.map((e) => e.type)).toEqual(['submitted', 'accepted', 'assigned']);
    const view = await request(t.app).get(`/api/admin/letters/${id}`).set(auth(crew.office.token));
    expect(view.body.notes.map((n: { text: string }) => n.text)).toEqual(['第1条内部备注', '第2条内部备注', '第3条内部备注', '第4条内部备注']);
    const audits = await t.models.AuditEntry.find({ action: 'letter.note', targetId: id }).lean();
    expect(audits).toHaveLength(4);
    expect(audits[0].details).toMatchObject({ noteId: stored!.notes![0]._id.toHexString(), status: 'assigned' });
  });

  it('never shows notes to the writer or the public', async () => {
    const { id, writer } = await letterIn('replied', { publicConsent: true });
    expect((await addNote(id, crew.office.token, { text: '来信人情绪激动，答复措辞请谨慎。' })).status).toBe(201);
    await confirmPublicVersion(t, crew, id);
    const mine = await request(t.app).get(`/api/letters/${id}`).set(auth(writer));
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.body)).not.toContain('情绪激动');
    expect(mine.body).not.toHaveProperty('notes');
    const publicView = await request(t.app).get(`/api/letters/public/${id}`);
    expect(publicView.status).toBe(200);
    expect(JSON.stringify(publicView.body)).not.toContain('情绪激动');
  });

  it('answers 404 to a handler of another department and to an unknown letter; 400 for a malformed id', async () => {
    const { id } = await letterIn('assigned');
    expect((await addNote(id, crew.otherHandler.token)).status).toBe(404);
    expect((await addNote(UNKNOWN_ID, crew.office.token)).status).toBe(404);
    const unassigned = await letterIn('accepted');
    expect((await addNote(unassigned.id, crew.handler.token)).status).toBe(404);
    const bad = await addNote('not-an-id', crew.office.token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual({ in: 'params', path: 'id', message: '无效的编号' });
    expect((await t.models.Letter.findById(id).lean())!.notes ?? []).toEqual([]);
  });

  it('validates the text: required, not blank, at most the limit, no other fields', async () => {
    const { id } = await letterIn('submitted');
    const cases: [object, { path: string; message: string }][] = [
      [{}, { path: 'text', message: '请填写备注' }],
      [{ text: '   ' }, { path: 'text', message: '备注至少1个字' }],
      [{ text: '字'.repeat(LETTER_LIMITS.noteMax + 1) }, { path: 'text', message: `备注最多${LETTER_LIMITS.noteMax}个字` }],
      [{ text: '好的', visibleToCitizen: true }, { path: 'visibleToCitizen', message: '不支持的字段：visibleToCitizen' }],
    ];
    for (const [body, issue] of cases) {
      const res = await addNote(id, crew.office.token, body);
      expect({ body, status: res.status, details: res.body.error.details }).toEqual({ body, status: 400, details: [{ in: 'body', ...issue }] });
    }
    expect((await addNote(id, crew.office.token, { text: '字'.repeat(LETTER_LIMITS.noteMax) })).status).toBe(201);
    expect((await t.models.Letter.findById(id).lean())!.notes).toHaveLength(1);
  });

  it('refuses anonymous callers and citizens', async () => {
    const { id, writer } = await letterIn('submitted');
    expect((await request(t.app).post(`/api/admin/letters/${id}/notes`).send({ text: '备注' })).status).toBe(401);
    const citizen = await addNote(id, writer);
    expect(citizen.status).toBe(403);
    expect(citizen.body.error.code).toBe('forbidden');
  });

  it('keeps at most the limit of notes per letter: 409 letter_notes_full after that', async () => {
    const { id } = await letterIn('submitted');
    const filler = Array.from({ length: LETTER_LIMITS.notesMax - 1 }, (_, i) => ({
      _id: new Types.ObjectId(),
      text: `备注${i}`,
      at: new Date(),
      staffId: crew.office.staff._id.toHexString(),
      username: crew.office.staff.username,
      role: 'office',
      departmentName: null,
    }));
    await t.models.Letter.updateOne({ _id: id }, { $push: { notes: { $each: filler } } });
    expect((await addNote(id, crew.office.token)).status).toBe(201);
    const full = await addNote(id, crew.office.token);
    expect(full.status).toBe(409);
    expect(full.body.error).toMatchObject({ code: 'letter_notes_full', details: { max: LETTER_LIMITS.notesMax } });
    expect((await t.models.Letter.findById(id).lean())!.notes).toHaveLength(LETTER_LIMITS.notesMax);
  });
});

describe('POST /api/admin/letters/:id/return-to-office', () => {
  const returnToOffice = (id: string, token = crew.handler.token, body: object = { reason: REASON }) =>
    request(t.app).post(`/api/admin/letters/${id}/return-to-office`).set(auth(token)).send(body);

  it.each(['assigned', 'drafted'] as const)('sends a %s letter back to the office: accepted, no department, deadline unchanged, audited', async (status) => {
    const { id, writer } = await letterIn(status);
    const before = await t.models.Letter.findById(id).lean();
    const res = await returnToOffice(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'accepted', departmentId: null, departmentName: null });
    const after = await t.models.Letter.findById(id).lean();
    expect(after).toMatchObject({ status: 'accepted', departmentId: null, departmentName: null });
    expect(after!.draft).toBeUndefined();
    expect(after!.openDueAt).toEqual(before!.openDueAt);
    expect(after!.replyDeadline).toEqual(before!.replyDeadline);
    expect(after!.timeline.at(-1)).toMatchObject({
      type: 'returned_to_office',
      status: 'accepted',
      actorRole: 'handler',
      actorId: crew.handler.staff._id.toHexString(),
      departmentName: crew.department.name,
      note: REASON,
    });
    const audit = await t.models.AuditEntry.findOne({ action: 'letter.return_to_office', targetId: id }).lean();
    expect(audit!.details).toMatchObject({ from: status, to: 'accepted', reason: REASON, departmentId: crew.department._id.toHexString(), discardedDraft: status === 'drafted' });
    // The handler no longer sees it; the office finds it in its queue and may assign it again.
    expect((await request(t.app).get(`/api/admin/letters/${id}`).set(auth(crew.handler.token))).status).toBe(404);
    const queue = await request(t.app).get('/api/admin/letters?status=accepted&sort=dueAt&limit=100').set(auth(crew.office.token));
    expect(queue.body.items.map((l: { id: string }) => l.id)).toContain(id);
    await act(t, crew.office.token, id, 'assign', { departmentId: crew.otherDepartment._id.toHexString() });
    expect((await t.models.Letter.findById(id).lean())!.departmentName).toBe(crew.otherDepartment.name);
    // The writer sees the step, by the department, without the internal reason.
    const mine = await request(t.app).get(`/api/letters/${id}`).set(auth(writer));
    const step = mine.body.timeline.find((e: { type: string }) => e.type === 'returned_to_office');
    expect(step).toMatchObject({ label: '退回办公室', by: crew.department.name, note: null });
    expect(JSON.stringify(mine.body)).not.toContain(REASON);
  });

  it('requires a reason of 2 to 500 characters', async () => {
    const { id } = await letterIn('assigned');
    const short = await returnToOffice(id, crew.handler.token, { reason: '否' });
    expect(short.status).toBe(400);
    expect(short.body.error.details).toEqual([{ in: 'body', path: 'reason', message: '理由至少2个字' }]);
    const missing = await returnToOffice(id, crew.handler.token, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ in: 'body', path: 'reason', message: '请填写理由' }]);
    expect((await returnToOffice(id, crew.handler.token, { reason: '字'.repeat(501) })).status).toBe(400);
    expect((await t.models.Letter.findById(id).lean())!.status).toBe('assigned');
  });

  it('answers 404 to a handler of another department, leaving the letter as it was', async () => {
    const { id } = await letterIn('assigned');
    expect((await returnToOffice(id, crew.otherHandler.token)).status).toBe(404);
    expect(await t.models.Letter.findById(id).lean()).toMatchObject({ status: 'assigned', departmentId: crew.department._id });
  });
});
