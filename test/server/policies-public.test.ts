/**
 * What the public sees of policies: only published documents, in stable newest-first pages even
 * while new ones are published between page fetches, searched literally (user input is never a
 * pattern), with their published interpretations, related documents, attachments and catalog
 * entry; views counted per instance and stored by a flush; attachments downloadable once published and not before.
 */
import request from 'supertest';
import { auth, createTestApp, type TestApp } from '../support/app';
import {
  createInterpretationDraft,
  createPolicyCrew,
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
  citizen = await t.citizenToken('public-reader');
});
afterAll(() => t.close());

const MINUTE = 60_000;
type Row = { id: string; title: string; publishedAt: string };

/** A category of its own, so a test's list holds only the policies it made. */
async function freshCategory(key: string): Promise<string> {
  const res = await request(t.app).post('/api/admin/categories').set(auth(crew.admin.token)).send({ key, name: `测试类别${key}` });
  if (res.status !== 201) throw new Error(`category: ${res.status} ${JSON.stringify(res.body)}`);
  return key;
}

async function listAll(query: string, limit: number, between?: (page: number) => Promise<void>): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  for (let page = 0; ; page++) {
    const res = await request(t.app).get(`/api/policies?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    rows.push(...(res.body.items as Row[]));
    cursor = res.body.nextCursor;
    if (!cursor) return rows;
    if (between) await between(page);
  }
}

describe('GET /api/policies', () => {
  it('lists only published policies, never drafts, policies in review, returned or approved ones', async () => {
    const category = await freshCategory('visibility');
    const ids: Record<string, string> = {};
    for (const status of ['draft', 'in_review', 'returned', 'approved', 'published'] as const) {
      ids[status] = await policyIn(t, crew, status, { category, documentNumber: null });
    }
    const res = await request(t.app).get(`/api/policies?category=${category}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: Row) => r.id)).toEqual([ids.published]);
    expect(res.body.items[0]).toEqual({
      id: ids.published,
      title: expect.any(String),
      documentNumber: null,
      issuingBody: '县人民政府办公室',
      category: { key: category, name: `测试类别${category}` },
      publishedAt: new Date(t.clock.now()).toISOString(),
      validity: 'valid',
      validityLabel: '现行有效',
      interpreted: false,
      interpretationKinds: [],
    });
  });

  it('says whether a policy is interpreted and in which forms', async () => {
    const category = await freshCategory('interpreted');
    const id = await policyIn(t, crew, 'published', { category, documentNumber: null });
    await interpretationIn(t, crew, id, 'published');
    await interpretationIn(t, crew, id, 'published', { kind: 'video', body: undefined, videoUrl: 'https://video.example.gov.cn/jiedu.mp4' });
    await interpretationIn(t, crew, id, 'approved', { kind: 'qa', body: undefined, qa: [{ question: '问', answer: '答' }] });
    const res = await request(t.app).get(`/api/policies?category=${category}`);
    expect(res.body.items[0]).toMatchObject({
      interpreted: true,
      interpretationKinds: [
        { kind: 'text', label: '文字解读' },
        { kind: 'video', label: '视频解读' },
      ],
    });
  });

  it('filters by validity', async () => {
    const category = await freshCategory('validity');
    const valid = await policyIn(t, crew, 'published', { category, documentNumber: null });
    const repealed = await policyIn(t, crew, 'published', { category, documentNumber: null });
    await step(t, crew.office.token, 'policies', repealed, 'repeal', { replacedById: valid });
    const rep = await request(t.app).get(`/api/policies?category=${category}&validity=repealed`);
    expect(rep.body.items.map((r: Row & { validityLabel: string }) => [r.id, r.validityLabel])).toEqual([[repealed, '已废止']]);
    const val = await request(t.app).get(`/api/policies?category=${category}&validity=valid`);
    expect(val.body.items.map((r: Row) => r.id)).toEqual([valid]);
    const bad = await request(t.app).get('/api/policies?validity=gone');
    expect(bad.status).toBe(400);
  });

  it('matches search text literally in title and 文号: 〔2022〕 and a.*b( are not patterns', async () => {
    const category = await freshCategory('search');
    const bracket = await policyIn(t, crew, 'published', { category, documentNumber: '沪民宗发〔2022〕3号', title: '关于宗教活动场所管理的通知' });
    const other = await policyIn(t, crew, 'published', { category, documentNumber: '沪民宗发〔2023〕4号', title: '关于年度检查工作的通知' });
    const literal = await policyIn(t, crew, 'published', { category, documentNumber: null, title: '关于 a.*b( 表达式的说明' });
    const lookalike = await policyIn(t, crew, 'published', { category, documentNumber: null, title: '关于 aXXb 表达式的说明' });
    const hidden = await policyIn(t, crew, 'approved', { category, documentNumber: '沪民宗发〔2022〕9号', title: '尚未发布的文件' });

    const search = async (q: string) => {
      const res = await request(t.app).get(`/api/policies?category=${category}&q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return (res.body.items as Row[]).map((r) => r.id).sort();
    };
    expect(await search('〔2022〕')).toEqual([bracket]);
    expect(await search('a.*b(')).toEqual([literal]);
    expect(await search('.*')).toEqual([literal]);
    expect(await search('(')).toEqual([literal]);
    expect(await search('宗教活动')).toEqual([bracket]);
    expect(await search('沪民宗发')).toEqual([bracket, other].sort());
    expect(await search('AXXB')).toEqual([lookalike]);
    expect((await search('尚未发布')).includes(hidden)).toBe(false);
    const tooLong = await request(t.app).get(`/api/policies?q=${'字'.repeat(51)}`);
    expect(tooLong.status).toBe(400);
  });

  it('pages newest first without duplicates or gaps while new policies are published between page fetches', async () => {
    const category = await freshCategory('paging');
    const original: string[] = [];
    for (let i = 0; i < 7; i++) {
      t.clock.advance(MINUTE);
      original.unshift(await policyIn(t, crew, 'published', { category, documentNumber: null }));
    }
    const added: string[] = [];
    const rows = await listAll(`category=${category}`, 3, async () => {
      // Two newer policies published after each page.
      for (let i = 0; i < 2; i++) {
        t.clock.advance(MINUTE);
        added.push(await policyIn(t, crew, 'published', { category, documentNumber: null }));
      }
    });
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(original);
    const times = rows.map((r) => Date.parse(r.publishedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // A fresh first page starts with the newest.
    const fresh = await request(t.app).get(`/api/policies?category=${category}&limit=2`);
    expect(fresh.body.items.map((r: Row) => r.id)).toEqual([added[added.length - 1], added[added.length - 2]]);
  });

  it('pages policies published at the same instant by id, without duplicates or gaps', async () => {
    const category = await freshCategory('sameinstant');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await policyIn(t, crew, 'published', { category, documentNumber: null }));
    const rows = await listAll(`category=${category}`, 2);
    expect(rows.map((r) => r.id)).toEqual([...ids].sort().reverse());
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await request(t.app).get('/api/policies?cursor=not-a-cursor');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'query', path: 'cursor', message: '无效的分页参数' }]);
  });
});

describe('GET /api/policies/:id', () => {
  it('answers 404 for drafts, policies in review, returned and approved ones, and unknown ids', async () => {
    for (const status of ['draft', 'in_review', 'returned', 'approved'] as const) {
      const id = await policyIn(t, crew, status);
      const res = await request(t.app).get(`/api/policies/${id}`);
      expect([status, res.status, res.body.error.code]).toEqual([status, 404, 'not_found']);
      expect((await t.models.Policy.findById(id).lean())?.viewCount).toBe(0);
    }
    expect((await request(t.app).get('/api/policies/aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await request(t.app).get('/api/policies/not-an-id')).status).toBe(400);
  });

  it('shows the policy with its published interpretations, related documents, attachments and the 13 catalog elements', async () => {
    const pdf = await uploadFile(t, crew.office.token, 'pdf');
    const chart = await uploadFile(t, crew.office.token, 'png');
    const older = await policyIn(t, crew, 'published');
    const id = await policyIn(t, crew, 'approved', {
      attachmentIds: [pdf],
      effectiveDate: '2026-12-01',
      expiryDate: '2031-11-30',
      catalog: { summary: '养老服务补贴标准', websiteColumn: '政策文件' },
    });
    await interpretationIn(t, crew, id, 'approved', {
      kind: 'graphic',
      body: undefined,
      imageIds: [chart],
      title: '一图读懂实施意见',
    });
    await interpretationIn(t, crew, id, 'draft', { title: '尚在起草的解读' });
    await step(t, crew.office.token, 'policies', id, 'publish');
    await step(t, crew.office.token, 'policies', older, 'repeal', { replacedById: id });

    const res = await request(t.app).get(`/api/policies/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      effectiveDate: '2026-12-01',
      expiryDate: '2031-11-30',
      departmentName: crew.department.name,
      body: expect.stringContaining('<p>'),
      viewCount: 1,
      attachments: [{ id: pdf, contentType: 'application/pdf', kind: 'pdf', filename: '原文.pdf', url: `/api/uploads/${pdf}`, size: expect.any(Number) }],
      interpretations: [
        {
          id: expect.any(String),
          kind: 'graphic',
          kindLabel: '图解',
          title: '一图读懂实施意见',
          body: null,
          qa: [],
          videoUrl: null,
          images: [expect.objectContaining({ id: chart, kind: 'image', url: `/api/uploads/${chart}` })],
          attachments: [],
          author: '县民政局',
          source: '县人民政府办公室',
          publishedAt: expect.any(String),
        },
      ],
      related: {
        replaces: [expect.objectContaining({ id: older, validity: 'repealed', validityLabel: '已废止' })],
        replacedBy: [],
        amends: [],
        amendedBy: [],
      },
    });
    expect(Object.keys(res.body.catalog).sort()).toEqual(
      ['category', 'name', 'summary', 'basis', 'subject', 'department', 'timeLimit', 'audience', 'channel', 'method', 'attribute', 'attributeLabel', 'websiteColumn', 'publishedAt'].sort(),
    );
    expect(res.body.catalog).toMatchObject({ category: '规范性文件', summary: '养老服务补贴标准', websiteColumn: '政策文件', attributeLabel: '主动公开' });
    // No review data, staff names or history leak to the public.
    for (const key of ['history', 'confidentialityReview', 'returnReason', 'createdBy', 'status']) expect(res.body).not.toHaveProperty(key);

    const olderView = await request(t.app).get(`/api/policies/${older}`);
    expect(olderView.body).toMatchObject({ validity: 'repealed', related: { replacedBy: [expect.objectContaining({ id, validity: 'valid' })] } });
  });

  it('counts every public view in memory and stores the counts with the next flush, never staff previews', async () => {
    const id = await policyIn(t, crew, 'published');
    const before = await t.models.Policy.findById(id).lean();
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const r = request(t.app).get(`/api/policies/${id}`);
        return i % 2 === 0 ? r : r.set(auth(citizen));
      }),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    // A view waits for no write: nothing is stored until the instance flushes its counts.
    expect((await t.models.Policy.findById(id).lean())?.viewCount).toBe(0);
    // This instance's answers include the counts it holds; a staff preview adds none.
    const staffView = await request(t.app).get(`/api/policies/${id}`).set(auth(crew.office.token));
    expect(staffView.status).toBe(200);
    expect(staffView.body.viewCount).toBe(24);

    await t.services.policies.flushViews();
    const after = await t.models.Policy.findById(id).lean();
    expect(after?.viewCount).toBe(24);
    // Views are not edits.
    expect(after?.updatedAt).toEqual(before?.updatedAt);
    // Stored counts are not counted twice, and the next view counts on from them.
    await t.services.policies.flushViews();
    expect((await t.models.Policy.findById(id).lean())?.viewCount).toBe(24);
    expect((await request(t.app).get(`/api/policies/${id}`)).body.viewCount).toBe(25);
  });
});

describe('GET /api/categories', () => {
  it('lists the catalog in order with counts of published policies only', async () => {
    const before = await request(t.app).get('/api/categories');
    const countOf = (body: { items: { key: string; publishedCount: number }[] }, key: string) => body.items.find((c) => c.key === key)?.publishedCount;
    await policyIn(t, crew, 'published', { category: 'budget', documentNumber: null });
    await policyIn(t, crew, 'approved', { category: 'budget', documentNumber: null });
    const res = await request(t.app).get('/api/categories');
    expect(res.status).toBe(200);
    expect(countOf(res.body, 'budget')).toBe((countOf(before.body, 'budget') ?? 0) + 1);
    expect(res.body.items.slice(0, 3)).toEqual([
      { key: 'normative', name: '规范性文件', description: '', publishedCount: expect.any(Number) },
      { key: 'notice', name: '通知公告', description: '', publishedCount: expect.any(Number) },
      { key: 'power_list', name: '权力清单', description: '', publishedCount: expect.any(Number) },
    ]);
  });
});

describe('attachment downloads', () => {
  it('serves a published policy’s attachments to anyone, and an unpublished one’s to staff of its department only', async () => {
    const published = await uploadFile(t, crew.office.token, 'pdf');
    const unpublished = await uploadFile(t, crew.office.token, 'pdf');
    await policyIn(t, crew, 'published', { attachmentIds: [published] });
    await policyIn(t, crew, 'approved', { attachmentIds: [unpublished] });

    const anon = await request(t.app).get(`/api/uploads/${published}`);
    expect(anon.status).toBe(200);
    expect(anon.headers['content-type']).toBe('application/pdf');
    expect((await request(t.app).get(`/api/uploads/${published}`).set(auth(citizen))).status).toBe(200);

    expect((await request(t.app).get(`/api/uploads/${unpublished}`)).status).toBe(404);
    expect((await request(t.app).get(`/api/uploads/${unpublished}`).set(auth(citizen))).status).toBe(404);
    expect((await request(t.app).get(`/api/uploads/${unpublished}`).set(auth(crew.reviewer.token))).status).toBe(200);
    expect((await request(t.app).get(`/api/uploads/${unpublished}`).set(auth(crew.handler.token))).status).toBe(200);
    expect((await request(t.app).get(`/api/uploads/${unpublished}`).set(auth(crew.otherHandler.token))).status).toBe(404);
    // Policies are public material: staff downloads are not audited as personal-data reads.
    expect(await t.models.AuditEntry.countDocuments({ action: 'upload.read_attachment', targetId: unpublished })).toBe(0);
  });

  it('serves interpretation images once the interpretation is published', async () => {
    const policyId = await policyIn(t, crew, 'published');
    const image = await uploadFile(t, crew.office.token, 'png');
    const { id } = await createInterpretationDraft(t, crew, policyId, { kind: 'graphic', body: undefined, imageIds: [image] });
    expect((await request(t.app).get(`/api/uploads/${image}`)).status).toBe(404);
    await drive(t, crew, 'interpretations', id, 'published');
    const res = await request(t.app).get(`/api/uploads/${image}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
  });
});
