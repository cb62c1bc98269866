/** Input validation through real routes: every issue of params, query and body in one answer. */
import request from 'supertest';
import { auth, createTestApp, type TestApp } from '../support/app';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.staffToken('admin');
});
afterAll(() => t.close());

describe('validation', () => {
  it('reports every problem of a body at once, with the Chinese messages of the shared schemas', async () => {
    const res = await request(t.app)
      .post('/api/admin/staff')
      .set(auth(admin))
      .send({ username: 'Bad Name!', role: 'boss', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { in: 'body', path: 'username', message: '用户名只能包含字母、数字、点、下划线和连字符' },
        { in: 'body', path: 'displayName', message: '请填写姓名' },
        { in: 'body', path: 'role', message: '请选择角色' },
        { in: 'body', path: 'password', message: '密码至少10个字符' },
      ]),
    );
    expect(res.body.error.details).toHaveLength(4);
    expect(await t.models.Staff.countDocuments({})).toBe(1);
  });

  it('reports path parameter and body problems together', async () => {
    const res = await request(t.app).patch('/api/admin/staff/not-an-id').set(auth(admin)).send({ role: 'boss', active: 'yes' });
    expect(res.status).toBe(400);
    const where = (res.body.error.details as { in: string; path: string }[]).map((d) => `${d.in}:${d.path}`).sort();
    expect(where).toEqual(['body:active', 'body:role', 'params:id']);
    expect(res.body.error.details).toContainEqual({ in: 'params', path: 'id', message: '无效的编号' });
  });

  it('reports every query string problem', async () => {
    const res = await request(t.app).get('/api/admin/audit?limit=0&from=yesterday&to=2025-01-01T00:00:00Z').set(auth(admin));
    expect(res.status).toBe(400);
    const paths = (res.body.error.details as { in: string; path: string }[]).map((d) => `${d.in}:${d.path}`).sort();
    expect(paths).toEqual(['query:from', 'query:limit']);
  });

  it('applies cross-field rules: a handler needs a department', async () => {
    const res = await request(t.app)
      .post('/api/admin/staff')
      .set(auth(admin))
      .send({ username: 'handler.one', displayName: '李四', role: 'handler', password: 'long-enough-pass' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '承办人员必须选择所属部门' }]);
  });

  it('gives a Chinese message for a missing field without its own message', async () => {
    const res = await request(t.app).post('/api/admin/departments').set(auth(admin)).send({});
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'name', message: '请填写部门名称' }]);
  });

  it('passes parsed, trimmed and lower-cased input to the service', async () => {
    const res = await request(t.app)
      .post('/api/admin/staff')
      .set(auth(admin))
      .send({ username: '  Zhang.San  ', displayName: ' 张三 ', role: 'office', password: 'long-enough-pass' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: 'zhang.san', displayName: '张三' });
  });
});
