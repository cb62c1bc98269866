/**
 * 找错 test helpers: valid report input with a unique URL, a crew of staff (office, admin,
 * reviewer, a handler in each of two departments), and drivers that submit, forward and reply
 * over HTTP so tests start from any state the real routes can reach.
 */
import request from 'supertest';
import type { ErrorReportCreate, ErrorReportResult } from '../../shared/error-reports';
import type { DepartmentDoc } from '../../server/src/modules/department/department.model';
import { auth, type TestApp, type TestStaff } from './app';
import { nextSeq } from './factories';
import { CLOCK_MOVING_TEST_ENV, cst } from './time';

/**
 * Environment of 找错 test apps: per-minute write limits lifted (tests submit far more than a
 * person), and tokens that outlive the clock moves of deadline tests.
 */
export const ERROR_REPORT_TEST_ENV: Record<string, string> = { ...CLOCK_MOVING_TEST_ENV };

export { cst };

/** A URL on a county site, unique per call unless a path is given. */
export function siteUrl(path = `/xxgk/${nextSeq()}.html`): string {
  return `https://www.example-county.gov.cn${path}`;
}

/** Valid `POST /api/error-reports` input about a fresh page. */
export function buildErrorReport(overrides: Partial<ErrorReportCreate> = {}): ErrorReportCreate {
  return {
    url: siteUrl(),
    errorType: 'broken_link',
    description: '页面上“办事指南”的链接打开后显示404，无法访问。',
    ...overrides,
  };
}

/** Staff for the workflow. */
export interface ErrorReportCrew {
  office: TestStaff;
  admin: TestStaff;
  reviewer: TestStaff;
  department: DepartmentDoc;
  handler: TestStaff;
  otherDepartment: DepartmentDoc;
  otherHandler: TestStaff;
}

export async function createCrew(t: TestApp): Promise<ErrorReportCrew> {
  const department = await t.createDepartment({ name: `县数据局${nextSeq()}` });
  const otherDepartment = await t.createDepartment({ name: `县教育局${nextSeq()}` });
  return {
    office: await t.createStaff({ role: 'office' }),
    admin: await t.createStaff({ role: 'admin' }),
    reviewer: await t.createStaff({ role: 'reviewer' }),
    department,
    handler: await t.createStaff({ role: 'handler', departmentId: department._id }),
    otherDepartment,
    otherHandler: await t.createStaff({ role: 'handler', departmentId: otherDepartment._id }),
  };
}

/**
 * Sets the test clock to a CST wall-clock time and re-issues the crew's tokens at that time, so
 * deadline tests can move across months (staff tokens live at most 30 days).
 */
export function setClock(t: TestApp, crew: ErrorReportCrew, local: string): void {
  t.clock.set(cst(local));
  for (const member of [crew.office, crew.admin, crew.reviewer, crew.handler, crew.otherHandler]) {
    member.token = t.services.auth.issueStaffToken(member.staff).token;
  }
}

/** Submits a report and returns its id (fails the test unless the answer is 201). */
export async function submitReport(t: TestApp, citizenToken: string, overrides: Partial<ErrorReportCreate> = {}): Promise<string> {
  const res = await request(t.app).post('/api/error-reports').set(auth(citizenToken)).send(buildErrorReport(overrides));
  if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Forwards report `id` to `departmentId` as `office` (fails unless 200). */
export async function forwardReport(t: TestApp, office: TestStaff, id: string, departmentId: string): Promise<void> {
  const res = await request(t.app).post(`/api/admin/error-reports/${id}/forward`).set(auth(office.token)).send({ departmentId });
  if (res.status !== 200) throw new Error(`forward answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** Replies to report `id` as `staff` (fails unless 200). */
export async function replyReport(t: TestApp, staff: TestStaff, id: string, result: ErrorReportResult = 'fixed', message = '链接已修复，感谢您的反馈。'): Promise<void> {
  const res = await request(t.app).post(`/api/admin/error-reports/${id}/reply`).set(auth(staff.token)).send({ result, message });
  if (res.status !== 200) {
    // The server's last error line says why (a 500 has only the generic message).
    const errors = t.logs.filter((l) => Number(l.level) >= 50).slice(-1);
    throw new Error(`reply answered ${res.status}: ${JSON.stringify(res.body)} ${JSON.stringify(errors)}`);
  }
}
