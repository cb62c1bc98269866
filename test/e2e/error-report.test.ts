/**
 * 我为政府网站找错 end to end: a citizen reports an error in the H5 app (a URL without its scheme
 * first, refused in Chinese under the field), attaches a screenshot through the real file chooser
 * and sees it as a thumbnail fetched with their sign-in, submits, and gets a tracking number;
 * the office forwards and the department replies over the admin API; the citizen finds the
 * result in 我的找错 and its detail. Each step is checked on screen and on the server.
 */
import { deflateSync } from 'node:zlib';
import { z } from 'zod';
import { MyErrorReportDetailSchema, MyErrorReportPageSchema } from '../../shared/error-reports';
import { call, citizenToken, createCrew, uniqueSuffix, type Crew } from './support/api';
import { control, field, fieldError, gotoPage, modal, openPhone, screenshot, visible, visibleText, waitForRoute, type PhoneBrowser } from './support/browser';

const ActionSchema = z.object({ status: z.string() }).passthrough();

let phone: PhoneBrowser;
let crew: Crew;
const reporter = `e2e-reporter-${uniqueSuffix()}`;
let token: string;

const URL_PATH = `/xxgk/tzgg/${uniqueSuffix()}.html`;
const SITE = 'https://www.example-county.gov.cn';
const DESCRIPTION = '通知公告栏目中“关于开展秋季植树活动的通知”正文第二段“植树节”误写为“植数节”。';
const REPLY = '感谢您的反映，错别字已改正，请刷新页面查看。';

/** CRC-32 of a PNG chunk (type + data). */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A real, decodable 24×16 PNG (the browser must be able to draw the thumbnail). */
function realPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const width = 24;
  const height = 16;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(0x1a, 0x5f + y * 4, 0xb4 - x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  crew = await createCrew('县政务服务数据管理局');
  token = await citizenToken(reporter);
  phone = await openPhone({ devUser: reporter });
});
afterAll(async () => {
  await phone?.close();
});
afterEach(() => {
  // An uncaught exception in the app fails the step it happened in.
  expect(phone.pageErrors).toEqual([]);
});

describe('我为政府网站找错: report, get forwarded and answered, read the result', () => {
  let reportId = '';
  let trackingNo = '';

  it('refuses a URL without http(s):// under the field and sends nothing', async () => {
    const { page } = phone;
    await gotoPage(page, '/packages/error-report/pages/write/index');
    await visible(page, '[data-testid="error-report-deadlines"]').waitFor();
    await field(page, '出错网页网址').fill(`www.example-county.gov.cn${URL_PATH}`);
    // The URL is judged as soon as the field is left, before the rest is filled in.
    await field(page, '出错网页网址').blur();
    await expect(fieldError(page, 'url').textContent()).resolves.toBe('网址须以 http:// 或 https:// 开头');
    await visibleText(page, '错别字/内容错误').tap();
    await field(page, '问题描述').fill(DESCRIPTION);
    await control(page, '提交').tap();

    // Submitting keeps the message and the page; the other fields are fine.
    await expect(fieldError(page, 'url').textContent()).resolves.toBe('网址须以 http:// 或 https:// 开头');
    expect(await visible(page, '[data-field-error]').count()).toBe(1);
    await screenshot(page, 'error-report-1-url-error');
    expect(page.url()).toContain('/packages/error-report/pages/write/index');
    const mine = await call('GET', '/api/error-reports/mine', MyErrorReportPageSchema, { token });
    expect(mine.items).toEqual([]);
  });

  it('uploads a screenshot through the file chooser and shows it, fetched with the sign-in', async () => {
    const { page } = phone;
    const chooser = page.waitForEvent('filechooser');
    await visible(page, '[aria-label="添加截图"]').tap();
    // Screenshots are personal data: the 隐私保护指引 consent comes first (H5: the app's dialog).
    const consent = modal(page, '隐私保护指引');
    await consent.waitFor();
    await screenshot(page, 'error-report-2-privacy-consent');
    await consent.locator('.taro-modal__foot').getByText('同意', { exact: true }).tap();
    await (await chooser).setFiles({ name: '错别字截图.png', mimeType: 'image/png', buffer: realPng() });

    const thumb = visible(page, '.ip__item[data-upload-id] img');
    await thumb.waitFor();
    // The image decodes: the bytes came back through the authenticated download.
    const width = () => thumb.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth);
    for (let i = 0; i < 50 && (await width()) === 0; i++) await page.waitForTimeout(200);
    expect(await width()).toBe(24);
  });

  it('submits once the URL is fixed and shows the tracking number the server has on record', async () => {
    const { page } = phone;
    await field(page, '出错网页网址').fill(`${SITE}${URL_PATH}`);
    await control(page, '提交').tap();
    await waitForRoute(page, '/packages/error-report/pages/detail/index');
    reportId = new URL(page.url().replace('#', '')).searchParams.get('id') ?? '';
    expect(reportId).toMatch(/^[0-9a-f]{24}$/);

    await visible(page, '[data-testid="error-report-submitted"]').waitFor();
    trackingNo = ((await visible(page, '.erd__tracking').textContent()) ?? '').trim();
    expect(trackingNo).toMatch(/^ZC\d{8}-\d{4}$/);
    await screenshot(page, 'error-report-3-submitted');

    const stored = await call('GET', `/api/error-reports/${reportId}`, MyErrorReportDetailSchema, { token });
    expect(stored).toMatchObject({ trackingNo, url: `${SITE}${URL_PATH}`, errorType: 'typo', description: DESCRIPTION, status: 'submitted' });
    expect(stored.screenshots).toHaveLength(1);
    expect(stored.screenshots[0]).toMatchObject({ contentType: 'image/png' });
  });

  it('shows the department’s reply in 我的找错 and the detail after staff forward and answer it', async () => {
    const act = (who: string, action: string, body: object = {}) => call('POST', `/api/admin/error-reports/${reportId}/${action}`, ActionSchema, { token: who, body });
    expect((await act(crew.office, 'forward', { departmentId: crew.departmentId })).status).toBe('forwarded');
    expect((await act(crew.handler, 'reply', { result: 'fixed', message: REPLY })).status).toBe('replied');

    const { page } = phone;
    await gotoPage(page, '/packages/error-report/pages/mine/index');
    const row = visible(page, '.erm__item').filter({ hasText: trackingNo });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('处理结果：已修复');
    await screenshot(page, 'error-report-4-mine');

    await row.tap();
    await waitForRoute(page, `/packages/error-report/pages/detail/index?id=${reportId}`);
    const reply = visible(page, '[data-testid="error-report-reply"]');
    await reply.waitFor();
    await expect(reply.textContent()).resolves.toContain(REPLY);
    await expect(reply.textContent()).resolves.toContain(`答复单位：${crew.departmentName}`);
    await screenshot(page, 'error-report-5-reply');

    const stored = await call('GET', `/api/error-reports/${reportId}`, MyErrorReportDetailSchema, { token });
    expect(stored.status).toBe('replied');
    expect(stored.reply).toMatchObject({ result: 'fixed', message: REPLY });
  });
});
