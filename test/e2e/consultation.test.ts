/**
 * 意见征集 end to end: a consultation opened through the admin API is answered once in the H5
 * app (after the Chinese message of a required question left empty); a second attempt from
 * another page that still showed the form is refused by the server and the page switches to
 * 已参与, as does opening the consultation again. The server keeps exactly one response.
 */
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { ConsultationFeedbackSchema, ConsultationPublicViewSchema, StaffOpinionListSchema, StaffResponseListSchema } from '../../shared/consultations';
import { call, citizenToken, createCrew, uniqueSuffix, type Crew } from './support/api';
import { control, field, fieldError, gotoPage, modal, openPhone, screenshot, toast, visible, visibleText, type PhoneBrowser } from './support/browser';

const CreatedSchema = z.object({ id: z.string() }).passthrough();

const QUESTIONS = [
  { id: 'q1', type: 'single', title: '您是否支持草案中的停车收费标准？', required: true, options: ['支持', '反对', '无所谓'] },
  { id: 'q2', type: 'text', title: '您的意见和建议', required: true, minLength: 5, maxLength: 200 },
  { id: 'q3', type: 'rating', title: '对草案的总体评价', required: false },
];
const OPINION = '建议对夜间停车实行优惠收费，方便居民就近停放。';
const DAY = 86_400_000;

let phone: PhoneBrowser;
/** A second tab of the same citizen, opened on the form before the first response is sent. */
let second: Page;
const secondErrors: string[] = [];
let crew: Crew;
let consultationId = '';
const citizen = `e2e-respondent-${uniqueSuffix()}`;
let token: string;
const detailRoute = () => `/packages/consultation/pages/detail/index?id=${consultationId}`;

beforeAll(async () => {
  crew = await createCrew('县城市管理局');
  const now = Date.now();
  const created = await call('POST', '/api/admin/consultations', CreatedSchema, {
    token: crew.office,
    body: {
      title: '关于《县城区公共停车场收费管理办法（征求意见稿）》公开征求意见',
      summary: '为规范城区公共停车场收费，现公开征求社会各界意见。',
      draftHtml: '<h2>第一条</h2><p>为加强城区公共停车场收费管理，制定本办法。</p>',
      departmentId: crew.departmentId,
      startAt: new Date(now - 60_000).toISOString(),
      endAt: new Date(now + 30 * DAY).toISOString(),
      questions: QUESTIONS,
      showResults: true,
      minDurationRule: 'none',
    },
  });
  consultationId = created.id;
  await call('POST', `/api/admin/consultations/${consultationId}/open`, CreatedSchema, { token: crew.office, body: {} });
  token = await citizenToken(citizen);
  phone = await openPhone({ devUser: citizen });
});
afterAll(async () => {
  await phone?.close();
});
afterEach(() => {
  expect(phone.pageErrors).toEqual([]);
});

async function responsesOnServer(): Promise<number> {
  return (await call('GET', `/api/admin/consultations/${consultationId}/responses`, StaffResponseListSchema, { token: crew.office })).items.length;
}

describe('意见征集: one response per person', () => {
  it('lists the open consultation and submits one response after a required question is flagged', async () => {
    const { page } = phone;
    await gotoPage(page, '/packages/consultation/pages/list/index');
    await visible(page, `[data-consultation-id="${consultationId}"]`).tap();
    await page.waitForURL((u) => u.hash.includes(`id=${consultationId}`));
    await visibleText(page, '参与征集').waitFor();

    await visible(page, '[data-option="支持"]').tap();
    await control(page, '提交意见').tap();
    await expect(fieldError(page, 'q2').textContent()).resolves.toBe('此题为必答题');
    expect(await responsesOnServer()).toBe(0);

    await field(page, '您的意见和建议').fill(OPINION);
    await visible(page, '[data-score="4"]').tap();
    await fieldError(page, 'q2').waitFor({ state: 'hidden' });
    await screenshot(page, 'consultation-1-form');

    second = await phone.context.newPage();
    second.on('pageerror', (e) => secondErrors.push(e.message));
    await gotoPage(second, detailRoute());
    await control(second, '提交意见').waitFor();

    await control(page, '提交意见').tap();
    await toast(page, '提交成功').waitFor();
    const done = visible(page, '[data-testid="already-responded"]');
    await expect(done.textContent()).resolves.toContain('已参与');
    await expect(control(page, '提交意见').count()).resolves.toBe(0);
    await toast(page, '提交成功').waitFor({ state: 'hidden' });
    await done.scrollIntoViewIfNeeded();
    await screenshot(page, 'consultation-2-submitted');

    const mine = await call('GET', `/api/consultations/${consultationId}`, ConsultationPublicViewSchema, { token });
    expect(mine.myResponse?.submitted).toBe(true);
    const responses = await call('GET', `/api/admin/consultations/${consultationId}/responses`, StaffResponseListSchema, { token: crew.office });
    expect(responses.items).toHaveLength(1);
    expect(responses.items[0]?.answers).toEqual(
      expect.arrayContaining([
        { questionId: 'q1', value: '支持' },
        { questionId: 'q2', value: OPINION },
        { questionId: 'q3', value: 4 },
      ]),
    );
  });

  it('refuses a second attempt from the tab that still shows the form and switches it to 已参与', async () => {
    try {
      await second.bringToFront();
      await visible(second, '[data-option="反对"]').tap();
      await field(second, '您的意见和建议').fill('第二次提交的意见，应当被拒绝。');
      await control(second, '提交意见').tap();
      // The server's already_responded message; too long for a toast, so the app shows a dialog.
      const dialog = modal(second, '您已参与过本次意见征集，每人只能提交一次');
      await dialog.waitFor();
      await visible(second, '[data-testid="already-responded"]').waitFor();
      await screenshot(second, 'consultation-3-second-attempt');
      await dialog.getByText('知道了', { exact: true }).tap();
      await dialog.waitFor({ state: 'hidden' });
      await expect(control(second, '提交意见').count()).resolves.toBe(0);
      await screenshot(second, 'consultation-4-second-attempt-closed');
    } finally {
      await second.close();
    }
    expect(secondErrors).toEqual([]);
    expect(await responsesOnServer()).toBe(1);
  });

  it('shows 已参与 instead of the form when the consultation is opened again', async () => {
    const { page } = phone;
    await page.bringToFront();
    await gotoPage(page, detailRoute());
    await page.reload();
    await visible(page, '[data-testid="already-responded"]').waitFor();
    await expect(control(page, '提交意见').count()).resolves.toBe(0);
    await expect(visibleText(page, '已参与').count()).resolves.toBe(1);
  });
});

describe('采纳情况: the adoption feedback reaches the respondent', () => {
  const REASON = '已在第十二条增加夜间停车优惠条款。';
  const SUMMARY = '本次征集共收到意见1条，采纳1条，已据此修改草案第十二条。';

  it('shows 采纳 with the reason in 我的意见 and the published report after staff close, decide and publish', async () => {
    // Staff: close the consultation, decide the one opinion, publish the report.
    await call('POST', `/api/admin/consultations/${consultationId}/close`, CreatedSchema, { token: crew.office, body: {} });
    const opinions = await call('GET', `/api/admin/consultations/${consultationId}/opinions`, StaffOpinionListSchema, { token: crew.office });
    expect(opinions.items.map((o) => o.text)).toEqual([OPINION]);
    await call('POST', `/api/admin/consultations/${consultationId}/opinions/${opinions.items[0]?.id}/decision`, CreatedSchema, {
      token: crew.office,
      body: { result: 'adopted', reason: REASON },
    });
    await call('POST', `/api/admin/consultations/${consultationId}/feedback/publish`, CreatedSchema, { token: crew.office, body: { summary: SUMMARY } });

    const { page } = phone;
    await gotoPage(page, '/packages/consultation/pages/mine/index');
    const mine = visible(page, '.cm__opinion').filter({ hasText: OPINION });
    await mine.waitFor();
    await expect(mine.locator('.cm__decision').textContent()).resolves.toBe(`采纳${REASON}`);
    await screenshot(page, 'consultation-5-my-opinion-adopted');

    await gotoPage(page, `/packages/consultation/pages/feedback/index?id=${consultationId}`);
    await visibleText(page, SUMMARY).waitFor();
    const decided = visible(page, '.cf__opinion').filter({ hasText: OPINION });
    await expect(decided.textContent()).resolves.toContain(`理由：${REASON}`);
    await screenshot(page, 'consultation-6-feedback');

    const published = await call('GET', `/api/consultations/${consultationId}/feedback`, ConsultationFeedbackSchema);
    expect(published.counts).toMatchObject({ total: 1, adopted: 1, partlyAdopted: 0, notAdopted: 0 });
  });
});

