/**
 * The staff console end to end, at 1366×768: an office user signs in, finds a new letter in the
 * 主任信箱 queue, accepts it and assigns it to a department; the department's handler signs in and
 * drafts the reply; the reviewer approves it; the office sends it and confirms the public version
 * with one edit. axe-core finds no critical or serious violation on the queue and letter pages.
 * Each step is checked on screen and on the server.
 */
import { AdminErrorReportDetailSchema, ErrorReportCreatedSchema } from '../../shared/error-reports';
import { LetterAdminViewSchema, LetterCreatedSchema, LetterPublicVersionViewSchema } from '../../shared/letters';
import { StaffViewSchema } from '../../shared/staff';
import { adminToken, call, citizenToken, createDepartment, staffLogin, uniqueSuffix } from './support/api';
import { consoleUrl, openDesktop, screenshot, seriousAxeViolations, type PhoneBrowser } from './support/browser';

const PASSWORD = 'E2e-Console-Password-42';
const SUBJECT = '关于城东菜市场排水沟堵塞的反映';
const CONTENT = '城东菜市场北侧排水沟长期堵塞，下雨天污水漫到路面，气味很大，希望有关部门尽快疏通并定期清理。';
const REPLY = '您好！县住建局已安排人员于本周内疏通城东菜市场北侧排水沟，并将其纳入每月例行清理。感谢您的监督。';

let browser: PhoneBrowser;
let office = '';
let handler = '';
let reviewer = '';
let officeToken = '';
let departmentName = '';
let letterId = '';
let trackingNo = '';

async function createStaffAccount(admin: string, role: 'office' | 'handler' | 'reviewer', displayName: string, departmentId: string | null): Promise<string> {
  const username = `e2e-console-${role}-${uniqueSuffix()}`;
  await call('POST', '/api/admin/staff', StaffViewSchema, { token: admin, body: { username, displayName, role, departmentId, password: PASSWORD } });
  return username;
}

beforeAll(async () => {
  const admin = await adminToken();
  departmentName = `县住房和城乡建设局（控制台${uniqueSuffix()}）`;
  const departmentId = await createDepartment(admin, departmentName);
  office = await createStaffAccount(admin, 'office', '办公室陈敏', null);
  handler = await createStaffAccount(admin, 'handler', '承办人刘洋', departmentId);
  reviewer = await createStaffAccount(admin, 'reviewer', '分管领导周平', null);
  officeToken = await staffLogin(office, PASSWORD);
  const citizen = await citizenToken(`e2e-console-writer-${uniqueSuffix()}`);
  const created = await call('POST', '/api/letters', LetterCreatedSchema, {
    token: citizen,
    body: { category: 'complain', subject: SUBJECT, content: CONTENT, contactName: '张先生', contactPhone: '13800138000', publicConsent: true },
  });
  letterId = created.id;
  trackingNo = created.trackingNo;
  browser = await openDesktop();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(() => {
  expect(browser.pageErrors).toEqual([]);
});

async function signIn(username: string): Promise<void> {
  const { page } = browser;
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
}

async function letterOnServer() {
  return call('GET', `/api/admin/letters/${letterId}`, LetterAdminViewSchema, { token: officeToken });
}

describe('staff console: the office accepts and assigns, a handler drafts', () => {
  it('sends a signed-out visitor to sign in and back to the page they asked for', async () => {
    const { page } = browser;
    await page.goto(`${consoleUrl()}/admin/letters`);
    await page.waitForURL(/\/admin\/login\?redirect=/);
    await page.getByLabel('用户名').waitFor();
    await screenshot(page, 'console-01-login');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A wrong password is refused in Chinese, and the page stays.
    await page.getByLabel('用户名').fill(office);
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('用户名或密码错误').waitFor();

    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/admin\/letters$/);
    await page.getByTestId('current-user').getByText('办公室陈敏（办公室）').waitFor();
  });

  it('shows the queue with the new letter and its acceptance deadline', async () => {
    const { page } = browser;
    const row = page.locator('tr', { hasText: trackingNo });
    await row.waitFor();
    await expect(row.getByText(SUBJECT).count()).resolves.toBe(1);
    await expect(row.getByTestId('deadline-tag').textContent()).resolves.toMatch(/^受理 \d{4}-\d{2}-\d{2} · (剩 \d+ 个工作日|今日到期)$/);
    await screenshot(page, 'console-02-queue');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Usable at 1024 px: the table scrolls inside its box, the page itself does not.
    await page.setViewportSize({ width: 1024, height: 768 });
    await screenshot(page, 'console-02-queue-1024');
    await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(1024);
    await page.setViewportSize({ width: 1366, height: 768 });

    // The text filter narrows the queue to the letter.
    await page.getByLabel('关键词').fill(trackingNo);
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(new RegExp(`q=${trackingNo}`));
    // Only that letter is left once the filtered page has loaded. Polled from the test, not with
    // waitForFunction: the page's CSP refuses the string evaluation that would need.
    const rows = page.locator('tbody tr.ant-table-row');
    const onlyThatLetter = async () =>
      (await page.locator('.ant-spin-spinning').count()) === 0 && (await rows.count()) === 1 && ((await rows.first().textContent()) ?? '').includes(trackingNo);
    let settled = await onlyThatLetter();
    for (let i = 0; i < 75 && !settled; i++) {
      await page.waitForTimeout(200);
      settled = await onlyThatLetter();
    }
    expect(settled).toBe(true);
  });

  it('accepts the letter and assigns it to a department from the letter page', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: SUBJECT }).click();
    await page.waitForURL(new RegExp(`/admin/letters/${letterId}$`));
    await page.getByTestId('letter-content').getByText(CONTENT).waitFor();
    await page.getByText('13800138000').waitFor();
    await screenshot(page, 'console-03-letter-submitted');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: '受理', exact: true }).click();
    await page.getByTestId('letter-status').getByText('已受理').waitFor();
    expect((await letterOnServer()).status).toBe('accepted');

    await page.getByRole('button', { name: '转办' }).click();
    const dialog = page.getByRole('dialog');
    // Without a department the shared schema's message shows and nothing is sent.
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.locator('.ant-form-item-explain-error').waitFor();
    await dialog.getByLabel('承办部门').click();
    await page.locator('.ant-select-item-option', { hasText: departmentName }).click();
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByTestId('letter-status').getByText('已转办').waitFor();
    await page.locator('.ant-timeline').getByText('转办').first().waitFor();
    const assigned = await letterOnServer();
    expect(assigned.status).toBe('assigned');
    expect(assigned.departmentName).toBe(departmentName);
    await screenshot(page, 'console-04-letter-assigned');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('signs out, and the handler drafts the reply', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/admin\/login/);
    await signIn(handler);
    await page.waitForURL(/\/admin\/dashboard$/);
    await page.getByText('主任信箱 · 我的待办').waitFor();
    await screenshot(page, 'console-05-dashboard');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('menuitem', { name: /主任信箱/ }).click();
    await page.getByRole('link', { name: SUBJECT }).click();
    await page.getByRole('button', { name: '拟写答复' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('答复内容').fill('太短了');
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.getByText('答复内容至少10个字').waitFor();
    await dialog.getByLabel('答复内容').fill(REPLY);
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByTestId('letter-status').getByText('拟办中').waitFor();
    await page.getByTestId('letter-draft').getByText(REPLY).waitFor();
    const drafted = await letterOnServer();
    expect(drafted.status).toBe('drafted');
    expect(drafted.draft?.content).toBe(REPLY);
    await screenshot(page, 'console-06-letter-drafted');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('the reviewer approves, the office sends and confirms the edited public version', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/admin\/login/);
    await signIn(reviewer);
    await page.waitForURL(/\/admin\/dashboard$/);
    await page.goto(`${consoleUrl()}/admin/letters/${letterId}`);
    // 网站找错 is not in a reviewer's menu, and its address answers 403.
    await page.getByRole('menuitem', { name: /主任信箱/ }).waitFor();
    await expect(page.getByRole('menuitem', { name: /网站找错/ }).count()).resolves.toBe(0);
    await page.goto(`${consoleUrl()}/admin/error-reports`);
    await page.getByText('抱歉，您的角色无权访问此页面').waitFor();
    await page.goto(`${consoleUrl()}/admin/letters/${letterId}`);
    await page.getByRole('button', { name: '审核通过' }).click();
    await page.getByTestId('letter-status').getByText('已审核').waitFor();
    expect((await letterOnServer()).status).toBe('approved');

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/admin\/login/);
    await signIn(office);
    await page.waitForURL(/\/admin\/dashboard$/);
    await page.goto(`${consoleUrl()}/admin/letters/${letterId}`);
    await page.getByRole('button', { name: '发送答复' }).click();
    await page.getByTestId('letter-status').getByText('已答复').waitFor();
    expect((await letterOnServer()).status).toBe('replied');

    // 公开前审核: the masked proposal beside the original; the office shortens the public reply.
    const publicReply = page.getByLabel('公开版 · 答复');
    await publicReply.waitFor();
    await publicReply.fill('县住建局已安排疏通城东菜市场北侧排水沟，并纳入每月例行清理。');
    await screenshot(page, 'console-07-public-version');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '确认公开版本' }).click();
    await page.getByText('已确认公开').waitFor();
    const view = await call('GET', `/api/admin/letters/${letterId}/public-version`, LetterPublicVersionViewSchema, { token: officeToken });
    expect(view.state).toBe('confirmed');
    expect(view.reply).toBe('县住建局已安排疏通城东菜市场北侧排水沟，并纳入每月例行清理。');
  });
});

describe('staff console: 我为政府网站找错 forwarded, replied and closed by the office', () => {
  let reportId = '';
  let reportNo = '';

  beforeAll(async () => {
    const citizen = await citizenToken(`e2e-console-reporter-${uniqueSuffix()}`);
    const created = await call('POST', '/api/error-reports', ErrorReportCreatedSchema, {
      token: citizen,
      body: { url: 'https://www.example.gov.cn/xxgk/2026/tongzhi.html', errorType: 'broken_link', description: '通知正文里的“附件下载”链接打开是404页面。' },
    });
    reportId = created.id;
    reportNo = created.trackingNo;
  });

  it('finds the report in the queue, forwards it, replies and closes it', async () => {
    const { page } = browser;
    // The office is still signed in from the letter flow.
    await page.getByRole('menuitem', { name: /网站找错/ }).click();
    await page.waitForURL(/\/admin\/error-reports$/);
    const row = page.locator('tr', { hasText: reportNo });
    await row.waitFor();
    await screenshot(page, 'console-08-error-report-queue');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await row.getByRole('link').click();
    await page.waitForURL(new RegExp(`/admin/error-reports/${reportId}$`));
    await page.getByText('通知正文里的“附件下载”链接打开是404页面。').waitFor();
    await screenshot(page, 'console-09-error-report');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: '转办' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('承办部门').click();
    await page.locator('.ant-select-item-option', { hasText: departmentName }).click();
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByTestId('report-status').getByText('已转办').waitFor();

    await page.getByRole('button', { name: '答复' }).click();
    await dialog.getByLabel('处理结果').click();
    await page.locator('.ant-select-item-option', { hasText: '已修复' }).click();
    await dialog.getByLabel('答复内容').fill('附件链接已修复，感谢您的反馈。');
    await dialog.getByRole('button', { name: '确定' }).click();
    await page.getByTestId('report-status').getByText('已答复').waitFor();

    await page.getByRole('button', { name: '办结' }).click();
    await page.getByTestId('report-status').getByText('已办结').waitFor();
    const stored = await call('GET', `/api/admin/error-reports/${reportId}`, AdminErrorReportDetailSchema, { token: officeToken });
    expect(stored.status).toBe('closed');
    expect(stored.departmentName).toBe(departmentName);
    expect(stored.reply?.message).toBe('附件链接已修复，感谢您的反馈。');
  });
});
