/**
 * The BFF's HTTP API as the browser tests use it: seeding staff and content through the admin
 * routes (never the database), driving the staff side of a workflow, and reading server state to
 * assert on. Answers are parsed with the shared zod schemas, so a shape change fails here too.
 */
import type { z } from 'zod';
import { CitizenLoginResponseSchema } from '../../../shared/auth';
import { DepartmentViewSchema } from '../../../shared/departments';
import { StaffLoginResponseSchema, StaffViewSchema, type StaffRole } from '../../../shared/staff';
import { E2E_ADMIN } from './bff';

/** The BFF's origin (set by the global setup). */
export function bffUrl(): string {
  const url = process.env.E2E_BFF_URL;
  if (!url) throw new Error('E2E_BFF_URL is not set: run the browser tests with jest.e2e.config.js (its global setup starts the BFF)');
  return url;
}

/** A non-2xx answer, with the server's error body. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'ApiCallError';
  }
}

/** Options of {@link call}. */
export interface CallOptions {
  token?: string;
  body?: unknown;
}

/** One raw call: status and parsed JSON body (undefined when empty). */
export async function rawCall(method: string, path: string, options: CallOptions = {}): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${bffUrl()}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Calls the API and parses a 2xx answer with `schema`; throws {@link ApiCallError} otherwise. */
export async function call<S extends z.ZodType>(method: string, path: string, schema: S, options: CallOptions = {}): Promise<z.output<S>> {
  const { status, body } = await rawCall(method, path, options);
  if (status < 200 || status >= 300) throw new ApiCallError(status, body, `${method} ${path}`);
  return schema.parse(body);
}

/** Signs a citizen in with the dev code `dev:<name>` (the same user the H5 app signs in as). */
export async function citizenToken(name: string): Promise<string> {
  return (await call('POST', '/api/auth/wechat', CitizenLoginResponseSchema, { body: { code: `dev:${name}` } })).token;
}

/** Signs a staff account in. */
export async function staffLogin(username: string, password: string): Promise<string> {
  return (await call('POST', '/api/admin/auth/login', StaffLoginResponseSchema, { body: { username, password } })).token;
}

/** A token of the first admin (created by the BFF from ADMIN_USERNAME/ADMIN_PASSWORD). */
export function adminToken(): Promise<string> {
  return staffLogin(E2E_ADMIN.username, E2E_ADMIN.password);
}

let seq = 0;
/** Unique within the run (names, usernames): the BFF's database lives for the whole run. */
export function uniqueSuffix(): string {
  seq += 1;
  return `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${seq}`;
}

/** Creates a department through the admin API; returns its id. */
export async function createDepartment(admin: string, name: string): Promise<string> {
  return (await call('POST', '/api/admin/departments', DepartmentViewSchema, { token: admin, body: { name, description: '浏览器测试创建的承办部门' } })).id;
}

const STAFF_PASSWORD = 'E2e-Staff-Password-42';

/** Creates a staff account through the admin API and signs it in; returns its token. */
export async function createStaff(admin: string, role: StaffRole, displayName: string, departmentId: string | null = null): Promise<string> {
  const username = `e2e-${role}-${uniqueSuffix()}`;
  await call('POST', '/api/admin/staff', StaffViewSchema, { token: admin, body: { username, displayName, role, departmentId, password: STAFF_PASSWORD } });
  return staffLogin(username, STAFF_PASSWORD);
}

/** The staff of a workflow: 办公室, 分管领导, and a handler (承办人员) of one department. */
export interface Crew {
  admin: string;
  office: string;
  reviewer: string;
  handler: string;
  departmentId: string;
  departmentName: string;
}

/**
 * Creates a department and the staff of a workflow, all through the admin API. Department names
 * are unique: each test file uses its own (the database lives for the whole run).
 */
export async function createCrew(departmentName: string): Promise<Crew> {
  const admin = await adminToken();
  const name = departmentName;
  const departmentId = await createDepartment(admin, name);
  return {
    admin,
    office: await createStaff(admin, 'office', '办公室李静'),
    reviewer: await createStaff(admin, 'reviewer', '分管领导赵强'),
    handler: await createStaff(admin, 'handler', '承办人王芳', departmentId),
    departmentId,
    departmentName: name,
  };
}
