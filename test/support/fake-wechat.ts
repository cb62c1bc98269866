/**
 * A fake WeChat server API on loopback, for tests and for development (scripts/fake-wechat.ts).
 * It answers the APIs the BFF uses with the shapes WeChat documents: `{ errcode, errmsg }` with a
 * `rid` suffix on failure, `jscode2session` success without `errcode` and as `text/plain`, and
 * success bodies with `errcode: 0` for the others.
 *
 * Login codes: `ok:<name>` logs in the user `<name>` (stable openid, reusable so tests can log in
 * twice); `bad` → 40029; `used` → 40163; `limit` → 45011; `blocked` → 40226; `busy` → -1;
 * anything else → 40029 unless `acceptAnyCode` is set (then the code itself names the user).
 *
 * Tokens follow getStableAccessToken: normal mode returns the current token until 5 minutes
 * before it expires; force mode replaces it (at most 20 a day, ignored within 30 s of the last
 * one). `/cgi-bin/token` issues a new token each call and keeps the previous one for 5 minutes.
 *
 * Choices where WeChat documents no error: msg_sec_check content over 2,500 characters answers
 * 47001; subscribe data is checked for the simple field types only (thing, phrase, name,
 * character_string, number, letter).
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The APIs the fake answers, as named in `script()` and in recorded requests. */
export type FakeWechatApi = 'jscode2session' | 'stable_token' | 'token' | 'msg_sec_check' | 'subscribe_send';

/** A one-off answer queued with `script()`. */
export type FakeBehaviour =
  /** Answer `{ errcode, errmsg }`. */
  | { errcode: number; errmsg?: string }
  /** Wait, then answer normally. */
  | { delayMs: number }
  /** Never answer (until the fake closes). */
  | { hang: true }
  /** Answer with this HTTP status and body. */
  | { httpStatus: number; body?: string }
  /** Drop the connection without answering. */
  | { reset: true }
  /** Answer HTTP 200 with this JSON. */
  | { json: unknown };

/** How subscribe/send treats a recipient. */
export type FakeRecipientBehaviour = 'refuse' | 'busy' | 'hang' | 'param_error';

/** Setup of the fake. */
export interface FakeWechatOptions {
  appId: string;
  secret: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Clock in milliseconds, shared with the client under test when token expiry matters. */
  now?: () => number;
  /** Words making msg_sec_check answer risky; a list uses label 20001, a record names each label. */
  riskyWords?: readonly string[] | Record<string, number>;
  /** Words making msg_sec_check answer review; a list uses label 21000. */
  reviewWords?: readonly string[] | Record<string, number>;
  /** subscribe/send behaviour per openid. */
  recipients?: Record<string, FakeRecipientBehaviour>;
  /** Known templates (id → field keys). When given, other ids answer 40037 and key mismatches 47003. */
  templates?: Record<string, readonly string[]>;
  /** Log in any unknown code as a user named by the code (development only). */
  acceptAnyCode?: boolean;
  /** Return a unionid from jscode2session. */
  unionid?: boolean;
  /** Called once per answered request with a one-line summary (no secrets or tokens). */
  log?: (line: string) => void;
}

/** A request as the fake received it (secrets included: it is a test double). */
export interface RecordedRequest {
  api: FakeWechatApi | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  at: number;
}

/** A subscribe message the fake accepted. */
export interface SentMessage {
  msgid: number;
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogramState?: string;
  lang?: string;
}

/** A running fake. */
export interface FakeWechat {
  baseUrl: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Messages accepted by subscribe/send. */
  sentMessages: SentMessage[];
  /** Queues `behaviour` for the next `times` calls of `api`, before normal answers. */
  script(api: FakeWechatApi, behaviour: FakeBehaviour, times?: number): void;
  /** Sets (or with null clears) how subscribe/send treats `openid`. */
  setRecipient(openid: string, behaviour: FakeRecipientBehaviour | null): void;
  /** The openid `ok:<name>` logs in as. */
  openidFor(name: string): string;
  /** The requests made to one API. */
  requestsTo(api: FakeWechatApi): RecordedRequest[];
  /**
   * Revokes every token issued so far: API calls with them answer 40001. By default the stable
   * endpoint then issues a new token in normal mode; with `stableEndpointStale` it keeps
   * returning the revoked token until a force refresh, which is when clients must force.
   */
  invalidateTokens(options?: { stableEndpointStale?: boolean }): void;
  close(): Promise<void>;
}

interface IssuedToken {
  expiresAt: number;
  revoked: boolean;
}

const TOKEN_TTL_S = 7200;
const EARLY_RENEW_MS = 5 * 60_000;
const FORCE_MIN_INTERVAL_MS = 30_000;
const FORCE_DAILY_LIMIT = 20;
const MSG_SEC_MAX_CHARS = 2500;
const JSON_TYPE = 'application/json; encoding=utf-8';

function rid(): string {
  return [4, 4, 4].map((n) => randomBytes(n).toString('hex')).join('-');
}

function wechatError(errcode: number, errmsg: string): { errcode: number; errmsg: string } {
  return { errcode, errmsg: `${errmsg} rid: ${rid()}` };
}

function newToken(): string {
  // Real tokens are ~136 characters of [A-Za-z0-9_-].
  return randomBytes(102).toString('base64url');
}

function wordTable(words: readonly string[] | Record<string, number> | undefined, label: number, fallback: Record<string, number>) {
  if (!words) return fallback;
  if (Array.isArray(words)) return Object.fromEntries(words.map((w) => [w, label]));
  return words as Record<string, number>;
}

function charCount(s: string): number {
  return [...s].length;
}

/** The 47003 reason for a field WeChat would refuse, or null. Deliberately independent of the client's rules. */
function badField(key: string, value: string): string | null {
  const type = /^([a-z_]+?)\d+$/.exec(key)?.[1];
  const n = charCount(value);
  if (n === 0) return 'is empty';
  switch (type) {
    case 'thing':
      return n <= 20 ? null : 'invalid';
    case 'phrase':
      return n <= 5 && /^\p{Script=Han}+$/u.test(value) ? null : 'invalid';
    case 'name':
      return n <= (/^[\x20-\x7e]+$/.test(value) ? 20 : 10) ? null : 'invalid';
    case 'character_string':
      return n <= 32 && /^[\x21-\x7e]+$/.test(value) ? null : 'invalid';
    case 'number':
      return n <= 32 && /^\d+(\.\d+)?$/.test(value) ? null : 'invalid';
    case 'letter':
      return n <= 32 && /^[A-Za-z]+$/.test(value) ? null : 'invalid';
    default:
      return null;
  }
}

const ROUTES: Record<string, { api: FakeWechatApi; method: 'GET' | 'POST' }> = {
  '/sns/jscode2session': { api: 'jscode2session', method: 'GET' },
  '/cgi-bin/stable_token': { api: 'stable_token', method: 'POST' },
  '/cgi-bin/token': { api: 'token', method: 'GET' },
  '/wxa/msg_sec_check': { api: 'msg_sec_check', method: 'POST' },
  '/cgi-bin/message/subscribe/send': { api: 'subscribe_send', method: 'POST' },
};

type Answer =
  | { kind: 'json'; body: unknown; contentType?: string }
  | { kind: 'http'; status: number; body: string }
  | { kind: 'hang' }
  | { kind: 'reset' };

/** Starts the fake on loopback and resolves once it listens. */
export async function startFakeWechat(options: FakeWechatOptions): Promise<FakeWechat> {
  const now = options.now ?? Date.now;
  const riskyWords = wordTable(options.riskyWords, 20001, { 赌博: 20006, 诈骗: 20008, 辱骂示例词: 20003 });
  const reviewWords = wordTable(options.reviewWords, 21000, { 待人工审核词: 21000 });
  const recipients = new Map<string, FakeRecipientBehaviour>(Object.entries(options.recipients ?? {}));
  const requests: RecordedRequest[] = [];
  const sentMessages: SentMessage[] = [];
  const scripts = new Map<FakeWechatApi, { behaviour: FakeBehaviour; remaining: number }[]>();
  const timers = new Set<NodeJS.Timeout>();
  const tokens = new Map<string, IssuedToken>();
  let stable: string | null = null;
  let stableEndpointStale = false;
  let lastForcedAt: number | undefined;
  let forceDay = '';
  let forcesToday = 0;
  let lastPlainToken: string | null = null;
  let nextMsgid = 1000;

  const openidFor = (name: string) =>
    `o${createHash('sha256').update(`${options.appId}:${name}`).digest('base64url').slice(0, 27)}`;
  const unionidFor = (name: string) =>
    `o${createHash('sha256').update(`union:${name}`).digest('base64url').slice(0, 27)}`;

  const issue = (ttlS = TOKEN_TTL_S): string => {
    const token = newToken();
    tokens.set(token, { expiresAt: now() + ttlS * 1000, revoked: false });
    return token;
  };

  const checkCredentials = (appid: unknown, secret: unknown) => {
    if (appid !== options.appId) return wechatError(40013, 'invalid appid');
    if (secret !== options.secret) return wechatError(40125, 'invalid appsecret');
    return null;
  };

  const checkToken = (query: Record<string, string>) => {
    const token = query.access_token;
    if (!token) return wechatError(41001, 'access_token missing');
    const t = tokens.get(token);
    if (!t || t.revoked) return wechatError(40001, 'invalid credential, access_token is invalid or not latest');
    if (t.expiresAt <= now()) return wechatError(42001, 'access_token expired');
    return null;
  };

  const handlers: Record<FakeWechatApi, (query: Record<string, string>, body: unknown) => Answer> = {
    jscode2session(query) {
      const bad = checkCredentials(query.appid, query.secret);
      if (bad) return { kind: 'json', body: bad, contentType: 'text/plain' };
      const code = query.js_code;
      const answer = (body: unknown): Answer => ({ kind: 'json', body, contentType: 'text/plain' });
      if (!code) return answer(wechatError(41008, 'missing code'));
      if (query.grant_type !== 'authorization_code') return answer(wechatError(40002, 'invalid grant_type'));
      const fixed: Record<string, [number, string]> = {
        bad: [40029, 'invalid code'],
        used: [40163, 'code been used'],
        limit: [45011, 'api minute-quota reach limit  mustslower  retry next minute'],
        blocked: [40226, 'high risk user'],
        busy: [-1, 'system error'],
      };
      if (Object.hasOwn(fixed, code)) return answer(wechatError(...fixed[code]));
      let name: string | undefined;
      if (code.startsWith('ok:') && code.length > 3) name = code.slice(3);
      else if (options.acceptAnyCode) name = code;
      if (name === undefined) return answer(wechatError(40029, 'invalid code'));
      const session: Record<string, string> = {
        session_key: randomBytes(16).toString('base64'),
        openid: openidFor(name),
      };
      if (options.unionid) session.unionid = unionidFor(name);
      return answer(session);
    },

    stable_token(_query, body) {
      const b = (body ?? {}) as Record<string, unknown>;
      if (b.grant_type !== 'client_credential') return { kind: 'json', body: wechatError(40002, 'invalid grant_type') };
      const bad = checkCredentials(b.appid, b.secret);
      if (bad) return { kind: 'json', body: bad };
      const t = now();
      const current = stable ? tokens.get(stable) : undefined;
      if (b.force_refresh === true) {
        const day = new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
        if (day !== forceDay) {
          forceDay = day;
          forcesToday = 0;
        }
        const tooSoon = lastForcedAt !== undefined && t - lastForcedAt < FORCE_MIN_INTERVAL_MS;
        if (!tooSoon) {
          if (forcesToday >= FORCE_DAILY_LIMIT) {
            return { kind: 'json', body: wechatError(45009, 'reach max api daily quota limit') };
          }
          forcesToday++;
          lastForcedAt = t;
          if (current) current.revoked = true;
          stable = issue();
          stableEndpointStale = false;
        }
      } else {
        const usable = current && (!current.revoked || stableEndpointStale) && current.expiresAt - t > EARLY_RENEW_MS;
        // The old token stays valid until it expires (at most 5 minutes): WeChat's overlap.
        if (!usable) {
          stable = issue();
          stableEndpointStale = false;
        }
      }
      const s = tokens.get(stable!)!;
      return {
        kind: 'json',
        body: { access_token: stable, expires_in: Math.floor((s.expiresAt - t) / 1000) },
      };
    },

    token(query) {
      if (query.grant_type !== 'client_credential') return { kind: 'json', body: wechatError(40002, 'invalid grant_type') };
      const bad = checkCredentials(query.appid, query.secret);
      if (bad) return { kind: 'json', body: bad };
      if (lastPlainToken) {
        const previous = tokens.get(lastPlainToken)!;
        previous.expiresAt = Math.min(previous.expiresAt, now() + EARLY_RENEW_MS);
      }
      lastPlainToken = issue();
      return { kind: 'json', body: { access_token: lastPlainToken, expires_in: TOKEN_TTL_S } };
    },

    msg_sec_check(query, body) {
      const badToken = checkToken(query);
      if (badToken) return { kind: 'json', body: badToken };
      const b = body as Record<string, unknown> | undefined;
      if (!b || typeof b !== 'object') return { kind: 'json', body: wechatError(44002, 'empty post data') };
      if (b.version !== 2) return { kind: 'json', body: wechatError(47001, 'data format error') };
      if (typeof b.openid !== 'string' || !/^[\w-]{6,64}$/.test(b.openid)) {
        return { kind: 'json', body: wechatError(40003, 'invalid openid') };
      }
      if (![1, 2, 3, 4].includes(b.scene as number)) return { kind: 'json', body: wechatError(40129, 'invalid scene') };
      if (typeof b.content !== 'string' || b.content === '') return { kind: 'json', body: wechatError(44002, 'empty content') };
      if (charCount(b.content) > MSG_SEC_MAX_CHARS) return { kind: 'json', body: wechatError(47001, 'content too long') };
      const text = `${typeof b.title === 'string' ? b.title : ''}\n${b.content}`;
      const hit = (table: Record<string, number>) => Object.entries(table).find(([w]) => text.includes(w));
      const risky = hit(riskyWords);
      const review = risky ? undefined : hit(reviewWords);
      const [suggest, label, keyword] = risky
        ? (['risky', risky[1], risky[0]] as const)
        : review
          ? (['review', review[1], review[0]] as const)
          : (['pass', 100, undefined] as const);
      const keywordDetail: Record<string, unknown> = { strategy: 'keyword', errcode: 0 };
      if (keyword !== undefined) Object.assign(keywordDetail, { suggest, label, level: 90, keyword });
      return {
        kind: 'json',
        body: {
          errcode: 0,
          errmsg: 'ok',
          result: { suggest, label },
          detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: keyword ? 90 : 0 }, keywordDetail],
          trace_id: `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${Math.floor(now() / 1000)}`,
        },
      };
    },

    subscribe_send(query, body) {
      const badToken = checkToken(query);
      if (badToken) return { kind: 'json', body: badToken };
      const b = body as Record<string, unknown> | undefined;
      if (!b || typeof b !== 'object') return { kind: 'json', body: wechatError(44002, 'empty post data') };
      if (typeof b.touser !== 'string' || !/^[\w-]{6,64}$/.test(b.touser)) {
        return { kind: 'json', body: wechatError(40003, 'invalid openid') };
      }
      switch (recipients.get(b.touser)) {
        case 'refuse':
          return { kind: 'json', body: wechatError(43101, 'user refuse to accept the msg') };
        case 'busy':
          return { kind: 'json', body: wechatError(-1, 'system error') };
        case 'hang':
          return { kind: 'hang' };
        case 'param_error':
          return { kind: 'json', body: wechatError(47003, 'argument invalid! data.thing1.value invalid') };
        default:
          break;
      }
      const templateId = b.template_id;
      if (typeof templateId !== 'string' || templateId === '') return { kind: 'json', body: wechatError(40037, 'invalid template_id') };
      const templateKeys = options.templates?.[templateId];
      if (options.templates && !templateKeys) return { kind: 'json', body: wechatError(40037, 'invalid template_id') };
      const data = b.data as Record<string, unknown> | undefined;
      if (!data || typeof data !== 'object') return { kind: 'json', body: wechatError(47003, 'argument invalid! data is empty') };
      for (const key of templateKeys ?? []) {
        if (!(key in data)) return { kind: 'json', body: wechatError(47003, `argument invalid! data.${key}.value is empty`) };
      }
      const clean: Record<string, { value: string }> = {};
      for (const [key, field] of Object.entries(data)) {
        const value = (field as { value?: unknown } | null)?.value;
        if (typeof value !== 'string') return { kind: 'json', body: wechatError(47003, `argument invalid! data.${key}.value invalid`) };
        if (templateKeys && !templateKeys.includes(key)) {
          return { kind: 'json', body: wechatError(47003, `argument invalid! data.${key} not in template`) };
        }
        const why = badField(key, value);
        if (why) return { kind: 'json', body: wechatError(47003, `argument invalid! data.${key}.value ${why}`) };
        clean[key] = { value };
      }
      const state = b.miniprogram_state;
      if (state !== undefined && state !== 'developer' && state !== 'trial' && state !== 'formal') {
        return { kind: 'json', body: wechatError(47001, 'data format error') };
      }
      const msgid = nextMsgid++;
      const sent: SentMessage = { msgid, touser: b.touser, templateId, data: clean };
      if (typeof b.page === 'string') sent.page = b.page;
      if (typeof state === 'string') sent.miniprogramState = state;
      if (typeof b.lang === 'string') sent.lang = b.lang;
      sentMessages.push(sent);
      return { kind: 'json', body: { errcode: 0, errmsg: 'ok', msgid } };
    },
  };

  const nextScripted = (api: FakeWechatApi): FakeBehaviour | undefined => {
    const queue = scripts.get(api);
    const head = queue?.[0];
    if (!head) return undefined;
    head.remaining--;
    if (head.remaining <= 0) queue!.shift();
    return head.behaviour;
  };

  const write = (res: http.ServerResponse, answer: Answer, summary: string) => {
    if (answer.kind === 'hang') {
      options.log?.(`${summary} -> (hanging)`);
      return;
    }
    if (answer.kind === 'reset') {
      options.log?.(`${summary} -> (connection reset)`);
      res.socket?.destroy();
      return;
    }
    if (answer.kind === 'http') {
      options.log?.(`${summary} -> HTTP ${answer.status}`);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body);
      return;
    }
    const errcode = (answer.body as { errcode?: number } | null)?.errcode ?? 0;
    options.log?.(`${summary} -> errcode ${errcode}`);
    res.writeHead(200, { 'content-type': answer.contentType ?? JSON_TYPE });
    res.end(JSON.stringify(answer.body));
  };

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const query = Object.fromEntries(u.searchParams);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      let bodyOk = true;
      if (raw !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          bodyOk = false;
          body = raw;
        }
      }
      const route = ROUTES[u.pathname];
      const summary = `${req.method} ${u.pathname}`;
      requests.push({ api: route?.api ?? 'unknown', method: req.method ?? '', path: u.pathname, query, body, at: now() });
      if (!route) {
        write(res, { kind: 'http', status: 404, body: 'Not Found' }, summary);
        return;
      }
      const normal = (): Answer => {
        if (req.method !== route.method) {
          return { kind: 'json', body: wechatError(route.api === 'msg_sec_check' ? 43302 : 43002, `require ${route.method} method`) };
        }
        if (!bodyOk) return { kind: 'json', body: wechatError(47001, 'data format error') };
        return handlers[route.api](query, body);
      };
      const scripted = nextScripted(route.api);
      if (!scripted) return write(res, normal(), summary);
      if ('errcode' in scripted) {
        return write(res, { kind: 'json', body: wechatError(scripted.errcode, scripted.errmsg ?? 'scripted error') }, summary);
      }
      if ('hang' in scripted) return write(res, { kind: 'hang' }, summary);
      if ('reset' in scripted) return write(res, { kind: 'reset' }, summary);
      if ('httpStatus' in scripted) return write(res, { kind: 'http', status: scripted.httpStatus, body: scripted.body ?? '' }, summary);
      if ('json' in scripted) return write(res, { kind: 'json', body: scripted.json }, summary);
      // The normal answer is computed after the delay, so tokens are checked at answer time.
      later(scripted.delayMs, () => write(res, normal(), summary));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    baseUrl: `http://${host}:${address.port}`,
    requests,
    sentMessages,
    script(api, behaviour, times = 1) {
      if (!(times >= 1)) throw new RangeError('script: times must be at least 1');
      const queue = scripts.get(api) ?? [];
      queue.push({ behaviour, remaining: times });
      scripts.set(api, queue);
    },
    setRecipient(openid, behaviour) {
      if (behaviour === null) recipients.delete(openid);
      else recipients.set(openid, behaviour);
    },
    openidFor,
    requestsTo(api) {
      return requests.filter((r) => r.api === api);
    },
    invalidateTokens(opts) {
      for (const t of tokens.values()) t.revoked = true;
      stableEndpointStale = opts?.stableEndpointStale === true;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
