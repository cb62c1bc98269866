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

describe('unknown parameters are refused (ADR 104)', () => {
  it('refuses an unknown query parameter on a staff list, naming it, beside the other problems', async () => {
    const office = await t.staffToken('office');
    const res = await request(t.app).get('/api/admin/letters?status=nonsense&sortBy=dueAt').set(auth(office));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toContainEqual({ in: 'query', path: 'sortBy', message: '不支持的参数：sortBy' });
    const where = (res.body.error.details as { in: string; path: string }[]).map((d) => `${d.in}:${d.path}`).sort();
    expect(where).toEqual(['query:sortBy', 'query:status']);
  });

  it('refuses any query parameter on a route that declares none', async () => {
    const res = await request(t.app).get('/api/admin/letters/settings?page=2').set(auth(admin));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'query', path: 'page', message: '不支持的参数：page' }]);
  });

  it('refuses an unknown parameter on a public cached route before the cache', async () => {
    const res = await request(t.app).get('/api/letters/categories?junk=1');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'query', path: 'junk', message: '不支持的参数：junk' }]);
    expect(res.headers['x-cache']).toBeUndefined();
  });

  it('refuses an unknown body field and stores nothing', async () => {
    const before = await t.models.Department.countDocuments({});
    const res = await request(t.app).post('/api/admin/departments').set(auth(admin)).send({ name: '未知字段局', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'colour', message: '不支持的字段：colour' }]);
    expect(await t.models.Department.countDocuments({})).toBe(before);
  });

  it('refuses unknown fields inside nested objects of a body, with their path', async () => {
    const current = await request(t.app).get('/api/admin/letters/settings').set(auth(admin));
    expect(current.status).toBe(200);
    const body = { ...current.body, categories: current.body.categories.map((c: object, i: number) => (i === 1 ? { ...c, colour: 'red' } : c)) };
    delete body.updatedAt;
    delete body.updatedBy;
    const res = await request(t.app).put('/api/admin/letters/settings').set(auth(admin)).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ in: 'body', path: 'categories.1.colour', message: '不支持的字段：categories.1.colour' });
  });

  it('refuses a body on a route that declares none', async () => {
    const res = await request(t.app).post('/api/auth/logout-all').set(auth(await t.citizenToken('body-less'))).send({ everywhere: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'everywhere', message: '不支持的字段：everywhere' }]);
  });
});
