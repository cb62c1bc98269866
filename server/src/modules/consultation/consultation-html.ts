/**
 * Rich text of consultations (征求意见稿, 起草说明), sanitized on save with an allowlist suited to
 * the mini-program's `RichText` component — the same allowlist idea as policy documents: p, br,
 * strong, em, u, h2–h4, lists, tables, links (http/https only) and images (only our own
 * `/api/uploads/<id>` or https). Scripts, styles, event handlers, iframes and every other tag or
 * attribute are dropped; the text inside dropped formatting tags is kept.
 */
import type { createRequire as CreateRequire } from 'node:module';
import type sanitizeHtml from 'sanitize-html';

let loaded: typeof sanitizeHtml | undefined;

/**
 * sanitize-html, loaded on first use by Node's own module loader. It depends on htmlparser2 12,
 * which is ESM only: Node (20.19+) loads that from CommonJS (`require(esm)`), but jest's module
 * registry cannot — and jest also replaces `node:module`'s `createRequire` with its own — so a
 * static import would break every test file that builds the app. `process.getBuiltinModule`
 * returns the real `node:module`, whose `createRequire` bypasses jest.
 */
function sanitizer(): typeof sanitizeHtml {
  if (!loaded) {
    const { createRequire } = process.getBuiltinModule('node:module') as { createRequire: typeof CreateRequire };
    loaded = createRequire(__filename)('sanitize-html') as typeof sanitizeHtml;
  }
  return loaded;
}

const UPLOAD_SRC = /^\/api\/uploads\/([0-9a-f]{24})$/;
const HTTP_URL = /^https?:\/\/[^\s]+$/i;
const HTTPS_URL = /^https:\/\/[^\s]+$/i;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'u', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'a', 'img'],
  allowedAttributes: {
    a: ['href'],
    img: ['src', 'alt'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Contents of these are dropped with the tag (never shown as text).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed'],
  transformTags: {
    // Relative links and anything but http/https lose their href (the text stays).
    a: (tagName, attribs) => {
      const href = attribs.href?.trim();
      const kept: sanitizeHtml.Attributes = href && HTTP_URL.test(href) ? { href } : {};
      return { tagName, attribs: kept };
    },
  },
  // Images must come from our uploads or an https address; others are removed entirely.
  exclusiveFilter: (frame) => {
    if (frame.tag !== 'img') return false;
    const src = frame.attribs.src?.trim() ?? '';
    return !(UPLOAD_SRC.test(src) || HTTPS_URL.test(src));
  },
};

/** Sanitizes staff-written HTML for storage and display. */
export function sanitizeRichText(html: string): string {
  return sanitizer()(html, OPTIONS).trim();
}

/** Ids of our uploads shown inline (`<img src="/api/uploads/<id>">`) in sanitized HTML, in order, without repeats. */
export function inlineUploadIds(html: string): string[] {
  const ids: string[] = [];
  const re = /<img\b[^>]*\bsrc="\/api\/uploads\/([0-9a-f]{24})"/g;
  for (let m = re.exec(html); m; m = re.exec(html)) if (!ids.includes(m[1])) ids.push(m[1]);
  return ids;
}
