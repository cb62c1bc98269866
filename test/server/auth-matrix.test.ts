/**
 * Who may call the admin endpoints: 401 without a valid token, 403 for every role but admin and
 * for citizens. The list is checked against the OpenAPI document so a new admin route cannot
 * slip through untested.
 */
import request from 'supertest';
import { DEFAULT_LETTER_SETTINGS } from '../../shared/letters';
import type { StaffRole } from '../../shared/staff';
import { auth, createTestApp, type TestApp } from '../support/app';

let t: TestApp;
const tokens: Partial<Record<StaffRole | 'citizen', string>> = {};
const SOME_ID = '0123456789abcdef01234567';

/** Every admin-only endpoint, with a body that would be valid. */
const ADMIN_ONLY: [method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, body?: object][] = [
  ['get', '/api/admin/staff'],
  ['post', '/api/admin/staff', { username: 'matrix.user', displayName: '测试', role: 'office', password: 'long-enough-pass' }],
  ['get', `/api/admin/staff/${SOME_ID}`],
  ['patch', `/api/admin/staff/${SOME_ID}`, { displayName: '改名' }],
  ['post', `/api/admin/staff/${SOME_ID}/reset-password`, { password: 'long-enough-pass' }],
  // GET /api/admin/departments: admin and office (admin-departments.test.ts).
  ['post', '/api/admin/departments', { name: '矩阵测试部门' }],
  ['get', `/api/admin/departments/${SOME_ID}`],
  ['patch', `/api/admin/departments/${SOME_ID}`, { name: '改名部门' }],
  ['delete', `/api/admin/departments/${SOME_ID}`],
  ['get', '/api/admin/audit'],
  ['put', '/api/admin/letters/settings', DEFAULT_LETTER_SETTINGS],
  ['post', '/api/admin/categories', { key: 'matrix', name: '矩阵测试类别' }],
  ['patch', `/api/admin/categories/${SOME_ID}`, { name: '改名类别' }],
  ['delete', `/api/admin/categories/${SOME_ID}`],
  ['post', `/api/admin/staff/${SOME_ID}/unlock`],
  ['get', `/api/admin/users/${SOME_ID}`],
  ['post', `/api/admin/users/${SOME_ID}/block`, { reason: '矩阵测试' }],
  ['post', `/api/admin/users/${SOME_ID}/unblock`],
];

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ['admin', 'office', 'handler', 'reviewer'] as const) tokens[role] = await t.staffToken(role);
  tokens.citizen = await t.citizenToken('matrix');
});
afterAll(() => t.close());

function call(method: string, path: string, body?: object) {
  const r = request(t.app)[method as 'get'](path);
  return body ? r.send(body) : r;
}

describe('admin endpoints', () => {
  it('covers every documented admin-only operation', () => {
    const paths = t.built.openapi.paths as Record<string, Record<string, { 'x-staff-roles'?: string[] }>>;
    const documented = Object.entries(paths)
      .flatMap(([p, ops]) => Object.entries(ops).filter(([, op]) => op['x-staff-roles']?.join() === 'admin').map(([m]) => `${m} ${p}`))
      .sort();
    const tested = ADMIN_ONLY.map(([m, p]) => `${m} ${p.replace(SOME_ID, '{id}')}`).sort();
    expect(tested).toEqual(documented);
  });

  describe.each(ADMIN_ONLY)('%s %s', (method, path, body) => {
    it('answers 401 unauthorized without a token', async () => {
      const res = await call(method, path, body);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });

    it('answers 401 unauthorized with a malformed token', async () => {
      const res = await call(method, path, body).set('Authorization', 'Bearer not.a.token');
      expect(res.status).toBe(401);
    });

    it.each(['office', 'handler', 'reviewer', 'citizen'] as const)('answers 403 forbidden to %s', async (who) => {
      const res = await call(method, path, body).set(auth(tokens[who]!));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    });

    it('lets an admin through', async () => {
      const res = await call(method, path, body).set(auth(tokens.admin!));
      expect([200, 201, 204, 404]).toContain(res.status);
    });
  });
});
