/**
 * 政策 end to end: policies seeded through the admin API (create → submit → approve with a
 * confidentiality review → publish, and an interpretation the same way) are found by keyword in
 * the H5 policy list, and the detail shows the document and its interpretation.
 */
import { z } from 'zod';
import { PolicyPublicRowSchema, PolicyPublicViewSchema } from '../../shared/policies';
import { call, createCrew, type Crew } from './support/api';
import { control, field, gotoPage, openPhone, screenshot, visible, visibleText, waitForRoute, type PhoneBrowser } from './support/browser';

const CreatedSchema = z.object({ id: z.string() }).passthrough();
const StepSchema = z.object({ status: z.string() }).passthrough();
const PolicyPageSchema = z.object({ items: z.array(PolicyPublicRowSchema), nextCursor: z.string().nullable() });

/** The approval body: 保密审查 is required before anything is published. */
const APPROVAL = { confidentialityReview: { result: 'no_secrets', note: '经审查，不涉及国家秘密' } };

const KEYWORD = '养老服务补贴';
const MATCHING = {
  title: `关于发放城乡高龄老人${KEYWORD}的通知`,
  documentNumber: '县民发〔2026〕18号',
  issuingBody: '县民政局',
  category: 'normative',
  catalog: { summary: '明确高龄老人养老服务补贴的发放对象、标准和程序。' },
  body: '<p>各乡镇人民政府：</p><p>为做好高龄老人养老服务补贴发放工作，现将有关事项通知如下。</p>',
};
const OTHER = {
  title: '关于加强农村道路交通安全管理的通知',
  documentNumber: '县府办发〔2026〕31号',
  issuingBody: '县人民政府办公室',
  category: 'normative',
  catalog: { summary: '部署农村道路交通安全隐患排查整治工作。' },
  body: '<p>各乡镇人民政府，县政府各部门：</p><p>现就加强农村道路交通安全管理有关事项通知如下。</p>',
};
const INTERPRETATION = {
  kind: 'text',
  title: '《关于发放城乡高龄老人养老服务补贴的通知》政策解读',
  body: '<h2>一、补贴对象</h2><p>本县户籍、年满80周岁的老年人，每月可领取养老服务补贴。</p>',
  author: '县民政局',
  source: '县人民政府办公室',
};

let phone: PhoneBrowser;
let crew: Crew;
let policyId = '';
let otherId = '';

/** Takes a draft through review to publication over the admin API. */
async function publish(kind: 'policies' | 'interpretations', id: string): Promise<void> {
  expect((await call('POST', `/api/admin/${kind}/${id}/submit`, StepSchema, { token: crew.office, body: {} })).status).toBe('in_review');
  expect((await call('POST', `/api/admin/${kind}/${id}/approve`, StepSchema, { token: crew.reviewer, body: APPROVAL })).status).toBe('approved');
  expect((await call('POST', `/api/admin/${kind}/${id}/publish`, StepSchema, { token: crew.office, body: {} })).status).toBe('published');
}

beforeAll(async () => {
  crew = await createCrew('县民政局');
  const create = (input: object) => call('POST', '/api/admin/policies', CreatedSchema, { token: crew.office, body: { ...input, departmentId: crew.departmentId } });
  policyId = (await create(MATCHING)).id;
  otherId = (await create(OTHER)).id;
  await publish('policies', policyId);
  await publish('policies', otherId);
  const interpretation = await call('POST', '/api/admin/interpretations', CreatedSchema, { token: crew.office, body: { ...INTERPRETATION, policyId } });
  await publish('interpretations', interpretation.id);
  phone = await openPhone();
});
afterAll(async () => {
  await phone?.close();
});
afterEach(() => {
  expect(phone.pageErrors).toEqual([]);
});

describe('政策: search and read a policy with its interpretation', () => {
  it('finds the seeded policy by keyword and leaves the other one out', async () => {
    const { page } = phone;
    await gotoPage(page, '/pages/policies/index');
    // Both published policies are listed before searching.
    await visible(page, `[data-policy-id="${otherId}"]`).waitFor();
    await visible(page, `[data-policy-id="${policyId}"]`).waitFor();

    await field(page, '搜索政策').fill(KEYWORD);
    await control(page, '搜索').tap();
    await visibleText(page, `“${KEYWORD}”的搜索结果`).waitFor();
    await expect(visible(page, `[data-policy-id="${otherId}"]`).count()).resolves.toBe(0);
    const card = visible(page, `[data-policy-id="${policyId}"]`);
    await expect(card.textContent()).resolves.toContain(MATCHING.title);
    await expect(card.textContent()).resolves.toContain('现行有效');
    await expect(card.textContent()).resolves.toContain(MATCHING.documentNumber);
    await screenshot(page, 'policies-1-search');

    // The server answers the same search with the same single policy.
    const found = await call('GET', `/api/policies?q=${encodeURIComponent(KEYWORD)}`, PolicyPageSchema);
    expect(found.items.map((p) => p.id)).toEqual([policyId]);
    expect(found.items[0]?.interpretationKinds.map((k) => k.kind)).toEqual(['text']);
  });

  it('opens the detail with the document and shows its interpretation', async () => {
    const { page } = phone;
    // Read as staff: staff previews are not counted as views, the citizen's visit is.
    const before = await call('GET', `/api/policies/${policyId}`, PolicyPublicViewSchema, { token: crew.office });
    await visible(page, `[data-policy-id="${policyId}"]`).tap();
    await waitForRoute(page, `/packages/policy/pages/detail/index?id=${policyId}`);
    await visibleText(page, MATCHING.title).waitFor();
    await visibleText(page, '为做好高龄老人养老服务补贴发放工作，现将有关事项通知如下。').waitFor();
    await expect(visibleText(page, '现行有效').count()).resolves.toBe(1);
    await screenshot(page, 'policies-2-detail');

    await visible(page, '[data-tab="interpretations"]').tap();
    const interpretation = visible(page, '[data-interpretation-kind="text"]');
    await expect(interpretation.textContent()).resolves.toContain(INTERPRETATION.title);
    await interpretation.getByText('本县户籍、年满80周岁的老年人，每月可领取养老服务补贴。').waitFor();
    await expect(interpretation.textContent()).resolves.toContain('作者：县民政局');
    await screenshot(page, 'policies-3-interpretation');

    // The one visit was counted once, and the server holds the one published interpretation.
    const after = await call('GET', `/api/policies/${policyId}`, PolicyPublicViewSchema, { token: crew.office });
    expect(after.viewCount).toBe(before.viewCount + 1);
    expect(after.interpretations.map((i) => i.title)).toEqual([INTERPRETATION.title]);
  });
});
