#!/usr/bin/env node
/**
 * Draws the tab bar icons (首页, 政策, 互动, 我的) as SVG line icons and renders each to an 81×81
 * PNG with a transparent background, grey for the normal state and brand blue for the selected
 * one, into miniprogram/assets/tabbar/ (referenced from app.config.ts). WeChat wants PNGs (no SVG)
 * under 40 KB; 81 px is its recommended size (27 pt at 3×). There is no image library here, so
 * Chromium does the rasterising, driven by playwright-core with the flags of the browser tests
 * (test/e2e/support/browser.ts).
 *
 * Run: `node scripts/render-tabbar-icons.mjs` after changing a drawing, and commit the PNGs.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'miniprogram', 'assets', 'tabbar');
const SIZE = 81;
/** app.config.ts `tabBar.color` and `tabBar.selectedColor`. */
const COLORS = { normal: '#666666', selected: '#1a5fb4' };
/** WeChat's limit for a tab bar icon. */
const MAX_BYTES = 40 * 1024;

/**
 * Each icon on a 24-unit grid: `shape` is the outline that gets a light tint when selected (so the
 * selected tab differs by more than its colour), `detail` is drawn on top in line only.
 */
const ICONS = {
  // A house: roof and walls with a door.
  home: {
    shape: 'M4.5 10v9.5a1 1 0 0 0 1 1h4v-6h5v6h4a1 1 0 0 0 1-1V10L12 3.8z',
    detail: 'M2.8 11.4 12 3.5l9.2 7.9',
  },
  // A document with a folded corner and lines of text.
  policy: {
    shape: 'M6 2.8h8.2l4.8 4.8v12.6a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V3.8a1 1 0 0 1 1-1z',
    detail: 'M14 3v4.8h4.8 M8.5 12.2h7 M8.5 16.2h7',
  },
  // A speech bubble with three dots: letters, consultations, reports.
  interact: {
    shape: 'M5.5 4h13a2 2 0 0 1 2 2v8.5a2 2 0 0 1-2 2h-6.8L7 20.2v-3.7H5.5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
    dots: [
      [8.3, 10.3],
      [12, 10.3],
      [15.7, 10.3],
    ],
  },
  // A person: head and shoulders.
  mine: {
    shape: 'M4.3 20.5c0-4.2 3.4-7.2 7.7-7.2s7.7 3 7.7 7.2z M12 11.6a3.9 3.9 0 1 0 0-7.8 3.9 3.9 0 0 0 0 7.8z',
  },
};

/** The SVG of one icon in one colour. */
function svgOf(icon, color, selected) {
  const stroke = `stroke="${color}" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"`;
  const fill = selected ? `fill="${color}" fill-opacity="0.14"` : 'fill="none"';
  const parts = [`<path d="${icon.shape}" ${fill} ${stroke}/>`];
  if (icon.detail) parts.push(`<path d="${icon.detail}" fill="none" ${stroke}/>`);
  for (const [cx, cy] of icon.dots ?? []) parts.push(`<circle cx="${cx}" cy="${cy}" r="1.15" fill="${color}"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 24 24">${parts.join('')}</svg>`;
}

mkdirSync(outDir, { recursive: true });
const tmp = path.join(root, 'tmp');
mkdirSync(tmp, { recursive: true });
const profile = mkdtempSync(path.join(tmp, 'tabbar-icons-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: SIZE, height: SIZE },
  deviceScaleFactor: 1,
});
let failed = false;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  for (const [name, icon] of Object.entries(ICONS)) {
    for (const state of ['normal', 'selected']) {
      const file = path.join(outDir, state === 'normal' ? `${name}.png` : `${name}-active.png`);
      await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svgOf(icon, COLORS[state], state === 'selected')}</body></html>`);
      await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width: SIZE, height: SIZE } });
      const bytes = statSync(file).size;
      if (bytes > MAX_BYTES) failed = true;
      console.log(`${path.relative(root, file)}  ${bytes} B${bytes > MAX_BYTES ? '  OVER 40 KB' : ''}`);
    }
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failed) process.exit(1);
