/**
 * The duplicate key of a reported URL. Two reports are about the same page when their normalized
 * URLs are equal: scheme and host lower-cased (and the host in its punycode form, so 中文域名 and
 * xn--… match), default ports dropped, the fragment dropped, a trailing slash on the path dropped,
 * query parameters sorted, and tracking parameters (utm_*, click ids, WeChat share markers)
 * removed. The path keeps its case: servers may treat `/News` and `/news` as different pages.
 */
import { errorReportUrlProblem } from '../../../../shared/error-reports';

/** Query parameters that only say how the visitor arrived, never which page it is. */
const TRACKING_PARAMS = new Set(['gclid', 'dclid', 'fbclid', 'msclkid', 'yclid', 'spm', 'isappinstalled', 'wxfrom', '_hsenc', '_hsmi', 'mc_cid', 'mc_eid']);
/** `from=` values WeChat appends to shared links (a `from` with any other value is kept). */
const WECHAT_SHARE_FROM = new Set(['singlemessage', 'groupmessage', 'timeline']);

function isTrackingParam(key: string, value: string): boolean {
  const k = key.toLowerCase();
  if (k.startsWith('utm_') || TRACKING_PARAMS.has(k)) return true;
  return k === 'from' && WECHAT_SHARE_FROM.has(value.toLowerCase());
}

/** Upper-cases percent escapes (`%2f` → `%2F`), which name the same byte either way. */
function upperEscapes(s: string): string {
  return s.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
}

/** Result of {@link normalizeReportUrl}: the key, or why the URL is refused (Chinese). */
export type NormalizedUrl = { ok: true; normalized: string } | { ok: false; message: string };

/**
 * Checks a reported URL with the shared rules and the WHATWG parser, and returns its duplicate key.
 * The shared rules run first so their Chinese message wins; the parser catches what a pattern
 * cannot (a host the IDN algorithm refuses, …).
 */
export function normalizeReportUrl(raw: string): NormalizedUrl {
  const url = raw.trim();
  const problem = errorReportUrlProblem(url);
  if (problem) return { ok: false, message: problem };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, message: '网址格式不正确' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, message: '仅支持 http:// 或 https:// 开头的网页网址' };
  if (u.username !== '' || u.password !== '') return { ok: false, message: '网址中不能包含用户名或密码' };
  if (u.hostname === '') return { ok: false, message: '网址缺少域名' };

  // WHATWG already lower-cases scheme and host, converts an IDN host to punycode and drops the
  // scheme's default port; a trailing dot on the host names the same host.
  const host = u.host.replace(/\.(?=:|$)/, '');
  let path = upperEscapes(u.pathname).replace(/\/+$/, '');
  if (path === '/') path = '';
  const params = [...u.searchParams.entries()]
    .filter(([k, v]) => !isTrackingParam(k, v))
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const query = new URLSearchParams(params).toString();
  return { ok: true, normalized: `${u.protocol}//${host}${path}${query ? `?${query}` : ''}` };
}
