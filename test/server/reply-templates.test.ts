/** Reply templates (常用语): kept by the office and admins, read by handlers while drafting. */
import request from 'supertest';
import type { StaffRole } from '../../shared/staff';
import { auth, createTestApp, type TestApp } from '../support/app';

let t: TestApp;
const tokens = {} as Record<StaffRole, string>;
let citizen: string;
beforeAll(async () => {
  t = await createTestApp();
  const department = await t.createDepartment({ name: '县住房和城乡建设局' });
  for (const role of ['admin', 'office', 'reviewer'] as const) tokens[role] = await t.staffToken(role);
  tokens.handler = await t.staffToken('handler', department._id.toHexString());
  citizen = await t.citizenToken('template-citizen');
});
afterAll(() => t.close());

const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const BASE = '/api/admin/reply-templates';
const TEMPLATE = { title: '已转相关部门办理', text: '您好，您反映的问题已转相关部门办理，我们将及时向您反馈办理结果。', category: 'complain' };
const create = (body: object = TEMPLATE, token = tokens.office) => request(t.app).post(BASE).set(auth(token)).send(body);

describe('who may call', () => {
  let id: string;
  beforeAll(async () => {
    id = (await create({ ...TEMPLATE, title: '权限测试用常用语' })).body.id;
  });
  const calls: [string, (token?: string) => request.Test, StaffRole[]][] = [
    ['GET list', (tk) => (tk ? request(t.app).get(BASE).set(auth(tk)) : request(t.app).get(BASE)), ['office', 'admin', 'handler']],
    ['GET one', (tk) => (tk ? request(t.app).get(`${BASE}/${id}`).set(auth(tk)) : request(t.app).get(`${BASE}/${id}`)), ['office', 'admin', 'handler']],
    ['POST', (tk) => (tk ? request(t.app).post(BASE).set(auth(tk)) : request(t.app).post(BASE)).send({ ...TEMPLATE, title: `新建${Math.random()}` }), ['office', 'admin']],
    ['PATCH', (tk) => (tk ? request(t.app).patch(`${BASE}/${id}`).set(auth(tk)) : request(t.app).patch(`${BASE}/${id}`)).send({ text: '修改后的常用语内容。' }), ['office', 'admin']],
    ['DELETE', (tk) => (tk ? request(t.app).delete(`${BASE}/${UNKNOWN_ID}`).set(auth(tk)) : request(t.app).delete(`${BASE}/${UNKNOWN_ID}`)), ['office', 'admin']],
  ];

  it.each(calls)('%s: 401 without a token, 403 for citizens and the other staff roles', async (_name, call, allowed) => {
    expect((await call()).status).toBe(401);
    expect((await call(citizen)).status).toBe(403);
    for (const role of (['admin', 'office', 'handler', 'reviewer'] as const).filter((r) => !allowed.includes(r))) {
      const res = await call(tokens[role]);
      expect({ role, status: res.status, code: res.body.error?.code }).toEqual({ role, status: 403, code: 'forbidden' });
    }
    for (const role of allowed) expect({ role, status: (await call(tokens[role])).status }).not.toMatchObject({ status: 403 });
  });
});

describe('keeping templates', () => {
  it('creates a template, stores it with its author, audits it, and lets handlers read it', async () => {
    const res = await create({ ...TEMPLATE, title: '  感谢来信  ' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: '感谢来信', text: TEMPLATE.text, category: 'complain', updatedBy: { username: expect.any(String) } });
    const stored = await t.models.ReplyTemplate.findById(res.body.id).lean();
    expect(stored).toMatchObject({ title: '感谢来信', category: 'complain' });
    const audit = await t.models.AuditEntry.findOne({ action: 'reply_template.create', targetId: res.body.id }).lean();
    expect(audit!.details).toEqual({ title: '感谢来信', category: 'complain' });
    const read = await request(t.app).get(`${BASE}/${res.body.id}`).set(auth(tokens.handler));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('lists by title, and for a category those of that category and those for every category', async () => {
    await create({ title: '通用答复：已收悉', text: '您好，来信已收悉，感谢您对我们工作的关心。' });
    await create({ title: '咨询答复模板', text: '您好，关于您咨询的问题，答复如下：', category: 'consult' });
    const all = await request(t.app).get(BASE).set(auth(tokens.handler));
    const titles = all.body.items.map((i: { title: string }) => i.title);
    expect(titles).toEqual([...titles].sort());
    expect(titles).toEqual(expect.arrayContaining(['通用答复：已收悉', '咨询答复模板']));
    const consult = await request(t.app).get(`${BASE}?category=consult`).set(auth(tokens.handler));
    const byCategory = consult.body.items.map((i: { category: string | null }) => i.category);
    expect(new Set(byCategory)).toEqual(new Set(['consult', null]));
    expect(consult.body.items.map((i: { title: string }) => i.title)).toContain('通用答复：已收悉');
  });

  it('changes title, text and category (null: every category), audits the changes', async () => {
    const { id } = (await create({ ...TEMPLATE, title: '待修改的常用语' })).body;
    const res = await request(t.app).patch(`${BASE}/${id}`).set(auth(tokens.admin)).send({ text: '新的常用语内容。', category: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: '待修改的常用语', text: '新的常用语内容。', category: null });
    expect(await t.models.ReplyTemplate.findById(id).lean()).toMatchObject({ text: '新的常用语内容。', category: null });
    const audit = await t.models.AuditEntry.findOne({ action: 'reply_template.update', targetId: id }).lean();
    expect(audit!.details).toEqual({ changes: { text: { from: TEMPLATE.text, to: '新的常用语内容。' }, category: { from: 'complain', to: null } } });
  });

  it('deletes a template (204), audited; then 404', async () => {
    const { id } = (await create({ ...TEMPLATE, title: '待删除的常用语' })).body;
    const res = await request(t.app).delete(`${BASE}/${id}`).set(auth(tokens.office));
    expect(res.status).toBe(204);
    expect(await t.models.ReplyTemplate.findById(id).lean()).toBeNull();
    expect(await t.models.AuditEntry.countDocuments({ action: 'reply_template.delete', targetId: id })).toBe(1);
    expect((await request(t.app).delete(`${BASE}/${id}`).set(auth(tokens.office))).status).toBe(404);
  });

  it('answers 404 for an unknown template and 400 for a malformed id', async () => {
    expect((await request(t.app).get(`${BASE}/${UNKNOWN_ID}`).set(auth(tokens.office))).status).toBe(404);
    expect((await request(t.app).patch(`${BASE}/${UNKNOWN_ID}`).set(auth(tokens.office)).send({ text: '内容内容' })).status).toBe(404);
    const bad = await request(t.app).get(`${BASE}/nope`).set(auth(tokens.office));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ in: 'params', path: 'id', message: '无效的编号' }]);
  });
});

describe('validation', () => {
  it('reports every problem of a new template', async () => {
    const res = await create({ title: '一', text: ' ', category: '', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { in: 'body', path: 'title', message: '标题至少2个字' },
        { in: 'body', path: 'text', message: '常用语内容至少2个字' },
        { in: 'body', path: 'category', message: '请选择信件类别' },
        { in: 'body', path: 'extra', message: '不支持的字段：extra' },
      ]),
    );
    expect(res.body.error.details).toHaveLength(4);
    const missing = await create({});
    expect(missing.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['text', 'title']);
    const long = await create({ title: '字'.repeat(41), text: '字'.repeat(5001) });
    expect(long.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['text', 'title']);
  });

  it('refuses a category the mailbox does not have', async () => {
    const res = await create({ ...TEMPLATE, title: '未知类别的常用语', category: 'weather' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'category', message: '信件类别不存在' }]);
    expect(await t.models.ReplyTemplate.countDocuments({ title: '未知类别的常用语' })).toBe(0);
  });

  it('refuses an empty change and a duplicate title (409 reply_template_title_taken)', async () => {
    const { id } = (await create({ ...TEMPLATE, title: '唯一标题甲' })).body;
    await create({ ...TEMPLATE, title: '唯一标题乙' });
    const empty = await request(t.app).patch(`${BASE}/${id}`).set(auth(tokens.office)).send({});
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toEqual([{ in: 'body', path: '', message: '没有需要修改的内容' }]);
    const dup = await create({ ...TEMPLATE, title: '唯一标题甲' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('reply_template_title_taken');
    const rename = await request(t.app).patch(`${BASE}/${id}`).set(auth(tokens.office)).send({ title: '唯一标题乙' });
    expect(rename.status).toBe(409);
    expect(await t.models.ReplyTemplate.countDocuments({ title: '唯一标题甲' })).toBe(1);
  });

  it('refuses an unknown list parameter', async () => {
    const res = await request(t.app).get(`${BASE}?department=x`).set(auth(tokens.office));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'query', path: 'department', message: '不支持的参数：department' }]);
  });
});
