/**
 * One HTTP exchange with WeChat on Node's `fetch`, bounded by a timeout that covers the whole
 * exchange (connect, headers and body). Failures become {@link WechatApiError}s whose messages
 * never contain the URL, since WeChat URLs carry the AppSecret or the access token.
 */
import {
  WECHAT_ERRCODE_BAD_RESPONSE,
  WECHAT_ERRCODE_HTTP,
  WECHAT_ERRCODE_NETWORK,
  WECHAT_ERRCODE_TIMEOUT,
  WechatApi,
  WechatApiError,
} from './wechat-errors';

/** A WeChat JSON answer: `errcode`/`errmsg` on failure (and sometimes `errcode: 0` on success). */
export type WechatJson = Record<string, unknown> & { errcode?: number; errmsg?: string };

/** What to send. */
export interface WechatHttpRequest {
  api: WechatApi;
  method: 'GET' | 'POST';
  url: URL;
  body?: unknown;
  timeoutMs: number;
  /** Strings (the AppSecret, the access token) masked out of any errmsg WeChat echoes back. */
  redact?: readonly string[];
}

function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) if (s) out = out.split(s).join('***');
  return out;
}

function describeNetworkFailure(err: unknown): string {
  // undici wraps the socket error as `cause`; its code (ECONNREFUSED, ECONNRESET, ENOTFOUND,
  // UND_ERR_SOCKET) tells operators what happened without repeating the URL.
  const cause = (err as { cause?: { code?: unknown; name?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : typeof cause?.name === 'string' ? cause.name : undefined;
  return code ? `network error (${code})` : 'network error';
}

/**
 * Sends the request and returns the parsed JSON body, or throws a {@link WechatApiError}:
 * errcode -3 on timeout, -2 on a network failure, -4 on a non-2xx status, -5 on a body that is
 * not a JSON object, and WeChat's own errcode when it is non-zero.
 */
export async function wechatRequest(req: WechatHttpRequest): Promise<WechatJson> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), req.timeoutMs);
  let status: number;
  let text: string;
  try {
    const res = await fetch(req.url, {
      method: req.method,
      signal: controller.signal,
      headers: req.body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    if (controller.signal.aborted) {
      throw new WechatApiError(req.api, WECHAT_ERRCODE_TIMEOUT, `no answer within ${req.timeoutMs} ms`);
    }
    throw new WechatApiError(req.api, WECHAT_ERRCODE_NETWORK, describeNetworkFailure(err));
  } finally {
    clearTimeout(timer);
  }
  if (status < 200 || status > 299) {
    throw new WechatApiError(req.api, WECHAT_ERRCODE_HTTP, `HTTP ${status}`, status);
  }
  // jscode2session answers with `Content-Type: text/plain`, so the body is parsed whatever the type.
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WechatApiError(req.api, WECHAT_ERRCODE_BAD_RESPONSE, 'response body is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WechatApiError(req.api, WECHAT_ERRCODE_BAD_RESPONSE, 'response body is not a JSON object');
  }
  const body = json as WechatJson;
  if (body.errcode !== undefined && body.errcode !== 0) {
    const errcode = typeof body.errcode === 'number' ? body.errcode : Number(body.errcode);
    if (!Number.isFinite(errcode)) {
      throw new WechatApiError(req.api, WECHAT_ERRCODE_BAD_RESPONSE, 'errcode is not a number');
    }
    throw new WechatApiError(req.api, errcode, redact(typeof body.errmsg === 'string' ? body.errmsg : '', req.redact));
  }
  return body;
}
