/**
 * Supervision-statistics test helpers: one staff crew usable by every channel's drivers, a clock
 * mover that re-signs the crew, and {@link seedAutumn2026}, which walks real cases of all four
 * channels through their own HTTP APIs from September to November 2026 — across 国庆 (10-01…10-07)
 * and the 调休 Saturday 10-10 — so on-time and overdue follow from working days.
 */
import request from 'supertest';
import type { DepartmentDoc } from '../../server/src/modules/department/department.model';
import { auth, type TestApp, type TestStaff } from './app';
import { buildConsultation, closeNow, createOpen, opinionsOf, respond, standardAnswers } from './consultation-factories';
import { forwardReport, replyReport, siteUrl, submitReport } from './error-report-factories';
import { act, submitLetter } from './letter-factories';
import { interpretationIn, policyIn, step } from './policy-factories';
import { CLOCK_MOVING_TEST_ENV, cst } from './time';

/**
 * Write limits lifted (the scenario writes far more than a person), citizen tokens that outlive
 * the scenario (90 days); staff tokens last 30 days, so {@link at} re-signs the crew.
 */
export const STATS_TEST_ENV: Record<string, string> = { ...CLOCK_MOVING_TEST_ENV };

export { cst };

/**
 * Staff for every channel (the shape the letter, 找错 and policy drivers take): office, reviewer,
 * admin, and a handler in each of two departments.
 */
export interface StatsCrew {
  office: TestStaff;
  reviewer: TestStaff;
  admin: TestStaff;
  department: DepartmentDoc;
  handler: TestStaff;
  otherDepartment: DepartmentDoc;
  otherHandler: TestStaff;
}

/** A crew with departments named `names` (default 县交通运输局 and 县住房和城乡建设局). */
export async function createStatsCrew(t: TestApp, names: [string, string] = ['县交通运输局', '县住房和城乡建设局']): Promise<StatsCrew> {
  const department = await t.createDepartment({ name: names[0] });
  const otherDepartment = await t.createDepartment({ name: names[1] });
  return {
    office: await t.createStaff({ role: 'office' }),
    reviewer: await t.createStaff({ role: 'reviewer' }),
    admin: await t.createStaff({ role: 'admin' }),
    department,
    handler: await t.createStaff({ role: 'handler', departmentId: department._id }),
    otherDepartment,
    otherHandler: await t.createStaff({ role: 'handler', departmentId: otherDepartment._id }),
  };
}

/** Sets the clock to a CST wall-clock time and re-signs the crew (and any extra staff) at that time. */
export function at(t: TestApp, crew: StatsCrew, local: string, extra: TestStaff[] = []): void {
  t.clock.set(cst(local));
  for (const member of [crew.office, crew.reviewer, crew.admin, crew.handler, crew.otherHandler, ...extra]) {
    member.token = t.services.auth.issueStaffToken(member.staff).token;
  }
}

/** A letter accepted and assigned to `departmentId` by the office, now. */
export async function acceptAndAssign(t: TestApp, crew: StatsCrew, id: string, departmentId: string): Promise<void> {
  await act(t, crew.office.token, id, 'accept');
  await act(t, crew.office.token, id, 'assign', { departmentId });
}

/** Drafts (as `handler`), approves and sends the reply of an assigned letter, now. */
export async function replyLetter(t: TestApp, crew: StatsCrew, id: string, handler: TestStaff): Promise<void> {
  await act(t, handler.token, id, 'draft', { reply: '您好，您反映的问题已办理，感谢您的关注。' });
  await act(t, crew.reviewer.token, id, 'approve');
  await act(t, crew.office.token, id, 'send');
}

/** Rates the reply of letter `id` as its writer. */
export async function rateLetter(t: TestApp, citizenToken: string, id: string, score: number): Promise<void> {
  const res = await request(t.app).post(`/api/letters/${id}/rating`).set(auth(citizenToken)).send({ score });
  if (res.status !== 200) throw new Error(`rating answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** Decides every opinion of a closed consultation and publishes the adoption report, now. */
export async function publishFeedback(t: TestApp, officeToken: string, id: string): Promise<void> {
  for (const op of await opinionsOf(t, officeToken, id)) {
    const res = await request(t.app)
      .post(`/api/admin/consultations/${id}/opinions/${op.id}/decision`)
      .set(auth(officeToken))
      .send({ result: 'adopted', reason: '意见合理，予以采纳' });
    if (res.status !== 200) throw new Error(`decision answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const res = await request(t.app).post(`/api/admin/consultations/${id}/feedback/publish`).set(auth(officeToken)).send({ summary: '本次征集意见均予以采纳。' });
  if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** What {@link seedAutumn2026} made. */
export interface AutumnScenario {
  crew: StatsCrew;
  /** Department A (县交通运输局) and B (县住房和城乡建设局) ids. */
  a: string;
  b: string;
  /** The mailbox writer (for personal-data checks). */
  writerName: string;
}

/**
 * Real cases of every channel, September to November 2026; the clock ends at 2026-11-20 10:00.
 *
 * Mailbox (accept 2, reply 15 working days):
 * - L1 09-29 → A, replied 10-09 (due 10-26: on time; 3 working days: 09-30, 10-08, 10-09), rated 5 on 10-10
 * - L2 09-30 → A, replied 10-28 (due 10-27: late; 16 working days), rated 2 on 10-29
 * - L3 10-09 → B, never replied (due 10-29: overdue now)
 * - L4 10-12 rejected by the office (handled, no department)
 * - L5 10-20 → A, replied 10-30 (due 11-10: on time; 8 working days), rated 4 on 11-02 (November)
 * - L6 11-03 never accepted (accept due 11-05: overdue now, no department)
 *
 * 找错 (forward 1, reply 3 working days from submission):
 * - E1 09-30 → A 10-08 (due 10-08), replied 10-09 (due 10-10: on time; 2 working days)
 * - E2 10-09 → B 10-12 (due Saturday 10-10, a 调休 working day: late), replied 10-14 (due 10-13: late; 4)
 * - E3 10-12 never forwarded (overdue now); E4 10-13 a duplicate of E3 (received only)
 * - E5 10-26 → A 10-26, replied by the office 10-27 (due 10-29: on time; 1)
 *
 * 意见征集 (adoption report due one calendar month after closing):
 * - C1 (A) opened 09-01, 2 opinions 09-02, closed 09-25, report 10-09 (due 10-25: on time; 5 working days)
 * - C2 (B) opened 09-14, 1 opinion 09-15 and 3 on 10-12, closed 10-15, no report (due 11-15: overdue now)
 *
 * 政策解读 (规范性文件, interpretation due 3 working days after publication):
 * - P1 (A) published 09-30, interpreted 10-09 (due 10-10: on time; 2 working days)
 * - P2 (B) published 10-12, interpreted 10-19 (due 10-15: late; 5)
 * - P3 (A) published 10-20, never interpreted (due 10-23: overdue now)
 */
export async function seedAutumn2026(t: TestApp): Promise<AutumnScenario> {
  t.clock.set(cst('2026-09-01T09:00'));
  const crew = await createStatsCrew(t);
  const a = crew.department._id.toHexString();
  const b = crew.otherDepartment._id.toHexString();
  const writerName = 'stats-writer';
  const writer = await t.citizenToken(writerName);
  const reporter = await t.citizenToken('stats-reporter');
  const secondReporter = await t.citizenToken('stats-reporter-2');
  const citizen = (n: number) => t.citizenToken(`stats-respondent-${n}`);

  // ---- September
  at(t, crew, '2026-09-01T10:00');
  const c1 = await createOpen(t, crew.office.token, buildConsultation(t.clock.now(), { departmentId: a, endAt: '2026-09-30T18:00:00+08:00' }));
  at(t, crew, '2026-09-02T10:00');
  for (const n of [1, 2]) expectCreated(await respond(t, await citizen(n), c1, standardAnswers()));
  at(t, crew, '2026-09-14T10:00');
  const c2 = await createOpen(t, crew.office.token, buildConsultation(t.clock.now(), { departmentId: b, endAt: '2026-10-16T18:00:00+08:00' }));
  at(t, crew, '2026-09-15T10:00');
  expectCreated(await respond(t, await citizen(3), c2, standardAnswers()));
  at(t, crew, '2026-09-25T10:00');
  await closeNow(t, crew.office.token, c1);

  at(t, crew, '2026-09-29T10:00');
  const l1 = (await submitLetter(t, writer)).id;
  await acceptAndAssign(t, crew, l1, a);
  at(t, crew, '2026-09-30T10:00');
  const l2 = (await submitLetter(t, writer)).id;
  await acceptAndAssign(t, crew, l2, a);
  const e1 = await submitReport(t, reporter);
  const p1 = await policyIn(t, crew, 'published');
  const p1i = await interpretationIn(t, crew, p1, 'approved');

  // ---- October (国庆 10-01…10-07; Saturday 10-10 is a working day)
  at(t, crew, '2026-10-08T10:00');
  await forwardReport(t, crew.office, e1, a);
  at(t, crew, '2026-10-09T10:00');
  await replyLetter(t, crew, l1, crew.handler);
  await replyReport(t, crew.handler, e1);
  await step(t, crew.office.token, 'interpretations', p1i, 'publish');
  await publishFeedback(t, crew.office.token, c1);
  const l3 = (await submitLetter(t, writer)).id;
  await acceptAndAssign(t, crew, l3, b);
  const e2 = await submitReport(t, reporter);
  at(t, crew, '2026-10-10T10:00');
  await rateLetter(t, writer, l1, 5);
  at(t, crew, '2026-10-12T10:00');
  const l4 = (await submitLetter(t, writer)).id;
  await act(t, crew.office.token, l4, 'reject', { reason: '不属于本信箱受理范围' });
  await forwardReport(t, crew.office, e2, b);
  const duplicatedUrl = siteUrl('/xxgk/tzgg/2026-10.html');
  await submitReport(t, reporter, { url: duplicatedUrl });
  for (const n of [4, 5, 6]) expectCreated(await respond(t, await citizen(n), c2, standardAnswers()));
  const p2 = await policyIn(t, crew, 'published', { departmentId: b });
  const p2i = await interpretationIn(t, crew, p2, 'approved');
  at(t, crew, '2026-10-13T10:00');
  await submitReport(t, secondReporter, { url: duplicatedUrl });
  at(t, crew, '2026-10-14T10:00');
  await replyReport(t, crew.otherHandler, e2);
  at(t, crew, '2026-10-15T10:00');
  await closeNow(t, crew.office.token, c2);
  at(t, crew, '2026-10-19T10:00');
  await step(t, crew.office.token, 'interpretations', p2i, 'publish');
  at(t, crew, '2026-10-20T10:00');
  const l5 = (await submitLetter(t, writer)).id;
  await acceptAndAssign(t, crew, l5, a);
  await policyIn(t, crew, 'published');
  at(t, crew, '2026-10-26T10:00');
  const e5 = await submitReport(t, reporter);
  await forwardReport(t, crew.office, e5, a);
  at(t, crew, '2026-10-27T10:00');
  await replyReport(t, crew.office, e5);
  at(t, crew, '2026-10-28T10:00');
  await replyLetter(t, crew, l2, crew.handler);
  at(t, crew, '2026-10-29T10:00');
  await rateLetter(t, writer, l2, 2);
  at(t, crew, '2026-10-30T10:00');
  await replyLetter(t, crew, l5, crew.handler);

  // ---- November
  at(t, crew, '2026-11-02T10:00');
  await rateLetter(t, writer, l5, 4);
  at(t, crew, '2026-11-03T10:00');
  await submitLetter(t, writer);
  at(t, crew, '2026-11-20T10:00');
  return { crew, a, b, writerName };
}

function expectCreated(res: request.Response): void {
  if (res.status !== 201) throw new Error(`answering a consultation answered ${res.status}: ${JSON.stringify(res.body)}`);
}
