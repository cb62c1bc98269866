/**
 * The policy category catalog: seeded once with the defaults, managed by admins (create, rename,
 * rules, delete), a category in use cannot be deleted, and a deleted default stays deleted.
 */
import request from 'supertest';
import { DEFAULT_POLICY_CATEGORIES } from '../../shared/policies';
import { auth, createTestApp, type TestApp } from '../support/app';
import { createPolicyCrew, createPolicyDraft, policyIn, POLICY_TEST_ENV, type PolicyCrew } from '../support/policy-factories';

let t: TestApp;
let crew: PolicyCrew;
beforeAll(async () => {
  t = await createTestApp({ env: POLICY_TEST_ENV });
  crew = await createPolicyCrew(t);
});
afterAll(() => t.close());

const admin = () => auth(crew.admin.token);
type Category = { id: string; key: string; name: string; sortOrder: number; policyCount: number; publishedCount: number };
const list = async (): Promise<Category[]> => (await request(t.app).get('/api/admin/categories').set(admin())).body.items;

describe('the default catalog', () => {
  it('is seeded on first use, in order, with 规范性文件 requiring a 文号 and interpretation', async () => {
    const items = await list();
    expect(items.map((c) => c.name)).toEqual(['规范性文件', '通知公告', '权力清单', '责任清单', '财政预决算', '随机抽查', '政务服务', '重大建设项目', '人事信息', '其他']);
    expect(items[0]).toMatchObject({ key: 'normative', requiresDocumentNumber: true, interpretationRequired: true, policyCount: 0, publishedCount: 0 });
    expect(items[1]).toMatchObject({ key: 'notice', requiresDocumentNumber: false, interpretationRequired: false });
    expect(await t.models.PolicyCategory.countDocuments({})).toBe(DEFAULT_POLICY_CATEGORIES.length);
  });

  it('keeps a deleted default deleted, also for another instance on the same database', async () => {
    const other = (await list()).find((c) => c.key === 'other')!;
    expect((await request(t.app).delete(`/api/admin/categories/${other.id}`).set(admin())).status).toBe(204);
    const second = await createTestApp({ env: POLICY_TEST_ENV, database: t.db });
    try {
      const res = await request(second.app).get('/api/categories');
      expect(res.body.items.map((c: { key: string }) => c.key)).not.toContain('other');
    } finally {
      await second.close();
    }
    expect(await t.models.PolicyCategory.exists({ key: 'other' })).toBeNull();
  });
});

describe('POST /api/admin/categories', () => {
  it('creates a category last in order and audits it', async () => {
    const res = await request(t.app).post('/api/admin/categories').set(admin()).send({ key: 'planning', name: '规划信息', description: '国土空间规划', requiresDocumentNumber: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ key: 'planning', name: '规划信息', description: '国土空间规划', requiresDocumentNumber: true, interpretationRequired: false, policyCount: 0 });
    const items = await list();
    expect(items[items.length - 1].key).toBe('planning');
    expect(res.body.sortOrder).toBeGreaterThan(Math.max(...items.slice(0, -1).map((c) => c.sortOrder)));
    const entry = await t.models.AuditEntry.findOne({ action: 'policy_category.create', targetId: res.body.id }).lean();
    expect(entry).toMatchObject({ actor: { id: crew.admin.id, role: 'admin' }, details: { key: 'planning', name: '规划信息' } });
  });

  it('refuses a taken key or name with 409 and a malformed key with 400', async () => {
    const key = await request(t.app).post('/api/admin/categories').set(admin()).send({ key: 'normative', name: '另一个名字' });
    expect([key.status, key.body.error.code]).toEqual([409, 'category_key_taken']);
    const name = await request(t.app).post('/api/admin/categories').set(admin()).send({ key: 'another', name: '规范性文件' });
    expect([name.status, name.body.error.code]).toEqual([409, 'category_name_taken']);
    const bad = await request(t.app).post('/api/admin/categories').set(admin()).send({ key: '规范', name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['key', 'name']);
  });
});

describe('PATCH /api/admin/categories/:id', () => {
  it('renames a category (policies show the new name) and changes its rules, never its key', async () => {
    const created = await request(t.app).post('/api/admin/categories').set(admin()).send({ key: 'stats', name: '统计信息' });
    const policyId = await policyIn(t, crew, 'published', { category: 'stats', documentNumber: null });
    const res = await request(t.app).patch(`/api/admin/categories/${created.body.id}`).set(admin()).send({ name: '统计数据', interpretationRequired: true, sortOrder: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'stats', name: '统计数据', interpretationRequired: true, sortOrder: 5, policyCount: 1, publishedCount: 1 });
    const pub = await request(t.app).get(`/api/policies/${policyId}`);
    expect(pub.body.category).toEqual({ key: 'stats', name: '统计数据' });
    expect((await list())[0].key).toBe('stats');
    const keyOnly = await request(t.app).patch(`/api/admin/categories/${created.body.id}`).set(admin()).send({ key: 'renamed' });
    expect(keyOnly.status).toBe(400);
    const entry = await t.models.AuditEntry.findOne({ action: 'policy_category.update', targetId: created.body.id }).lean();
    expect(entry?.details).toMatchObject({ key: 'stats', changes: { name: { from: '统计信息', to: '统计数据' }, interpretationRequired: { from: false, to: true } } });
  });

  it('applies the 文号 rule of the category on submission', async () => {
    const created = await request(t.app).post('/api/admin/categories').set(admin()).send({ key: 'orders', name: '行政命令' });
    const { id } = await createPolicyDraft(t, crew, { category: 'orders', documentNumber: null });
    await request(t.app).patch(`/api/admin/categories/${created.body.id}`).set(admin()).send({ requiresDocumentNumber: true });
    const res = await request(t.app).post(`/api/admin/policies/${id}/submit`).set(auth(crew.office.token));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'documentNumber', message: '行政命令须填写文号' }]);
  });

  it('answers 404 for an unknown category and 409 for a taken name', async () => {
    expect((await request(t.app).patch('/api/admin/categories/aaaaaaaaaaaaaaaaaaaaaaaa').set(admin()).send({ name: '不存在' })).status).toBe(404);
    const notice = (await list()).find((c) => c.key === 'notice')!;
    const res = await request(t.app).patch(`/api/admin/categories/${notice.id}`).set(admin()).send({ name: '规范性文件' });
    expect([res.status, res.body.error.code]).toEqual([409, 'category_name_taken']);
  });
});

describe('DELETE /api/admin/categories/:id', () => {
  it('refuses to delete a category any policy uses, even a draft (409), and deletes an unused one (204, audited)', async () => {
    const used = await request(t.app).post('/api/admin/categories').set(admin()).send({ key: 'used', name: '在用类别' });
    await createPolicyDraft(t, crew, { category: 'used', documentNumber: null });
    const refused = await request(t.app).delete(`/api/admin/categories/${used.body.id}`).set(admin());
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'category_in_use', details: { policyCount: 1 } });
    expect(await t.models.PolicyCategory.exists({ key: 'used' })).not.toBeNull();

    const unused = await request(t.app).post('/api/admin/categories').set(admin()).send({ key: 'unused', name: '闲置类别' });
    const res = await request(t.app).delete(`/api/admin/categories/${unused.body.id}`).set(admin());
    expect(res.status).toBe(204);
    expect(await t.models.PolicyCategory.exists({ key: 'unused' })).toBeNull();
    expect(await t.models.AuditEntry.countDocuments({ action: 'policy_category.delete', targetId: unused.body.id })).toBe(1);
    expect((await request(t.app).delete(`/api/admin/categories/${unused.body.id}`).set(admin())).status).toBe(404);
  });
});
