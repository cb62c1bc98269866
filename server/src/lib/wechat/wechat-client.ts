/**
 * The BFF's one client for the WeChat server API: login (`jscode2session`), text security
 * checks (`msg_sec_check` v2) and subscribe messages (`subscribe/send`), on plain `fetch`.
 *
 * Failures are thrown as {@link WechatApiError}s (see wechat-errors.ts for `retryable`/`final`).
 * The client retries nothing itself except once after WeChat refuses the access token
 * (40001/42001/40014): backoff for retryable errors belongs to the caller, who knows whether a
 * user is waiting (login) or a queue can try later (notifications).
 */
import { WechatApiError, WECHAT_ERRCODE_BAD_RESPONSE, WechatApi } from './wechat-errors';
import { wechatRequest, WechatJson } from './wechat-http';
import { silentWechatLogger, WechatLogger } from './wechat-logger';
import { prepareSubscribeData, SubscribeDataInput } from './wechat-subscribe-data';
import { AccessTokenManager, createMemoryTokenStore, StoredAccessToken, TokenStore } from './wechat-token';

/** How the client is set up. */
export interface WechatClientOptions {
  /** `https://api.weixin.qq.com` in production; the fake's URL in tests and development. */
  baseUrl: string;
  appId: string;
  /** The AppSecret. Sent only to `jscode2session` and `stable_token`; never logged. */
  secret: string;
  /** Per-request limit, covering connect, headers and body. Default 5000. */
  timeoutMs?: number;
  /** Where the access token is cached; in memory by default. */
  tokenStore?: TokenStore;
  logger?: WechatLogger;
  /** Clock in milliseconds; tests pass a controllable one. */
  now?: () => number;
  /** msgSecCheck refuses content longer than this many characters. Default 10,000 (5 checks). */
  maxSecCheckChars?: number;
}

/** The result of a login code exchange. */
export interface WechatSession {
  openid: string;
  /** Present when the mini-program is bound to a WeChat Open Platform account. */
  unionid?: string;
  /** Decrypts data from `wx.getPhoneNumber` and the like; never send it to the mini-program. */
  sessionKey: string;
}

/** msg_sec_check v2 scenes: 1 资料 (profile), 2 评论 (comment), 3 论坛 (forum), 4 社交日志 (social log). */
export type MsgSecScene = 1 | 2 | 3 | 4;

/** Named scenes. */
export const MSG_SEC_SCENE = { profile: 1, comment: 2, forum: 3, socialLog: 4 } as const;

/** Result labels of msg_sec_check v2. */
export const MSG_SEC_LABELS: Readonly<Record<number, string>> = {
  100: 'normal',
  10001: 'advertising',
  20001: 'politics',
  20002: 'pornography',
  20003: 'abuse',
  20006: 'illegal',
  20008: 'fraud',
  20012: 'vulgar',
  20013: 'copyright',
  21000: 'other',
};

/** What to check. */
export interface MsgSecCheckInput {
  /** The author's openid; WeChat requires that they used the mini-program in the last 2 hours. */
  openid: string;
  content: string;
  scene: MsgSecScene;
  /** A title checked together with the (first part of the) content. */
  title?: string;
}

/** `pass` may be shown; `review` goes to a human queue; `risky` is refused. */
export type MsgSecSuggest = 'pass' | 'review' | 'risky';

/** The verdict; for split content the worst part's verdict. */
export interface MsgSecCheckResult {
  suggest: MsgSecSuggest;
  /** 100 when normal; see {@link MSG_SEC_LABELS}. */
  label: number;
  /** WeChat's trace id of the deciding check, for appeals and support requests. */
  traceId: string;
  /** How many checks the content took (content over 2,500 characters is split). */
  parts: number;
}

/** What to send. `data` is keyed by template field (`thing1`, `phrase2`, ...). */
export interface SubscribeMessageInput {
  touser: string;
  templateId: string;
  /** Mini-program page opened from the message, e.g. `pages/letter/detail?id=...`. */
  page?: string;
  data: SubscribeDataInput;
  /** Which mini-program version opens: `formal` (default), `trial` or `developer`. */
  miniprogramState?: 'developer' | 'trial' | 'formal';
}

/** A sent message. */
export interface SubscribeMessageResult {
  /** WeChat's message id, when it returns one. */
  msgid?: number;
  /** Fields (`thing`/`name`) whose text was cut to fit. */
  truncated: string[];
}

/** The WeChat server API as the BFF uses it. */
export interface WechatClient {
  /** Exchanges a `wx.login` code (valid 5 minutes, single use) for the user's openid. */
  code2Session(code: string): Promise<WechatSession>;
  /**
   * Checks user text with msg_sec_check v2. Content over 2,500 characters is checked in
   * overlapping parts of 2,500 (so a word across a cut is still seen whole) and the worst
   * verdict wins; content over `maxSecCheckChars` or empty is refused with a RangeError.
   */
  msgSecCheck(input: MsgSecCheckInput): Promise<MsgSecCheckResult>;
  /**
   * Sends a subscribe message. Data is checked first (see wechat-subscribe-data.ts): `thing` and
   * `name` are cut to fit, other malformed fields throw a WechatTemplateDataError (errcode 47003,
   * final) without calling WeChat.
   */
  sendSubscribeMessage(input: SubscribeMessageInput): Promise<SubscribeMessageResult>;
}

/** WeChat's limit for one msg_sec_check call, in characters. */
export const MSG_SEC_CHECK_MAX_CHARS = 2500;
/** Characters shared by consecutive parts of split content. */
export const MSG_SEC_CHECK_OVERLAP_CHARS = 100;

const SUGGEST_RANK: Record<MsgSecSuggest, number> = { pass: 0, review: 1, risky: 2 };

/** Splits text into parts of at most `size` code points, each overlapping the previous by `overlap`. */
export function splitForSecCheck(text: string, size = MSG_SEC_CHECK_MAX_CHARS, overlap = MSG_SEC_CHECK_OVERLAP_CHARS): string[] {
  const chars = [...text];
  if (chars.length <= size) return [text];
  const parts: string[] = [];
  const step = size - overlap;
  for (let start = 0; ; start += step) {
    parts.push(chars.slice(start, start + size).join(''));
    if (start + size >= chars.length) break;
  }
  return parts;
}

function requireString(api: WechatApi, body: WechatJson, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v === '') {
    throw new WechatApiError(api, WECHAT_ERRCODE_BAD_RESPONSE, `response has no ${field}`);
  }
  return v;
}

/** Creates the client. No network traffic happens until the first call. */
export function createWechatClient(options: WechatClientOptions): WechatClient {
  const { appId, secret } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  const logger = options.logger ?? silentWechatLogger;
  const now = options.now ?? Date.now;
  const maxSecCheckChars = options.maxSecCheckChars ?? 10_000;
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const url = (path: string, query: Record<string, string>) => {
    const u = new URL(path, base);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u;
  };

  const fetchToken = async (force: boolean): Promise<StoredAccessToken> => {
    const body = await wechatRequest({
      api: 'stable_token',
      method: 'POST',
      url: url('cgi-bin/stable_token', {}),
      body: { grant_type: 'client_credential', appid: appId, secret, force_refresh: force },
      timeoutMs,
      redact: [secret],
    });
    const token = requireString('stable_token', body, 'access_token');
    const expiresIn = body.expires_in;
    if (typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new WechatApiError('stable_token', WECHAT_ERRCODE_BAD_RESPONSE, 'response has no expires_in');
    }
    logger.info({ forceRefresh: force, expiresIn }, 'fetched a WeChat access token');
    return { token, expiresAt: now() + expiresIn * 1000 };
  };
  const tokens = new AccessTokenManager(fetchToken, options.tokenStore ?? createMemoryTokenStore(), now, logger);

  /** POSTs to an API that takes `?access_token=`, refreshing the token and retrying once if WeChat refuses it. */
  const postWithToken = async (api: WechatApi, path: string, payload: unknown): Promise<WechatJson> => {
    const send = (token: string) =>
      wechatRequest({ api, method: 'POST', url: url(path, { access_token: token }), body: payload, timeoutMs, redact: [secret, token] });
    const token = await tokens.get();
    try {
      return await send(token);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !err.tokenInvalid) throw err;
      logger.warn({ api, errcode: err.errcode }, 'WeChat refused the access token; refreshing and retrying once');
      const next = await tokens.replaceRejected(token);
      if (next === null) throw err;
      return send(next);
    }
  };

  return {
    async code2Session(code) {
      const body = await wechatRequest({
        api: 'jscode2session',
        method: 'GET',
        url: url('sns/jscode2session', { appid: appId, secret, js_code: code, grant_type: 'authorization_code' }),
        timeoutMs,
        redact: [secret],
      });
      const session: WechatSession = {
        openid: requireString('jscode2session', body, 'openid'),
        sessionKey: requireString('jscode2session', body, 'session_key'),
      };
      if (typeof body.unionid === 'string' && body.unionid !== '') session.unionid = body.unionid;
      return session;
    },

    async msgSecCheck({ openid, content, scene, title }) {
      const length = [...content].length;
      if (content.trim() === '') throw new RangeError('msgSecCheck: content is empty');
      if (length > maxSecCheckChars) {
        throw new RangeError(`msgSecCheck: content has ${length} characters, more than the ${maxSecCheckChars} allowed`);
      }
      const parts = splitForSecCheck(content);
      let worst: Omit<MsgSecCheckResult, 'parts'> | null = null;
      for (const [i, part] of parts.entries()) {
        const payload: Record<string, unknown> = { content: part, version: 2, scene, openid };
        if (title !== undefined && i === 0) payload.title = title;
        const body = await postWithToken('msg_sec_check', 'wxa/msg_sec_check', payload);
        const result = body.result as { suggest?: unknown; label?: unknown } | undefined;
        const suggest = result?.suggest;
        if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') {
          throw new WechatApiError('msg_sec_check', WECHAT_ERRCODE_BAD_RESPONSE, 'response has no result.suggest');
        }
        const verdict: Omit<MsgSecCheckResult, 'parts'> = {
          suggest,
          label: typeof result?.label === 'number' ? result.label : Number(result?.label ?? 100),
          traceId: typeof body.trace_id === 'string' ? body.trace_id : '',
        };
        if (!worst || SUGGEST_RANK[verdict.suggest] > SUGGEST_RANK[worst.suggest]) worst = verdict;
        // Nothing can be worse than risky: spare the remaining calls.
        if (verdict.suggest === 'risky') break;
      }
      return { ...worst!, parts: parts.length };
    },

    async sendSubscribeMessage({ touser, templateId, page, data, miniprogramState = 'formal' }) {
      const prepared = prepareSubscribeData(data);
      const payload: Record<string, unknown> = {
        touser,
        template_id: templateId,
        data: prepared.data,
        miniprogram_state: miniprogramState,
        lang: 'zh_CN',
      };
      if (page !== undefined) payload.page = page;
      const body = await postWithToken('subscribe_send', 'cgi-bin/message/subscribe/send', payload);
      const result: SubscribeMessageResult = { truncated: prepared.truncated };
      if (typeof body.msgid === 'number') result.msgid = body.msgid;
      if (prepared.truncated.length > 0) logger.debug({ fields: prepared.truncated }, 'subscribe message fields cut to fit');
      return result;
    },
  };
}
