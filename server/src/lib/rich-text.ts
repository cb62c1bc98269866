/**
 * Rich text written by staff (policy bodies, interpretations, consultation drafts and their
 * basis), cleaned with `sanitize-html` down to what the mini-program's `RichText` component shows
 * safely:
 *
 * - tags: p, br, strong, em, u, h2–h4, ul, ol, li, table/caption/thead/tbody/tfoot/tr/th/td;
 *   b, i and h1 become strong, em and h2; a bare span stands in for a link we had to unlink;
 * - `a[href]` only with an absolute http(s) URL (a link without one keeps its text, unlinked);
 * - `img[src]` only for our own uploads (`/api/uploads/<id>`) or https URLs; others are dropped;
 * - no scripts, styles, iframes, forms, `on*` handlers, `style` or `class` attributes: script and
 *   style contents are dropped whole, other disallowed tags are removed and their text kept.
 *
 * Sanitizing happens on the server when the text is saved, so what is stored is what is shown.
 */
import sanitizeHtml from 'sanitize-html';

/** `src` of an image served by our uploads route. */
const OWN_UPLOAD_SRC = /^\/api\/uploads\/([0-9a-f]{24})$/i;
const HTTP_URL = /^https?:\/\/[^\s/]/i;
const HTTPS_URL = /^https:\/\/[^\s/]/i;

/** Tags kept (everything else is removed, keeping its text). */
export const RICH_TEXT_TAGS = [
  'p',
  'br',
  'strong',
  'em',
  'u',
  'h2',
  'h3',
  'h4',
  'ul',
  'ol',
  'li',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'a',
  'img',
  'span',
] as const;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...RICH_TEXT_TAGS],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'width', 'height'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
  },
  // Links: http(s) only; images: https (and our relative upload paths, checked below).
  allowedSchemes: ['http', 'https'],
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg', 'math'],
  transformTags: {
    b: 'strong',
    i: 'em',
    h1: 'h2',
    // A link we cannot keep becomes a bare span (allowed, attribute-free) so its text stays.
    // Renaming to a *disallowed* tag would hit a sanitize-html quirk: the renamed frame's entry
    // survives its closing tag and renames the next sibling's closing tag.
    a: (tagName, attribs) => {
      const href = (attribs.href ?? '').trim();
      if (!HTTP_URL.test(href)) return { tagName: 'span', attribs: {} };
      return { tagName, attribs: { ...attribs, href } };
    },
    img: (tagName, attribs) => {
      const src = (attribs.src ?? '').trim();
      const ok = OWN_UPLOAD_SRC.test(src) || HTTPS_URL.test(src);
      return { tagName, attribs: ok ? { ...attribs, src } : {} };
    },
  },
  // Images whose source was refused above have no src left: drop them.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

/** The sanitized HTML of `html`. */
export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** The visible text of sanitized HTML (tags removed, entities decoded, whitespace collapsed). */
export function richTextPlain(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when sanitized HTML shows nothing: no text and no image. */
export function isRichTextEmpty(html: string): boolean {
  return richTextPlain(html).length === 0 && !/<img\s/i.test(html);
}

/** Ids of our own uploads shown as images in sanitized HTML, in order of appearance, without repeats. */
export function uploadImageIds(html: string): string[] {
  const ids: string[] = [];
  for (const m of html.matchAll(/<img\b[^>]*\bsrc="\/api\/uploads\/([0-9a-f]{24})"/gi)) {
    const id = m[1].toLowerCase();
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}
