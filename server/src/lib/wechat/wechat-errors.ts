/**
 * Errors of the WeChat server API, and how each one is to be handled.
 *
 * Every failure of a WeChat call (a non-zero `errcode`, a network failure, a timeout, an HTTP
 * error or an unreadable body) becomes a {@link WechatApiError}. Callers decide what to do from
 * two flags, never from the message text:
 * - `retryable`: the same call may succeed later (back off and try again);
 * - `final`: the answer is definitive for this user or this message (the user refused the
 *   subscription, the user is blocked, the template data is invalid): do not retry, fall back
 *   (e.g. to the in-app inbox) and record the outcome.
 * Neither flag set means a caller or configuration problem (bad login code, wrong AppSecret,
 * unknown template): retrying the same call will not help.
 */

/** Which WeChat API failed. */
export type WechatApi = 'jscode2session' | 'stable_token' | 'msg_sec_check' | 'subscribe_send';

/** Our own errcode for a network failure (connection refused or reset, DNS failure). Never sent by WeChat. */
export const WECHAT_ERRCODE_NETWORK = -2;
/** Our own errcode for a call that did not answer within `timeoutMs`. Never sent by WeChat. */
export const WECHAT_ERRCODE_TIMEOUT = -3;
/** Our own errcode for a non-2xx HTTP status. Never sent by WeChat. */
export const WECHAT_ERRCODE_HTTP = -4;
/** Our own errcode for a 2xx answer whose body is not the JSON the API documents. Never sent by WeChat. */
export const WECHAT_ERRCODE_BAD_RESPONSE = -5;

/** errcodes WeChat returns when the access token is invalid, expired or not the latest one. */
export const WECHAT_TOKEN_ERRCODES: readonly number[] = [40001, 42001, 40014];

/** WeChat errcodes the product handles specifically. */
export const WECHAT_ERRCODE = {
  systemBusy: -1,
  invalidCredential: 40001,
  invalidOpenid: 40003,
  invalidAppSecretOrToken: 40014,
  invalidAppid: 40013,
  invalidCode: 40029,
  invalidTemplateId: 40037,
  invalidAppSecret: 40125,
  codeUsed: 40163,
  ipNotWhitelisted: 40164,
  blockedUser: 40226,
  tokenExpired: 42001,
  userRefused: 43101,
  appidOpenidMismatch: 43104,
  dailyQuota: 45009,
  rateLimited: 45011,
  templateParamInvalid: 47003,
  userNotRecentlyActive: 61010,
} as const;

/** How an errcode is to be handled. */
export interface WechatErrorClass {
  retryable: boolean;
  final: boolean;
  /** The access token was refused: refresh it and retry the call once. */
  tokenInvalid: boolean;
}

const RETRYABLE = new Set<number>([
  WECHAT_ERRCODE.systemBusy,
  WECHAT_ERRCODE_NETWORK,
  WECHAT_ERRCODE_TIMEOUT,
  WECHAT_ERRCODE_BAD_RESPONSE,
  WECHAT_ERRCODE.rateLimited,
  WECHAT_ERRCODE.dailyQuota,
  // Reaches callers only when the single refresh-and-retry inside the client also failed, e.g.
  // another instance force-refreshed in between; a later attempt fetches a fresh token.
  ...WECHAT_TOKEN_ERRCODES,
]);

const FINAL = new Set<number>([
  WECHAT_ERRCODE.blockedUser,
  WECHAT_ERRCODE.userRefused,
  WECHAT_ERRCODE.templateParamInvalid,
  WECHAT_ERRCODE.invalidOpenid,
  WECHAT_ERRCODE.appidOpenidMismatch,
]);

/**
 * Classifies an errcode. `httpStatus` matters only for {@link WECHAT_ERRCODE_HTTP}: 5xx and 429
 * are retryable, other statuses (404 from a wrong base URL, 403 from a proxy) are not.
 * Unknown errcodes are neither retryable nor final: retrying blindly could loop on a persistent
 * error, and a human should look at it.
 */
export function classifyWechatError(errcode: number, httpStatus?: number): WechatErrorClass {
  const tokenInvalid = WECHAT_TOKEN_ERRCODES.includes(errcode);
  if (errcode === WECHAT_ERRCODE_HTTP) {
    const retryable = httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429);
    return { retryable, final: false, tokenInvalid };
  }
  return { retryable: RETRYABLE.has(errcode), final: FINAL.has(errcode), tokenInvalid };
}

/** A failed WeChat call. The message carries the API, errcode and errmsg, never the AppSecret or a token. */
export class WechatApiError extends Error {
  override readonly name: string = 'WechatApiError';
  readonly errcode: number;
  readonly errmsg: string;
  readonly api: WechatApi;
  readonly retryable: boolean;
  readonly final: boolean;
  /** HTTP status, when the failure was an HTTP error. */
  readonly httpStatus?: number;

  constructor(api: WechatApi, errcode: number, errmsg: string, httpStatus?: number) {
    super(`WeChat ${api} failed: ${errcode} ${errmsg}`);
    const cls = classifyWechatError(errcode, httpStatus);
    this.api = api;
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.retryable = cls.retryable;
    this.final = cls.final;
    if (httpStatus !== undefined) this.httpStatus = httpStatus;
  }

  /** True when WeChat refused the access token (40001, 42001, 40014). */
  get tokenInvalid(): boolean {
    return WECHAT_TOKEN_ERRCODES.includes(this.errcode);
  }
}

/** One subscribe-message field the client refused to send. */
export interface TemplateDataIssue {
  /** The data key, e.g. `phrase2`. */
  key: string;
  /** Why, in English, without the value (values can hold personal data). */
  reason: string;
}

/**
 * Subscribe-message data refused before sending because WeChat would answer 47003. It is a
 * {@link WechatApiError} with errcode 47003 and `final: true`, so callers handle it like the
 * answer WeChat would have given; `issues` names every bad field.
 */
export class WechatTemplateDataError extends WechatApiError {
  override readonly name: string = 'WechatTemplateDataError';
  readonly issues: readonly TemplateDataIssue[];

  constructor(issues: readonly TemplateDataIssue[]) {
    super(
      'subscribe_send',
      WECHAT_ERRCODE.templateParamInvalid,
      `template data refused before sending: ${issues.map((i) => `data.${i.key}: ${i.reason}`).join('; ')}`,
    );
    this.issues = issues;
  }
}
