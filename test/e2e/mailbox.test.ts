/**
 * 主任信箱 end to end: a citizen writes a letter in the H5 app (a validation error first, shown in
 * Chinese under the field, then corrected), gets a tracking number; staff take it through
 * accept → assign → draft → approve → send over the admin API; the citizen finds the reply in
 * 我的来信 and the 消息 inbox, and rates it. Each step is checked on screen and on the server.
 */
import { z } from 'zod';
import { LetterCitizenViewSchema, LetterMinePageSchema } from '../../shared/letters';
import { InboxPageSchema } from '../../shared/notifications';
import { call, citizenToken, createCrew, uniqueSuffix, type Crew } from './support/api';
import { control, field, fieldError, gotoPage, openPhone, screenshot, toast, visible, visibleText, waitForRoute, type PhoneBrowser } from './support/browser';

const ActionSchema = z.object({ status: z.string() }).passthrough();

let phone: PhoneBrowser;
let crew: Crew;
const writer = `e2e-writer-${uniqueSuffix()}`;
let token: string;

const SUBJECT = '关于幸福小区门口停车难的咨询';
const CONTENT = '幸福小区东门外道路每天晚上停满车辆，消防通道经常被占用，请问有关部门是否有规划新增停车位？';
const REPLY = '您好！经县住建局核实，幸福小区东侧规划新增停车位120个，预计下月底投入使用。感谢您的关注。';

beforeAll(async () => {
  crew = await createCrew('县住房和城乡建设局');
  token = await citizenToken(writer);
  phone = await openPhone({ devUser: writer });
});
afterAll(async () => {
  await phone?.close();
});
afterEach(() => {
  // An uncaught exception in the app fails the step it happened in.
  expect(phone.pageErrors).toEqual([]);
});

/** Walks the letter through the staff side over the admin API. */
async function answerAsStaff(letterId: string): Promise<void> {
  const act = (who: string, action: string, body: object = {}) => call('POST', `/api/admin/letters/${letterId}/${action}`, ActionSchema, { token: who, body });
  expect((await act(crew.office, 'accept')).status).toBe('accepted');
  expect((await act(crew.office, 'assign', { departmentId: crew.departmentId })).status).toBe('assigned');
  expect((await act(crew.handler, 'draft', { reply: REPLY })).status).toBe('drafted');
  expect((await act(crew.reviewer, 'approve')).status).toBe('approved');
  expect((await act(crew.office, 'send')).status).toBe('replied');
}

describe('主任信箱: write, get answered, read the reply, rate it', () => {
  let letterId = '';
  let trackingNo = '';

  it('shows the Chinese validation message under the field and sends nothing until it is fixed', async () => {
    const { page } = phone;
    await gotoPage(page, '/packages/mailbox/pages/write/index');
    await visibleText(page, '咨询').tap();
    await visible(page, '[data-testid="category-deadline"]').waitFor();
    await field(page, '标题').fill('停车难');
    await field(page, '内容').fill(CONTENT);
    await control(page, '提交信件').tap();

    await expect(fieldError(page, 'subject').textContent()).resolves.toBe('标题至少5个字');
    await fieldError(page, 'subject').scrollIntoViewIfNeeded();
    await screenshot(page, 'mailbox-1-validation-error');
    // Still on the form, and the server has no letter from this citizen.
    expect(page.url()).toContain('/packages/mailbox/pages/write/index');
    const mine = await call('GET', '/api/letters/mine', LetterMinePageSchema, { token });
    expect(mine.items).toEqual([]);

    // Errors follow the input once a submit was tried: correcting the subject clears its message.
    await field(page, '标题').fill(SUBJECT);
    await fieldError(page, 'subject').waitFor({ state: 'hidden' });
  });

  it('submits the corrected letter and shows its tracking number, which the server has on record', async () => {
    const { page } = phone;
    await control(page, '提交信件').tap();
    await waitForRoute(page, '/packages/mailbox/pages/submitted/index');
    letterId = new URL(page.url().replace('#', '')).searchParams.get('id') ?? '';
    expect(letterId).toMatch(/^[0-9a-f]{24}$/);

    trackingNo = ((await visible(page, '[data-testid="tracking-no"]').textContent()) ?? '').trim();
    expect(trackingNo).not.toBe('');
    await expect(visibleText(page, '信件已提交').count()).resolves.toBe(1);
    await expect(visibleText(page, '受理期限').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'mailbox-2-submitted');

    const stored = await call('GET', `/api/letters/${letterId}`, LetterCitizenViewSchema, { token });
    expect(stored).toMatchObject({ trackingNo, subject: SUBJECT, content: CONTENT, category: 'consult', status: 'submitted' });
  });

  it('shows the staff reply in 我的来信 after accept, assign, draft, approve and send', async () => {
    await answerAsStaff(letterId);
    const { page } = phone;
    await gotoPage(page, '/pages/mine/index');
    await control(page, '我的来信').tap();
    await waitForRoute(page, '/packages/mailbox/pages/mine/index');
    const card = visible(page, `[data-letter-id="${letterId}"]`);
    await expect(card.textContent()).resolves.toContain(trackingNo);
    await expect(card.textContent()).resolves.toContain('已答复');
    await screenshot(page, 'mailbox-3-my-letters');

    await card.tap();
    await waitForRoute(page, '/packages/mailbox/pages/detail/index');
    const reply = visible(page, '[data-testid="letter-reply"]');
    await expect(reply.textContent()).resolves.toContain(REPLY);
    await expect(reply.textContent()).resolves.toContain(crew.departmentName);
    await screenshot(page, 'mailbox-4-reply');
  });

  it('rates the reply; the page and the server both show the rating', async () => {
    const { page } = phone;
    const form = visible(page, '[data-testid="rate-form"]');
    await form.scrollIntoViewIfNeeded();
    await form.locator('[data-score="4"]').tap();
    await expect(form.textContent()).resolves.toContain('4分 · 满意');
    await control(page, '提交评价').tap();
    await toast(page, '感谢您的评价').waitFor();
    await visibleText(page, '我的评价').waitFor();
    await toast(page, '感谢您的评价').waitFor({ state: 'hidden' });
    await expect(visible(page, '[data-testid="rate-form"]').count()).resolves.toBe(0);
    await visibleText(page, '我的评价').scrollIntoViewIfNeeded();
    await screenshot(page, 'mailbox-5-rated');

    const stored = await call('GET', `/api/letters/${letterId}`, LetterCitizenViewSchema, { token });
    expect(stored.status).toBe('rated');
    expect(stored.rating?.score).toBe(4);
    expect(stored.canRate).toBe(false);
  });

  it('lists the reply notice in 消息 and marks it read when opened', async () => {
    const { page } = phone;
    await gotoPage(page, '/pages/mine/index');
    // The unread count (accepted + replied) as a badge on the 消息 row.
    await control(page, '消息').filter({ hasText: '2' }).waitFor();
    await expect(visibleText(page, '已登录').count()).resolves.toBe(1);
    await screenshot(page, 'mailbox-6-mine');
    await control(page, '消息').tap();
    await waitForRoute(page, '/pages/inbox/index');
    const replied = visible(page, '[data-inbox-kind="letter_replied"]');
    await expect(replied.textContent()).resolves.toContain('您的来信已答复');
    await expect(replied.textContent()).resolves.toContain(trackingNo);
    await expect(visible(page, '[data-inbox-kind="letter_accepted"]').count()).resolves.toBe(1);
    await screenshot(page, 'mailbox-7-inbox');

    await replied.tap();
    await waitForRoute(page, `/packages/mailbox/pages/detail/index?id=${letterId}`);
    const inbox = await call('GET', '/api/inbox', InboxPageSchema, { token });
    const entry = inbox.items.find((i) => i.kind === 'letter_replied');
    expect(entry).toMatchObject({ read: true, link: { type: 'letter', id: letterId } });
    expect(inbox.unreadCount).toBe(1);
  });
});
