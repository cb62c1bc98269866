/**
 * Policy-reading test helpers: valid policy and interpretation input, a crew of staff (office,
 * reviewer, admin, a handler in each of two departments), and drivers that walk a policy or an
 * interpretation through the review workflow over HTTP, so tests start from any state the real
 * routes can reach.
 */
import request from 'supertest';
import type { InterpretationCreate, PolicyCreate, PolicyStatus } from '../../shared/policies';
import type { DepartmentDoc } from '../../server/src/modules/department/department.model';
import { auth, type TestApp, type TestStaff } from './app';
import { nextSeq } from './factories';
import { pdfBytes, pngBytes, upload } from './platform-factories';
import { CLOCK_MOVING_TEST_ENV, cst } from './time';

/**
 * Environment of policy test apps: write limits lifted, tokens as long-lived as the configuration
 * allows (staff 30 days): tests that move the clock further issue tokens after moving it.
 */
export const POLICY_TEST_ENV: Record<string, string> = { ...CLOCK_MOVING_TEST_ENV };

/** An instant given as China Standard Time wall-clock time: `cstAt('2026-09-30T10:00')`. */
export const cstAt = cst;

/** Valid `POST /api/admin/policies` input for a 规范性文件 with a unique title and 文号. */
export function buildPolicy(overrides: Partial<PolicyCreate> = {}): PolicyCreate {
  const n = nextSeq();
  return {
    title: `关于进一步加强城市社区养老服务工作的实施意见（第${n}号）`,
    documentNumber: `县府办发〔2026〕${n}号`,
    issuingBody: '县人民政府办公室',
    category: 'normative',
    catalog: { summary: '明确社区养老服务设施建设、运营补贴和监管要求。' },
    body: `<p>各乡镇人民政府，县政府各部门：</p><p>为进一步加强城市社区养老服务工作（${n}），现提出如下意见。</p>`,
    ...overrides,
  };
}

/** Valid `POST /api/admin/interpretations` input (a text interpretation). */
export function buildInterpretation(policyId: string, overrides: Partial<InterpretationCreate> = {}): InterpretationCreate {
  return {
    policyId,
    kind: 'text',
    title: `《实施意见》政策解读${nextSeq()}`,
    body: '<h2>一、出台背景</h2><p>为落实国家关于养老服务体系建设的部署，制定本意见。</p>',
    author: '县民政局',
    source: '县人民政府办公室',
    ...overrides,
  };
}

/** The staff of the workflow. */
export interface PolicyCrew {
  office: TestStaff;
  reviewer: TestStaff;
  admin: TestStaff;
  department: DepartmentDoc;
  handler: TestStaff;
  otherDepartment: DepartmentDoc;
  otherHandler: TestStaff;
}

export async function createPolicyCrew(t: TestApp): Promise<PolicyCrew> {
  const department = await t.createDepartment({ name: `县民政局${nextSeq()}` });
  const otherDepartment = await t.createDepartment({ name: `县财政局${nextSeq()}` });
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

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies read field by field

/** Creates a draft as the office (in the crew's department) and returns the 201 body. */
export async function createPolicyDraft(t: TestApp, crew: PolicyCrew, overrides: Partial<PolicyCreate> = {}, token = crew.office.token): Promise<Json> {
  const input = { departmentId: crew.department._id.toHexString(), ...buildPolicy(overrides) };
  const res = await request(t.app).post('/api/admin/policies').set(auth(token)).send(input);
  if (res.status !== 201) throw new Error(`creating a policy answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

/** One workflow step over HTTP on `/api/admin/<kind>/:id/<action>`; throws unless it answers 200. */
export async function step(t: TestApp, token: string, kind: 'policies' | 'interpretations', id: string, action: string, body: object = {}): Promise<Json> {
  const res = await request(t.app).post(`/api/admin/${kind}/${id}/${action}`).set(auth(token)).send(body);
  if (res.status !== 200) throw new Error(`${kind} ${action} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

/** The approval body with a confidentiality review. */
export const APPROVAL = { confidentialityReview: { result: 'no_secrets', note: '经审查，不涉及国家秘密' } } as const;

const PATH: PolicyStatus[] = ['draft', 'in_review', 'approved', 'published'];

/** Walks a draft forward to `to` (or to `returned` through review). */
export async function drive(
  t: TestApp,
  crew: PolicyCrew,
  kind: 'policies' | 'interpretations',
  id: string,
  to: PolicyStatus,
  publishBody: object = {},
): Promise<Json | null> {
  if (to === 'returned') {
    await step(t, crew.office.token, kind, id, 'submit');
    return step(t, crew.reviewer.token, kind, id, 'return', { reason: '请补充政策依据' });
  }
  const steps: Record<string, () => Promise<Json | null>> = {
    draft: async () => null,
    in_review: () => step(t, crew.office.token, kind, id, 'submit'),
    approved: () => step(t, crew.reviewer.token, kind, id, 'approve', APPROVAL),
    published: () => step(t, crew.office.token, kind, id, 'publish', publishBody),
  };
  let last: Json | null = null;
  for (const s of PATH.slice(1, PATH.indexOf(to) + 1)) last = await steps[s]();
  return last;
}

/** A policy in `status` (created by the office in the crew's department). */
export async function policyIn(t: TestApp, crew: PolicyCrew, status: PolicyStatus, overrides: Partial<PolicyCreate> = {}, publishBody: object = {}): Promise<string> {
  const { id } = await createPolicyDraft(t, crew, overrides);
  await drive(t, crew, 'policies', id as string, status, publishBody);
  return id as string;
}

/** Creates an interpretation draft as the office and returns the 201 body. */
export async function createInterpretationDraft(t: TestApp, crew: PolicyCrew, policyId: string, overrides: Partial<InterpretationCreate> = {}): Promise<Json> {
  const res = await request(t.app).post('/api/admin/interpretations').set(auth(crew.office.token)).send(buildInterpretation(policyId, overrides));
  if (res.status !== 201) throw new Error(`creating an interpretation answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

/** An interpretation of `policyId` in `status`. */
export async function interpretationIn(t: TestApp, crew: PolicyCrew, policyId: string, status: PolicyStatus, overrides: Partial<InterpretationCreate> = {}, publishBody: object = {}): Promise<string> {
  const { id } = await createInterpretationDraft(t, crew, policyId, overrides);
  await drive(t, crew, 'interpretations', id as string, status, publishBody);
  return id as string;
}

/** Uploads a small PNG (or PDF) as `token` and returns its id. */
export async function uploadFile(t: TestApp, token: string, kind: 'png' | 'pdf' = 'png'): Promise<string> {
  const res = kind === 'png' ? await upload(t, token, pngBytes(), 'chart.png') : await upload(t, token, pdfBytes(), '原文.pdf');
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}
