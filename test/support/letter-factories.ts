/**
 * Mailbox test helpers: valid letter input, a crew of staff (office, reviewer, admin, a handler in
 * each of two departments), and a driver that walks a letter through the workflow over HTTP so
 * tests start from any state the real routes can reach.
 */
import request from 'supertest';
import { DEFAULT_LETTER_SETTINGS, type LetterCreate, type LetterSettings, type LetterStatus } from '../../shared/letters';
import type { DepartmentDoc } from '../../server/src/modules/department/department.model';
import { auth, type TestApp, type TestStaff } from './app';
import { nextSeq } from './factories';
import { CLOCK_MOVING_TEST_ENV } from './time';

/**
 * Environment of mailbox test apps: the platform's per-minute write limits are lifted (tests
 * write far more than a person; the mailbox's own daily cap is tested through its setting), and
 * tokens outlive the clock moves of deadline tests.
 */
export const LETTER_TEST_ENV: Record<string, string> = { ...CLOCK_MOVING_TEST_ENV };

export { cst } from './time';

/**
 * Saves the defaults with `patch` through the admin route (a new admin account is made for it).
 * Tests whose citizens write many letters raise the daily cap with `{ submissionsPerDay: 100 }`.
 */
export async function useLetterSettings(t: TestApp, patch: Partial<LetterSettings>): Promise<void> {
  const admin = await t.createStaff({ role: 'admin' });
  const res = await request(t.app).put('/api/admin/letters/settings').set(auth(admin.token)).send({ ...DEFAULT_LETTER_SETTINGS, ...patch });
  if (res.status !== 200) throw new Error(`saving the settings answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** Valid `POST /api/letters` input; the subject is unique so letters never count as repeats. */
export function buildLetter(overrides: Partial<LetterCreate> = {}): LetterCreate {
  const n = nextSeq();
  return {
    category: 'consult',
    subject: `关于小区停车位规划的咨询${n}`,
    content: `请问我们小区周边新增的停车位什么时候可以投入使用？编号${n}。`,
    publicConsent: false,
    ...overrides,
  };
}

/** Staff for the workflow: office, reviewer, admin and a handler in each of two departments. */
export interface LetterCrew {
  office: TestStaff;
  reviewer: TestStaff;
  admin: TestStaff;
  department: DepartmentDoc;
  handler: TestStaff;
  otherDepartment: DepartmentDoc;
  otherHandler: TestStaff;
}

export async function createCrew(t: TestApp): Promise<LetterCrew> {
  const department = await t.createDepartment({ name: `县住房和城乡建设局${nextSeq()}` });
  const otherDepartment = await t.createDepartment({ name: `县交通运输局${nextSeq()}` });
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

/** Submits a letter and returns the 201 body (fails the test on any other status). */
export async function submitLetter(t: TestApp, token: string, overrides: Partial<LetterCreate> = {}): Promise<{ id: string; trackingNo: string } & Record<string, unknown>> {
  const res = await request(t.app).post('/api/letters').set(auth(token)).send(buildLetter(overrides));
  if (res.status !== 201) throw new Error(`submitting a letter answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; trackingNo: string };
}

const PATH: LetterStatus[] = ['submitted', 'accepted', 'assigned', 'drafted', 'approved', 'replied', 'rated'];

/** One workflow step over HTTP; throws unless it answers 200. */
export async function act(t: TestApp, token: string, letterId: string, action: string, body: object = {}): Promise<Record<string, unknown>> {
  const res = await request(t.app).post(`/api/admin/letters/${letterId}/${action}`).set(auth(token)).send(body);
  if (res.status !== 200) throw new Error(`${action} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

/**
 * Walks a submitted letter forward to `to` along the usual path (accept → assign to the crew's
 * department → draft → approve → send → rate `score`), or to `rejected`.
 */
export async function driveLetter(
  t: TestApp,
  crew: LetterCrew,
  letterId: string,
  to: LetterStatus,
  options: { citizenToken?: string; score?: number } = {},
): Promise<void> {
  if (to === 'rejected') {
    await act(t, crew.office.token, letterId, 'reject', { reason: '不属于本信箱受理范围' });
    return;
  }
  const steps: Record<LetterStatus, () => Promise<unknown>> = {
    submitted: async () => undefined,
    accepted: () => act(t, crew.office.token, letterId, 'accept'),
    assigned: () => act(t, crew.office.token, letterId, 'assign', { departmentId: crew.department._id.toHexString() }),
    drafted: () => act(t, crew.handler.token, letterId, 'draft', { reply: '您好，该停车位预计下月投入使用，感谢您的关注。' }),
    approved: () => act(t, crew.reviewer.token, letterId, 'approve'),
    replied: () => act(t, crew.office.token, letterId, 'send'),
    rated: async () => {
      if (!options.citizenToken) throw new Error('rating needs the citizen token');
      const res = await request(t.app)
        .post(`/api/letters/${letterId}/rating`)
        .set(auth(options.citizenToken))
        .send({ score: options.score ?? 5 });
      if (res.status !== 200) throw new Error(`rating answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    rejected: async () => undefined,
  };
  for (const status of PATH.slice(1, PATH.indexOf(to) + 1)) await steps[status]();
}

/**
 * Confirms a replied letter's public version as the office (公开前审核): the masked proposal,
 * with `edits` applied. Letters appear in the public list only after this.
 */
export async function confirmPublicVersion(
  t: TestApp,
  crew: Pick<LetterCrew, 'office'>,
  letterId: string,
  edits: Partial<{ subject: string; content: string; reply: string; followUp: { content: string; reply: string } | null }> = {},
): Promise<Record<string, unknown>> {
  const proposal = await request(t.app).get(`/api/admin/letters/${letterId}/public-version`).set(auth(crew.office.token));
  if (proposal.status !== 200) throw new Error(`reading the public version answered ${proposal.status}: ${JSON.stringify(proposal.body)}`);
  const { subject, content, reply, followUp } = proposal.body as { subject: string; content: string; reply: string; followUp: unknown };
  const res = await request(t.app)
    .post(`/api/admin/letters/${letterId}/public-version`)
    .set(auth(crew.office.token))
    .send({ subject, content, reply, followUp, ...edits });
  if (res.status !== 200) throw new Error(`confirming the public version answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}
