/**
 * Chromium for the browser tests, as TOOLCHAIN.md measured it: Debian's /usr/bin/chromium driven
 * by playwright-core, the flags that keep it off the network and out of the sandbox, a fresh
 * profile under tmp/, and a phone: 375×812, touch, mobile viewport, Chinese locale, China time.
 *
 * Pages of the Taro H5 app stay in the DOM when another is pushed on top (hidden), so the
 * helpers here only ever look at visible elements.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_PATH, SCREENSHOT_DIR, TMP } from './paths';

/** Chromium flags from TOOLCHAIN.md. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** A phone-sized browser with one page, and what went wrong in it. */
export interface PhoneBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions thrown in the page (each test expects none). */
  pageErrors: string[];
  close(): Promise<void>;
}

/** The app's origin (set by the global setup). */
export function appUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run the browser tests with jest.e2e.config.js (its global setup serves the app)');
  return url;
}

/**
 * Opens Chromium with a fresh profile. `devUser` makes the app sign in as `dev:<devUser>` (the
 * name it would otherwise pick at random), so a test can look at the same user's data through
 * the API.
 */
export async function openPhone(options: { devUser?: string } = {}): Promise<PhoneBrowser> {
  return openBrowser({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, async (context) => {
    if (!options.devUser) return;
    // Taro's H5 storage keeps `{ data }` JSON in localStorage; this is the key session-store.ts reads.
    // A script string: the test code is type-checked without the DOM library.
    const stored = JSON.stringify(JSON.stringify({ data: options.devUser }));
    await context.addInitScript({ content: `localStorage.setItem('zwgk.devLoginName', ${stored});` });
  });
}

/**
 * Chromium with a fresh profile under tmp/, Chinese locale and China's time zone, the device
 * options given, and `prepare` run on the context before its first page is used.
 */
async function openBrowser(
  device: { viewport: { width: number; height: number }; deviceScaleFactor?: number; isMobile?: boolean; hasTouch?: boolean },
  prepare: (context: BrowserContext) => Promise<void> = async () => {},
): Promise<PhoneBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install chromium and fonts-wqy-zenhei (listed in .ci/apt-packages).`);
  }
  const profiles = path.join(TMP, 'e2e-profiles');
  mkdirSync(profiles, { recursive: true });
  const userDataDir = mkdtempSync(path.join(profiles, 'chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    ...device,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15_000);
  await prepare(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a page of the app by its path (`/pages/policies/index`, `/packages/...?...`). */
export async function gotoPage(page: Page, route: string): Promise<void> {
  await page.goto(`${appUrl()}/#${route}`);
}

/** The visible elements matching a CSS selector. */
export function visible(page: Page, selector: string): Locator {
  return page.locator(selector).filter({ visible: true });
}

/** The visible element showing exactly this text (innermost match). */
export function visibleText(page: Page, text: string | RegExp): Locator {
  return page.getByText(text, { exact: typeof text === 'string' }).filter({ visible: true });
}

/**
 * A visible NutUI Button or Cell by its text. Tap the component root, not the text: NutUI draws a
 * `::before` overlay over its children, which would take the tap.
 */
export function control(page: Page, text: string): Locator {
  return visible(page, '.nut-button, .nut-cell').filter({ has: page.getByText(text, { exact: true }) });
}

/** A visible text field by its aria-label (Taro renders Input/Textarea as a custom element around a native one). */
export function field(page: Page, label: string): Locator {
  return page.locator(`input[aria-label="${label}"], textarea[aria-label="${label}"], [aria-label="${label}"] input, [aria-label="${label}"] textarea`).filter({ visible: true });
}

/** The Chinese message FormField shows under a field (`data-field-error`). */
export function fieldError(page: Page, name: string): Locator {
  return visible(page, `[data-field-error="${name}"]`);
}

/**
 * The toast Taro H5 shows (`Taro.showToast`) with this text. Its wrapper has no box of its own
 * (the toast inside is position: fixed), so the title paragraph is what can be seen.
 */
export function toast(page: Page, text: string): Locator {
  return visible(page, '.taro__toast p').filter({ hasText: text });
}

/** The dialog Taro H5 shows for `Taro.showModal` (the app uses it for messages too long for a toast). */
export function modal(page: Page, text: string): Locator {
  return visible(page, '.taro-modal__content').filter({ hasText: text });
}

/** Waits for the current page to be the one at `route` (hash routing) and its slide-in to end. */
export async function waitForRoute(page: Page, route: string | RegExp): Promise<void> {
  await page.waitForURL((url) => {
    const hash = decodeURIComponent(url.hash.replace(/^#/, ''));
    return typeof route === 'string' ? hash.startsWith(route) : route.test(hash);
  });
  await settle(page);
}

/** Lets page transitions and pending renders finish (Taro animates page pushes for ~300 ms). */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(400);
}

/** Saves a full-page screenshot as tmp/e2e-screenshots/<name>.png (after the screen settles). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await settle(page);
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The staff console's origin (set by the global setup; the console lives under `/admin/`). */
export function consoleUrl(): string {
  const url = process.env.E2E_CONSOLE_URL;
  if (!url) throw new Error('E2E_CONSOLE_URL is not set: run the browser tests with jest.e2e.config.js (its global setup serves the console)');
  return url;
}

/** A desktop browser for the staff console: 1366×768 (the console's design size), mouse, Chinese locale. */
export async function openDesktop(): Promise<PhoneBrowser> {
  return openBrowser({ viewport: { width: 1366, height: 768 } });
}

/** One axe-core finding, as the tests report it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core (node_modules/axe-core/axe.min.js) on the page; answers the critical and serious violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  // A script string: the test code is type-checked without the DOM library.
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}
