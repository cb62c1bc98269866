/** Department management by admins: responses, stored documents and audit entries. */
import request from 'supertest';
import { auth, createTestApp, type TestApp, type TestStaff } from '../support/app';
import { buildDepartment } from '../support/factories';

let t: TestApp;
let admin: TestStaff;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.createStaff({ role: 'admin' });
});
afterAll(() => t.close());

const audits = (action: string, targetId: string) => t.models.AuditEntry.find({ action, targetId }).lean();

describe('departments', () => {
  it('creates, reads, renames and deletes a department, auditing each change', async () => {
    const input = buildDepartment();
    const created = await request(t.app).post('/api/admin/departments').set(auth(admin.token)).send(input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: input.name, description: input.description });
    const id: string = created.body.id;
    expect(await t.models.Department.findById(id).lean()).toMatchObject({ name: input.name });

    const read = await request(t.app).get(`/api/admin/departments/${id}`).set(auth(admin.token));
    expect(read.body).toEqual(created.body);

    const renamed = await request(t.app).patch(`/api/admin/departments/${id}`).set(auth(admin.token)).send({ name: '县数据资源局' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('县数据资源局');

    const deleted = await request(t.app).delete(`/api/admin/departments/${id}`).set(auth(admin.token));
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(await t.models.Department.findById(id).lean()).toBeNull();

    expect(await audits('department.create', id)).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: admin.id }), details: { name: input.name } })]);
    expect(await audits('department.update', id)).toEqual([
      expect.objectContaining({ details: { changes: { name: { from: input.name, to: '县数据资源局' } } } }),
    ]);
    expect(await audits('department.delete', id)).toHaveLength(1);
  });

  it('lists departments by name', async () => {
    await t.createDepartment({ name: '乙部门' });
    await t.createDepartment({ name: '甲部门' });
    const res = await request(t.app).get('/api/admin/departments').set(auth(admin.token));
    const names: string[] = res.body.items.map((d: { name: string }) => d.name);
    expect(names).toEqual([...names].sort());
  });

  it('lets the office list departments (it assigns cases to them) but not handlers or reviewers', async () => {
    await t.createDepartment({ name: '丙部门' });
    const office = await t.createStaff({ role: 'office' });
    const res = await request(t.app).get('/api/admin/departments').set(auth(office.token));
    expect(res.status).toBe(200);
    expect(res.body.items.map((d: { name: string }) => d.name)).toContain('丙部门');
    const reviewer = await t.createStaff({ role: 'reviewer' });
    expect((await request(t.app).get('/api/admin/departments').set(auth(reviewer.token))).status).toBe(403);
  });

  it('refuses a duplicate name with 409 department_name_taken', async () => {
    const input = buildDepartment();
    await request(t.app).post('/api/admin/departments').set(auth(admin.token)).send(input);
    const res = await request(t.app).post('/api/admin/departments').set(auth(admin.token)).send(input);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('department_name_taken');
  });

  it('refuses to delete a department that staff belong to, with 409 department_in_use', async () => {
    const dept = await t.createDepartment();
    await t.createStaff({ role: 'handler', departmentId: dept._id });
    const res = await request(t.app).delete(`/api/admin/departments/${dept._id.toHexString()}`).set(auth(admin.token));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('department_in_use');
    expect(await t.models.Department.findById(dept._id).lean()).not.toBeNull();
  });

  it('answers 404 for unknown departments', async () => {
    const id = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    expect((await request(t.app).get(`/api/admin/departments/${id}`).set(auth(admin.token))).status).toBe(404);
    expect((await request(t.app).patch(`/api/admin/departments/${id}`).set(auth(admin.token)).send({ name: '不存在' })).status).toBe(404);
    expect((await request(t.app).delete(`/api/admin/departments/${id}`).set(auth(admin.token))).status).toBe(404);
  });
});
