/**
 * Security headers, decided in one place for every response the BFF sends, errors and 404s
 * included:
 *
 * - every response: `X-Content-Type-Options: nosniff` (a browser never guesses a type from the
 *   bytes, so an upload or a JSON answer cannot be run as a page or a script) and
 *   `Referrer-Policy: no-referrer` (links out of our pages never carry their address, which may
 *   name a letter or a case);
 * - HTML (and the other types a browser renders as a document: XHTML, SVG): a
 *   Content-Security-Policy that allows only our own scripts and refuses framing
 *   (`frame-ancestors 'none'`), plus `X-Frame-Options: DENY` for browsers without CSP level 2.
 *
 * The HTML headers are keyed on the response's Content-Type after the rest of the chain ran, not
 * on routes: the staff console (`/admin/`) and the H5 build (`/`) served later get them without
 * further work.
 */
import type { AppMiddleware } from '../lib/http';

/** Headers on every response. */
const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The policy of served documents: the staff console (React + antd, which injects its styles at
 * run time, hence `'unsafe-inline'` for styles only) and the H5 build load everything from our
 * origin; images may also be `data:`/`blob:` (previews of files being uploaded) or https
 * (images in policy bodies may link to https sources); scripts may read `blob:` URLs (Taro's H5
 * `uploadFile` reads the chosen file's `blob:` URL with XHR before posting it). No plugins, no `<base>` tricks, forms
 * post only to us, and no page may frame ours (clickjacking).
 */
const HTML_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  "connect-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Media types a browser renders as a document (and so can frame or run scripts in). */
const DOCUMENT_TYPES = ['html', 'application/xhtml+xml', 'image/svg+xml'];

export function securityHeaders(): AppMiddleware {
  return async (ctx, next) => {
    // Set before the rest runs so every response carries them, whatever happens below.
    ctx.set(COMMON_SECURITY_HEADERS);
    try {
      await next();
    } finally {
      if (ctx.response.is(DOCUMENT_TYPES)) {
        ctx.set('Content-Security-Policy', HTML_CONTENT_SECURITY_POLICY);
        ctx.set('X-Frame-Options', 'DENY');
      }
    }
  };
}
