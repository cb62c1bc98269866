/**
 * The policy back office: who may do what (auth matrix), input rules (文号, sanitized rich text,
 * catalog completeness, dates), the review state machine (every action from every wrong state is
 * 409), the confidentiality review required for approval, validity marks linking both documents,
 * department scoping for handlers, attachments, history and audit entries, and conditional
 * updates under concurrent actions.
 */
import request from 'supertest';
import type { PolicyStatus } from '../../shared/policies';
import type { StaffRole } from '../../shared/staff';
import { auth, createTestApp, type TestApp } from '../support/app';
import {
  APPROVAL,
  buildPolicy,
  createInterpretationDraft,
  createPolicyCrew,
  createPolicyDraft,
  drive,
  interpretationIn,
  policyIn,
  POLICY_TEST_ENV,
  step,
  uploadFile,
  type PolicyCrew,
} from '../support/policy-factories';

let t: TestApp;
let crew: PolicyCrew;
let citizen: string;
beforeAll(async () => {
  t = await createTestApp({ env: POLICY_TEST_ENV });
  crew = await createPolicyCrew(t);
  citizen = await t.citizenToken('policy-reader');
});
afterAll(() => t.close());

const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const deptId = () => crew.department._id.toHexString();
const ROLES: StaffRole[] = ['admin', 'office', 'handler', 'reviewer'];
const tokenOf = (role: StaffRole) => ({ admin: crew.admin.token, office: crew.office.token, handler: crew.handler.token, reviewer: crew.reviewer.token })[role];
const stored = (id: string) => t.models.Policy.findById(id).lean();
const auditsOf = (targetId: string) => t.models.AuditEntry.find({ targetId }).sort({ at: 1, _id: 1 }).lean();

describe('the auth matrix of the staff routes', () => {
  let policyId: string;
  let interpretationId: string;
  let categoryId: string;
  beforeAll(async () => {
    policyId = (await createPolicyDraft(t, crew)).id;
    interpretationId = (await createInterpretationDraft(t, crew, policyId)).id;
    categoryId = (await t.models.PolicyCategory.findOne({ key: 'other' }).lean())!._id.toHexString();
  });

  const ALL = ROLES;
  const routes = (): { method: 'get' | 'post' | 'patch' | 'delete'; path: string; roles: StaffRole[] }[] => [
    { method: 'get', path: '/api/admin/policies', roles: ALL },
    { method: 'get', path: '/api/admin/policies/interpretation-gaps', roles: ALL },
    { method: 'get', path: `/api/admin/policies/${policyId}`, roles: ALL },
    { method: 'post', path: '/api/admin/policies', roles: ['office', 'handler'] },
    { method: 'patch', path: `/api/admin/policies/${policyId}`, roles: ['office', 'handler'] },
    { method: 'post', path: `/api/admin/policies/${policyId}/submit`, roles: ['office', 'handler'] },
    { method: 'post', path: `/api/admin/policies/${policyId}/approve`, roles: ['reviewer'] },
    { method: 'post', path: `/api/admin/policies/${policyId}/return`, roles: ['reviewer'] },
    { method: 'post', path: `/api/admin/policies/${policyId}/publish`, roles: ['office'] },
    { method: 'post', path: `/api/admin/policies/${policyId}/repeal`, roles: ['office'] },
    { method: 'post', path: `/api/admin/policies/${policyId}/amend`, roles: ['office'] },
    { method: 'post', path: `/api/admin/policies/${policyId}/expire`, roles: ['office'] },
    { method: 'get', path: '/api/admin/interpretations', roles: ALL },
    { method: 'get', path: `/api/admin/interpretations/${interpretationId}`, roles: ALL },
    { method: 'post', path: '/api/admin/interpretations', roles: ['office', 'handler'] },
    { method: 'patch', path: `/api/admin/interpretations/${interpretationId}`, roles: ['office', 'handler'] },
    { method: 'post', path: `/api/admin/interpretations/${interpretationId}/submit`, roles: ['office', 'handler'] },
    { method: 'post', path: `/api/admin/interpretations/${interpretationId}/approve`, roles: ['reviewer'] },
    { method: 'post', path: `/api/admin/interpretations/${interpretationId}/return`, roles: ['reviewer'] },
    { method: 'post', path: `/api/admin/interpretations/${interpretationId}/publish`, roles: ['office'] },
    { method: 'get', path: '/api/admin/categories', roles: ALL },
    { method: 'post', path: '/api/admin/categories', roles: ['admin'] },
    { method: 'patch', path: `/api/admin/categories/${categoryId}`, roles: ['admin'] },
    { method: 'delete', path: `/api/admin/categories/${categoryId}`, roles: ['admin'] },
  ];

  it('refuses anonymous callers with 401 and citizens with 403 on every staff route', async () => {
    for (const r of routes()) {
      const anon = await request(t.app)[r.method](r.path).send({});
      expect([r.path, anon.status, anon.body.error?.code]).toEqual([r.path, 401, 'unauthorized']);
      const res = await request(t.app)[r.method](r.path).set(auth(citizen)).send({});
      expect([r.path, res.status, res.body.error?.code]).toEqual([r.path, 403, 'forbidden']);
    }
  });

  it('refuses every staff role a route does not admit with 403', async () => {
    let checked = 0;
    for (const r of routes()) {
      for (const role of ROLES.filter((x) => !r.roles.includes(x))) {
        const res = await request(t.app)[r.method](r.path).set(auth(tokenOf(role))).send({});
        expect([r.method, r.path, role, res.status]).toEqual([r.method, r.path, role, 403]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    // Nothing was changed by the refused calls.
    expect((await stored(policyId))?.status).toBe('draft');
    expect(await t.models.PolicyCategory.exists({ _id: categoryId })).not.toBeNull();
  });

  it('lets every staff role read policies, interpretations and categories', async () => {
    for (const role of ROLES) {
      for (const path of ['/api/admin/policies', '/api/admin/interpretations', '/api/admin/categories', '/api/admin/policies/interpretation-gaps']) {
        const res = await request(t.app).get(path).set(auth(tokenOf(role)));
        expect([role, path, res.status]).toEqual([role, path, 200]);
      }
    }
  });
});

describe('POST /api/admin/policies', () => {
  it('creates a draft with a normalised 文号, catalog defaults, a history entry and an audit entry', async () => {
    const input = buildPolicy({ documentNumber: '沪民宗发[2022]3号', catalog: { summary: '摘要内容', attribute: 'on_request' } });
    const res = await request(t.app)
      .post('/api/admin/policies')
      .set(auth(crew.office.token))
      .set('x-request-id', 'create-policy-1')
      .send({ ...input, departmentId: deptId(), effectiveDate: '2026-01-01', expiryDate: '2030-12-31' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: input.title,
      documentNumber: '沪民宗发〔2022〕3号',
      issuingBody: '县人民政府办公室',
      category: { key: 'normative', name: '规范性文件' },
      departmentId: deptId(),
      departmentName: crew.department.name,
      status: 'draft',
      statusLabel: '草稿',
      validity: 'valid',
      validityLabel: '现行有效',
      publishedAt: null,
      effectiveDate: '2026-01-01',
      expiryDate: '2030-12-31',
      confidentialityReview: null,
      interpretationDeadline: null,
      catalog: {
        category: '规范性文件',
        name: input.title,
        summary: '摘要内容',
        basis: '《中华人民共和国政府信息公开条例》',
        subject: '县人民政府办公室',
        department: crew.department.name,
        timeLimit: '自该信息形成或者变更之日起20个工作日内',
        audience: '社会公众',
        channel: '政府网站、政务新媒体',
        method: '网上公开',
        attribute: 'on_request',
        attributeLabel: '依申请公开',
        websiteColumn: '规范性文件',
        publishedAt: null,
      },
    });
    expect(res.body.history).toEqual([
      expect.objectContaining({ action: 'create', fromStatus: null, toStatus: 'draft', actorId: crew.office.id, actorRole: 'office' }),
    ]);

    const doc = await stored(res.body.id);
    expect(doc).toMatchObject({ status: 'draft', documentNumber: '沪民宗发〔2022〕3号', createdBy: crew.office.id, viewCount: 0 });
    const [entry] = await auditsOf(res.body.id);
    expect(entry).toMatchObject({
      action: 'policy.create',
      actor: { kind: 'staff', id: crew.office.id, role: 'office' },
      targetType: 'policy',
      details: { title: input.title, documentNumber: '沪民宗发〔2022〕3号', category: 'normative', departmentId: deptId() },
      requestId: 'create-policy-1',
    });
  });

  it('sanitizes the body: strips scripts, on* handlers, styles, iframes and javascript: links, keeps the allowed tags', async () => {
    const body =
      '<h2 style="color:red" onclick="steal()">一、总则</h2>' +
      '<p>正文<strong>加粗</strong><em>斜体</em><u>下划线</u><br>换行<script>alert(1)</script></p>' +
      '<h3>小标题</h3><h4>四级</h4><ul><li>甲</li></ul><ol><li>乙</li></ol>' +
      '<table><thead><tr><th colspan="2">表头</th></tr></thead><tbody><tr><td rowspan="1" class="x">单元格</td></tr></tbody></table>' +
      '<a href="javascript:alert(1)">恶意链接</a><a href="https://www.gov.cn/zhengce/" onmouseover="x()">国务院政策</a>' +
      '<img src="x" onerror="alert(1)"><img src="https://www.gov.cn/a.png" onerror="alert(2)">' +
      '<iframe src="https://evil.example/"></iframe><style>p{display:none}</style>' +
      '<div><span style="font-size:40px">包装</span></div>';
    const res = await request(t.app).post('/api/admin/policies').set(auth(crew.office.token)).send({ ...buildPolicy({ body }), departmentId: deptId() });
    expect(res.status).toBe(201);
    const clean: string = res.body.body;
    for (const bad of ['<script', 'alert(1)', 'onclick', 'onerror', 'onmouseover', 'javascript:', 'style=', '<style', '<iframe', 'class=', 'src="x"', '<div']) {
      expect([bad, clean.includes(bad)]).toEqual([bad, false]);
    }
    for (const good of [
      '<h2>一、总则</h2>',
      '<strong>加粗</strong>',
      '<em>斜体</em>',
      '<u>下划线</u>',
      '<br />',
      '<h3>小标题</h3>',
      '<h4>四级</h4>',
      '<ul><li>甲</li></ul>',
      '<ol><li>乙</li></ol>',
      '<th colspan="2">表头</th>',
      '<td rowspan="1">单元格</td>',
      '<a href="https://www.gov.cn/zhengce/">国务院政策</a>',
      '<img src="https://www.gov.cn/a.png" />',
      '恶意链接',
      '包装',
    ]) {
      expect([good, clean.includes(good)]).toEqual([good, true]);
    }
    expect((await stored(res.body.id))?.body).toBe(clean);
  });

  it('refuses a body with nothing left after sanitizing', async () => {
    const res = await request(t.app)
      .post('/api/admin/policies')
      .set(auth(crew.office.token))
      .send({ ...buildPolicy({ body: '<script>alert(1)</script><p> </p>' }), departmentId: deptId() });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'body', message: expect.stringContaining('正文不能为空') }]);
  });

  it('reports every invalid field at once: title, 文号, category key, dates, body', async () => {
    const res = await request(t.app)
      .post('/api/admin/policies')
      .set(auth(crew.office.token))
      .send({ title: '一', documentNumber: '第3号文件', issuingBody: '县府', category: 'Bad Key', effectiveDate: '2026-02-30', body: '' , departmentId: deptId() });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['body', 'category', 'documentNumber', 'effectiveDate', 'title']);
    expect(res.body.error.details.find((d: { path: string }) => d.path === 'documentNumber').message).toContain('沪民宗发〔2022〕3号');
  });

  it('refuses an expiry date that is not after the effective date', async () => {
    const res = await request(t.app)
      .post('/api/admin/policies')
      .set(auth(crew.office.token))
      .send({ ...buildPolicy(), departmentId: deptId(), effectiveDate: '2026-05-01', expiryDate: '2026-05-01' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'expiryDate', message: '失效日期应晚于生效日期' }]);
  });

  it('refuses a category or department that does not exist, and an office draft without a department', async () => {
    const badCategory = await request(t.app).post('/api/admin/policies').set(auth(crew.office.token)).send({ ...buildPolicy({ category: 'nosuch' }), departmentId: deptId() });
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.error.details).toEqual([{ in: 'body', path: 'category', message: '所选类别不存在' }]);
    const badDept = await request(t.app).post('/api/admin/policies').set(auth(crew.office.token)).send({ ...buildPolicy(), departmentId: UNKNOWN_ID });
    expect(badDept.status).toBe(400);
    expect(badDept.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
    const noDept = await request(t.app).post('/api/admin/policies').set(auth(crew.office.token)).send(buildPolicy());
    expect(noDept.status).toBe(400);
    expect(noDept.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '请选择责任部门' }]);
  });

  it('lets a handler draft for their own department only (403 for another department)', async () => {
    const own = await request(t.app).post('/api/admin/policies').set(auth(crew.handler.token)).send(buildPolicy());
    expect(own.status).toBe(201);
    expect(own.body.departmentId).toBe(deptId());
    const other = await request(t.app)
      .post('/api/admin/policies')
      .set(auth(crew.handler.token))
      .send({ ...buildPolicy(), departmentId: crew.otherDepartment._id.toHexString() });
    expect(other.status).toBe(403);
    expect(await t.models.Policy.countDocuments({ title: own.body.title })).toBe(1);
  });

  it('attaches uploaded files and body images to the policy, and refuses someone else’s upload', async () => {
    const pdf = await uploadFile(t, crew.office.token, 'pdf');
    const png = await uploadFile(t, crew.office.token, 'png');
    const res = await request(t.app)
      .post('/api/admin/policies')
      .set(auth(crew.office.token))
      .send({ ...buildPolicy({ body: `<p>附图</p><img src="/api/uploads/${png}" alt="图">`, attachmentIds: [pdf] }), departmentId: deptId() });
    expect(res.status).toBe(201);
    expect(res.body.attachments).toEqual([expect.objectContaining({ id: pdf, contentType: 'application/pdf', url: `/api/uploads/${pdf}` })]);
    expect(res.body.body).toContain(`<img src="/api/uploads/${png}" alt="图" />`);
    const files = await t.models.UploadFile.find({ _id: { $in: [pdf, png] } }).lean();
    for (const f of files) expect(f.metadata.attachedTo).toEqual({ type: 'policy', id: res.body.id });

    const othersUpload = await uploadFile(t, crew.handler.token, 'pdf');
    const refused = await request(t.app)
      .post('/api/admin/policies')
      .set(auth(crew.office.token))
      .send({ ...buildPolicy({ attachmentIds: [othersUpload] }), departmentId: deptId() });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_attachment', details: [{ id: othersUpload, reason: 'not_found' }] });
    // All or nothing: no policy was stored for the refused request.
    expect(await t.models.Policy.countDocuments({ attachmentIds: othersUpload })).toBe(0);
  });
});

describe('PATCH /api/admin/policies/:id', () => {
  it('edits a draft, merges catalog fields, swaps attachments and audits the changes', async () => {
    const first = await uploadFile(t, crew.office.token, 'pdf');
    const second = await uploadFile(t, crew.office.token, 'pdf');
    const { id } = await createPolicyDraft(t, crew, { attachmentIds: [first] });
    const res = await request(t.app)
      .patch(`/api/admin/policies/${id}`)
      .set(auth(crew.office.token))
      .send({ title: '关于调整城乡居民基本养老保险待遇的通知', documentNumber: '县府发〔2026〕9号', catalog: { basis: '《社会保险法》' }, attachmentIds: [second] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: '关于调整城乡居民基本养老保险待遇的通知',
      documentNumber: '县府发〔2026〕9号',
      catalog: { basis: '《社会保险法》', summary: '明确社区养老服务设施建设、运营补贴和监管要求。' },
      attachments: [expect.objectContaining({ id: second })],
    });
    expect(res.body.history.map((h: { action: string }) => h.action)).toEqual(['create', 'update']);
    const released = await t.models.UploadFile.findById(first).lean();
    // Released to its uploader again (and left to expire unless claimed anew).
    expect(released).not.toBeNull();
    expect(released?.metadata.attachedTo ?? null).toBeNull();
    expect(released?.metadata.expiresAt).toBeInstanceOf(Date);
    const entry = (await auditsOf(id)).find((e) => e.action === 'policy.update');
    expect(entry?.details).toMatchObject({
      fields: expect.arrayContaining(['title', 'documentNumber', 'catalog', 'attachmentIds']),
      changes: { title: { from: expect.any(String), to: '关于调整城乡居民基本养老保险待遇的通知' }, documentNumber: { to: '县府发〔2026〕9号' } },
    });
  });

  it('edits a returned policy too, and refuses edits in review, approved and published (409)', async () => {
    const returned = await policyIn(t, crew, 'returned');
    expect((await request(t.app).patch(`/api/admin/policies/${returned}`).set(auth(crew.office.token)).send({ title: '修改后的标题内容' })).status).toBe(200);
    for (const status of ['in_review', 'approved', 'published'] as PolicyStatus[]) {
      const id = await policyIn(t, crew, status);
      const res = await request(t.app).patch(`/api/admin/policies/${id}`).set(auth(crew.office.token)).send({ title: '修改后的标题内容' });
      expect([status, res.status, res.body.error.code, res.body.error.details?.status]).toEqual([status, 409, 'invalid_state', status]);
      expect((await stored(id))?.title).not.toBe('修改后的标题内容');
    }
  });

  it('answers 404 for an unknown policy and for a handler of another department', async () => {
    const { id } = await createPolicyDraft(t, crew);
    expect((await request(t.app).patch(`/api/admin/policies/${UNKNOWN_ID}`).set(auth(crew.office.token)).send({ title: '修改后的标题内容' })).status).toBe(404);
    const other = await request(t.app).patch(`/api/admin/policies/${id}`).set(auth(crew.otherHandler.token)).send({ title: '修改后的标题内容' });
    expect(other.status).toBe(404);
    const own = await request(t.app).patch(`/api/admin/policies/${id}`).set(auth(crew.handler.token)).send({ title: '修改后的标题内容' });
    expect(own.status).toBe(200);
  });

  it('refuses an empty change set and a sanitized-empty body', async () => {
    const { id } = await createPolicyDraft(t, crew);
    const empty = await request(t.app).patch(`/api/admin/policies/${id}`).set(auth(crew.office.token)).send({});
    expect(empty.status).toBe(400);
    const script = await request(t.app).patch(`/api/admin/policies/${id}`).set(auth(crew.office.token)).send({ body: '<script>x()</script>' });
    expect(script.status).toBe(400);
    expect(script.body.error.details[0].path).toBe('body');
  });
});

describe('submitting, approving and returning', () => {
  it('refuses to submit an incomplete catalog or a 规范性文件 without 文号, naming every missing field', async () => {
    const { id } = await createPolicyDraft(t, crew, { documentNumber: null, catalog: { summary: '', basis: '' } });
    const res = await request(t.app).post(`/api/admin/policies/${id}/submit`).set(auth(crew.office.token));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'documentNumber', message: '规范性文件须填写文号' },
      { path: 'catalog.summary', message: '提交审核前请填写内容摘要' },
      { path: 'catalog.basis', message: '提交审核前请填写公开依据' },
    ]);
    expect((await stored(id))?.status).toBe('draft');
  });

  it('lets a 通知公告 without 文号 go to review', async () => {
    const { id } = await createPolicyDraft(t, crew, { category: 'notice', documentNumber: null });
    const res = await request(t.app).post(`/api/admin/policies/${id}/submit`).set(auth(crew.handler.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'in_review', documentNumber: null });
  });

  it('refuses approval without a confidentiality review (400) and stores the review with the acting reviewer', async () => {
    const id = await policyIn(t, crew, 'in_review');
    const missing = await request(t.app).post(`/api/admin/policies/${id}/approve`).set(auth(crew.reviewer.token)).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ in: 'body', path: 'confidentialityReview', message: '审核通过前须完成保密审查' }]);
    const badResult = await request(t.app).post(`/api/admin/policies/${id}/approve`).set(auth(crew.reviewer.token)).send({ confidentialityReview: { result: 'maybe' } });
    expect(badResult.status).toBe(400);
    const redactedWithoutNote = await request(t.app)
      .post(`/api/admin/policies/${id}/approve`)
      .set(auth(crew.reviewer.token))
      .send({ confidentialityReview: { result: 'redacted' } });
    expect(redactedWithoutNote.status).toBe(400);
    expect(redactedWithoutNote.body.error.details).toEqual([{ in: 'body', path: 'confidentialityReview.note', message: '请说明作了哪些删除或脱密处理' }]);
    const future = await request(t.app)
      .post(`/api/admin/policies/${id}/approve`)
      .set(auth(crew.reviewer.token))
      .send({ confidentialityReview: { result: 'no_secrets', checkedAt: new Date(t.clock.now() + 86_400_000).toISOString() } });
    expect(future.status).toBe(400);
    expect((await stored(id))?.status).toBe('in_review');

    const checkedAt = new Date(t.clock.now() - 3_600_000).toISOString();
    const res = await request(t.app)
      .post(`/api/admin/policies/${id}/approve`)
      .set(auth(crew.reviewer.token))
      .send({ confidentialityReview: { result: 'redacted', note: '删除了第三条中的内部联系人电话', checkedAt } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      confidentialityReview: {
        reviewerId: crew.reviewer.id,
        reviewerUsername: crew.reviewer.staff.username,
        checkedAt,
        result: 'redacted',
        resultLabel: '涉密内容已作删除或脱密处理',
        note: '删除了第三条中的内部联系人电话',
      },
    });
    const doc = await stored(id);
    expect(doc?.confidentialityReview).toMatchObject({ reviewerId: crew.reviewer.id, result: 'redacted', checkedAt: new Date(checkedAt) });
    const entry = (await auditsOf(id)).find((e) => e.action === 'policy.approve');
    expect(entry).toMatchObject({ actor: { id: crew.reviewer.id, role: 'reviewer' }, details: { from: 'in_review', to: 'approved', confidentialityReview: { result: 'redacted', checkedAt } } });
  });

  it('returns with a reason (required), which is cleared on resubmission', async () => {
    const id = await policyIn(t, crew, 'in_review');
    const noReason = await request(t.app).post(`/api/admin/policies/${id}/return`).set(auth(crew.reviewer.token)).send({});
    expect(noReason.status).toBe(400);
    const res = await step(t, crew.reviewer.token, 'policies', id, 'return', { reason: '公开依据表述不准确' });
    expect(res).toMatchObject({ status: 'returned', statusLabel: '已退回', returnReason: '公开依据表述不准确' });
    const resubmitted = await step(t, crew.handler.token, 'policies', id, 'submit');
    expect(resubmitted).toMatchObject({ status: 'in_review', returnReason: null });
    expect(resubmitted.history.map((h: { action: string; note: string | null }) => [h.action, h.note])).toEqual([
      ['create', null],
      ['submit', null],
      ['return', '公开依据表述不准确'],
      ['submit', null],
    ]);
  });
});

describe('publishing', () => {
  it('publishes at the given past instant, defaults the effective date to the CST date, and publishes approved interpretations with it', async () => {
    const id = await policyIn(t, crew, 'approved');
    const approvedInterpretation = await interpretationIn(t, crew, id, 'approved', { kind: 'qa', body: undefined, qa: [{ question: '适用范围？', answer: '全县城市社区。' }] });
    const draftInterpretation = await interpretationIn(t, crew, id, 'draft');
    const publishedAt = '2026-03-31T17:30:00.000Z'; // 2026-04-01 01:30 CST
    const res = await step(t, crew.office.token, 'policies', id, 'publish', { publishedAt });
    expect(res).toMatchObject({
      status: 'published',
      publishedAt,
      effectiveDate: '2026-04-01',
      validity: 'valid',
      interpretationCount: 1,
      interpretationKinds: [{ kind: 'qa', label: '问答' }],
      catalog: { publishedAt: '2026-04-01' },
      interpretationDeadline: { startDate: '2026-04-01', workingDays: 3, explanation: expect.stringContaining('自2026年4月1日起算3个工作日') },
    });
    const interpretations = await t.models.Interpretation.find({ policyId: id }).lean();
    const byId = new Map(interpretations.map((i) => [i._id.toHexString(), i]));
    expect(byId.get(approvedInterpretation)).toMatchObject({ status: 'published', publishedAt: new Date(publishedAt) });
    expect(byId.get(approvedInterpretation)?.history.at(-1)).toMatchObject({ action: 'publish', note: '随政策文件同步发布' });
    expect(byId.get(draftInterpretation)?.status).toBe('draft');
    expect((await stored(id))?.interpretation).toEqual({ count: 1, kinds: ['qa'], firstPublishedAt: new Date(publishedAt) });
    const actions = (await t.models.AuditEntry.find({ targetId: { $in: [id, approvedInterpretation] } }).lean()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['policy.publish', 'interpretation.publish']));
  });

  it('leaves approved interpretations alone with withInterpretations: false, and refuses a future instant', async () => {
    const id = await policyIn(t, crew, 'approved');
    const interpretation = await interpretationIn(t, crew, id, 'approved');
    const future = await request(t.app)
      .post(`/api/admin/policies/${id}/publish`)
      .set(auth(crew.office.token))
      .send({ publishedAt: new Date(t.clock.now() + 3_600_000).toISOString() });
    expect(future.status).toBe(400);
    expect(future.body.error.details).toEqual([{ in: 'body', path: 'publishedAt', message: '发布时间不能晚于当前时间' }]);
    const res = await step(t, crew.office.token, 'policies', id, 'publish', { withInterpretations: false });
    expect(res).toMatchObject({ status: 'published', publishedAt: new Date(t.clock.now()).toISOString(), interpretationCount: 0 });
    expect((await t.models.Interpretation.findById(interpretation).lean())?.status).toBe('approved');
  });

  it('refuses an effective date on or after the expiry date', async () => {
    const id = await policyIn(t, crew, 'approved', { expiryDate: '2030-01-01' });
    const res = await request(t.app).post(`/api/admin/policies/${id}/publish`).set(auth(crew.office.token)).send({ effectiveDate: '2031-01-01' });
    expect(res.status).toBe(400);
    expect((await stored(id))?.status).toBe('approved');
  });
});

describe('the state machine', () => {
  const STATES: PolicyStatus[] = ['draft', 'in_review', 'returned', 'approved', 'published'];
  const ACTIONS: { action: string; role: StaffRole; from: PolicyStatus[]; body: () => object }[] = [
    { action: 'submit', role: 'office', from: ['draft', 'returned'], body: () => ({}) },
    { action: 'approve', role: 'reviewer', from: ['in_review'], body: () => APPROVAL },
    { action: 'return', role: 'reviewer', from: ['in_review'], body: () => ({ reason: '请补充内容' }) },
    { action: 'publish', role: 'office', from: ['approved'], body: () => ({}) },
    { action: 'repeal', role: 'office', from: ['published'], body: () => ({}) },
    { action: 'amend', role: 'office', from: ['published'], body: () => ({}) },
    { action: 'expire', role: 'office', from: ['published'], body: () => ({}) },
  ];
  const ids = new Map<PolicyStatus, string>();
  beforeAll(async () => {
    for (const s of STATES) ids.set(s, await policyIn(t, crew, s));
  });

  it('answers 409 invalid_state with the current status for every action from every state it does not start from', async () => {
    let checked = 0;
    for (const a of ACTIONS) {
      for (const s of STATES.filter((x) => !a.from.includes(x))) {
        const res = await request(t.app).post(`/api/admin/policies/${ids.get(s)}/${a.action}`).set(auth(tokenOf(a.role))).send(a.body());
        expect([a.action, s, res.status, res.body.error?.code, res.body.error?.details?.status]).toEqual([a.action, s, 409, 'invalid_state', s]);
        checked++;
      }
    }
    expect(checked).toBe(27);
    for (const s of STATES) expect((await stored(ids.get(s)!))?.status).toBe(s);
  });

  it('answers 404 for an unknown policy on every action', async () => {
    for (const a of ACTIONS) {
      const res = await request(t.app).post(`/api/admin/policies/${UNKNOWN_ID}/${a.action}`).set(auth(tokenOf(a.role))).send(a.body());
      expect([a.action, res.status]).toEqual([a.action, 404]);
    }
  });

  it('lets exactly one of two concurrent approvals succeed', async () => {
    const id = await policyIn(t, crew, 'in_review');
    const other = await t.createStaff({ role: 'reviewer' });
    const results = await Promise.all(
      [crew.reviewer.token, other.token].map((token) => request(t.app).post(`/api/admin/policies/${id}/approve`).set(auth(token)).send(APPROVAL)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const doc = await stored(id);
    expect(doc?.history.filter((h) => h.action === 'approve')).toHaveLength(1);
    expect(await t.models.AuditEntry.countDocuments({ targetId: id, action: 'policy.approve' })).toBe(1);
  });

  it('records every step in the history and the audit log, in order', async () => {
    const { id } = await createPolicyDraft(t, crew);
    await drive(t, crew, 'policies', id, 'returned');
    await drive(t, crew, 'policies', id, 'published');
    await step(t, crew.office.token, 'policies', id, 'amend', { note: '第五条已修改' });
    const doc = await stored(id);
    expect(doc?.history.map((h) => `${h.action}:${h.fromStatus}→${h.toStatus}`)).toEqual([
      'create:null→draft',
      'submit:draft→in_review',
      'return:in_review→returned',
      'submit:returned→in_review',
      'approve:in_review→approved',
      'publish:approved→published',
      'amend:published→published',
    ]);
    expect((await auditsOf(id)).map((e) => e.action)).toEqual([
      'policy.create',
      'policy.submit',
      'policy.return',
      'policy.submit',
      'policy.approve',
      'policy.publish',
      'policy.amend',
    ]);
  });
});

describe('validity marks: repeal, amend, expire', () => {
  it('repeals a policy replaced by a published one and links both documents', async () => {
    const old = await policyIn(t, crew, 'published');
    const replacement = await policyIn(t, crew, 'published');
    const res = await step(t, crew.office.token, 'policies', old, 'repeal', { replacedById: replacement, note: '被新文件替代' });
    expect(res).toMatchObject({
      validity: 'repealed',
      validityLabel: '已废止',
      validityNote: '被新文件替代',
      related: { replacedBy: [expect.objectContaining({ id: replacement, validity: 'valid' })], replaces: [], amends: [], amendedBy: [] },
    });
    expect(res.validityChangedAt).toBe(new Date(t.clock.now()).toISOString());
    const other = await request(t.app).get(`/api/admin/policies/${replacement}`).set(auth(crew.office.token));
    expect(other.body.related.replaces).toEqual([expect.objectContaining({ id: old, validity: 'repealed', validityLabel: '已废止' })]);
    expect(other.body.history.at(-1)).toMatchObject({ action: 'link_replaces', note: res.title });
    const entry = (await auditsOf(old)).find((e) => e.action === 'policy.repeal');
    expect(entry?.details).toMatchObject({ validity: { from: 'valid', to: 'repealed' }, relatedId: replacement });
  });

  it('amends a policy more than once, linking each amending document', async () => {
    const base = await policyIn(t, crew, 'published');
    const first = await policyIn(t, crew, 'published');
    const second = await policyIn(t, crew, 'published');
    await step(t, crew.office.token, 'policies', base, 'amend', { replacedById: first });
    const res = await step(t, crew.office.token, 'policies', base, 'amend', { replacedById: second });
    expect(res.validity).toBe('amended');
    expect(res.related.amendedBy.map((r: { id: string }) => r.id)).toEqual([first, second]);
    const amending = await stored(first);
    expect(amending?.relations.amends.map((x) => x.toHexString())).toEqual([base]);
  });

  it('refuses a replacing document that is not published (409), unknown (400) or the policy itself (400)', async () => {
    const id = await policyIn(t, crew, 'published');
    const draft = await policyIn(t, crew, 'approved');
    const notPublished = await request(t.app).post(`/api/admin/policies/${id}/repeal`).set(auth(crew.office.token)).send({ replacedById: draft });
    expect(notPublished.status).toBe(409);
    expect(notPublished.body.error).toMatchObject({ code: 'invalid_state', details: { replacedBy: { id: draft, status: 'approved' } } });
    const unknown = await request(t.app).post(`/api/admin/policies/${id}/amend`).set(auth(crew.office.token)).send({ replacedById: UNKNOWN_ID });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ in: 'body', path: 'replacedById', message: '所选文件不存在' }]);
    const self = await request(t.app).post(`/api/admin/policies/${id}/repeal`).set(auth(crew.office.token)).send({ replacedById: id });
    expect(self.status).toBe(400);
    const doc = await stored(id);
    expect(doc?.validity).toBe('valid');
    expect((await stored(draft))?.relations.replaces).toEqual([]);
  });

  it('refuses any mark on a repealed or expired policy (409)', async () => {
    const repealed = await policyIn(t, crew, 'published');
    await step(t, crew.office.token, 'policies', repealed, 'repeal');
    const expired = await policyIn(t, crew, 'published');
    expect((await step(t, crew.office.token, 'policies', expired, 'expire', { note: '有效期届满' })).validity).toBe('expired');
    for (const id of [repealed, expired]) {
      for (const action of ['repeal', 'amend', 'expire']) {
        const res = await request(t.app).post(`/api/admin/policies/${id}/${action}`).set(auth(crew.office.token)).send({});
        expect([action, res.status, res.body.error.code]).toEqual([action, 409, 'invalid_state']);
        expect(res.body.error.details.status).toBe('published');
      }
    }
  });
});

describe('GET /api/admin/policies', () => {
  it('filters by status, category, department and text, newest first; handlers see their department only', async () => {
    const marker = `筛选测试${Date.now()}`;
    const mine = await createPolicyDraft(t, crew, { title: `${marker}本部门文件`, category: 'notice', documentNumber: null });
    const theirs = await createPolicyDraft(t, crew, { title: `${marker}他部门文件` }, crew.office.token);
    await t.models.Policy.updateOne({ _id: theirs.id }, { $set: { departmentId: crew.otherDepartment._id } });

    const office = await request(t.app).get(`/api/admin/policies?q=${encodeURIComponent(marker)}`).set(auth(crew.office.token));
    expect(office.body.items.map((p: { id: string }) => p.id)).toEqual([theirs.id, mine.id]);
    const handler = await request(t.app).get(`/api/admin/policies?q=${encodeURIComponent(marker)}`).set(auth(crew.handler.token));
    expect(handler.body.items.map((p: { id: string }) => p.id)).toEqual([mine.id]);
    expect((await request(t.app).get(`/api/admin/policies/${theirs.id}`).set(auth(crew.handler.token))).status).toBe(404);

    const notices = await request(t.app).get(`/api/admin/policies?q=${encodeURIComponent(marker)}&category=notice&status=draft`).set(auth(crew.office.token));
    expect(notices.body.items.map((p: { id: string }) => p.id)).toEqual([mine.id]);
    const byDept = await request(t.app)
      .get(`/api/admin/policies?q=${encodeURIComponent(marker)}&departmentId=${crew.otherDepartment._id.toHexString()}`)
      .set(auth(crew.reviewer.token));
    expect(byDept.body.items.map((p: { id: string }) => p.id)).toEqual([theirs.id]);
    expect(office.body.items[0]).toMatchObject({ status: 'draft', statusLabel: '草稿', interpretationCount: 0 });
  });

  it('rejects unknown filters values with 400', async () => {
    const res = await request(t.app).get('/api/admin/policies?status=deleted&limit=0').set(auth(crew.office.token));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['limit', 'status']);
  });

  it('GET /:id answers 404 for an unknown id and shows the interpretations of every state to staff', async () => {
    expect((await request(t.app).get(`/api/admin/policies/${UNKNOWN_ID}`).set(auth(crew.office.token))).status).toBe(404);
    const id = await policyIn(t, crew, 'draft');
    const i = await createInterpretationDraft(t, crew, id);
    const res = await request(t.app).get(`/api/admin/policies/${id}`).set(auth(crew.reviewer.token));
    expect(res.status).toBe(200);
    expect(res.body.interpretations).toEqual([expect.objectContaining({ id: i.id, status: 'draft', kind: 'text', kindLabel: '文字解读' })]);
  });
});
