/**
 * The WeChat client against the fake WeChat server over loopback: error mapping, the access
 * token policy, content checks, subscribe-message field rules, timeouts, and that neither the
 * AppSecret nor a token ever reaches an error or a log line.
 */
import pino from 'pino';
import {
  classifyWechatError,
  createMemoryTokenStore,
  createWechatClient,
  MSG_SEC_SCENE,
  prepareSubscribeData,
  StoredAccessToken,
  TokenStore,
  WECHAT_ERRCODE_BAD_RESPONSE,
  WECHAT_ERRCODE_HTTP,
  WECHAT_ERRCODE_NETWORK,
  WECHAT_ERRCODE_TIMEOUT,
  WechatApiError,
  WechatClient,
  WechatClientOptions,
  WechatTemplateDataError,
} from '../../server/src/lib/wechat';
import { FakeWechat, FakeWechatOptions, startFakeWechat } from '../support/fake-wechat';

const APP_ID = 'wx0123456789abcdef';
const SECRET = 'secret-9f3a7c1e5b2d4a6f8091';
const T0 = Date.UTC(2025, 2, 3, 2, 0, 0);

let fake: FakeWechat;
let clock: number;
const now = () => clock;

async function startFake(extra: Partial<FakeWechatOptions> = {}): Promise<FakeWechat> {
  fake = await startFakeWechat({ appId: APP_ID, secret: SECRET, now, ...extra });
  return fake;
}

function client(extra: Partial<WechatClientOptions> = {}): WechatClient {
  return createWechatClient({ baseUrl: fake.baseUrl, appId: APP_ID, secret: SECRET, timeoutMs: 2000, now, ...extra });
}

/** Runs `fn`, expecting a WechatApiError, and returns it. */
async function wechatError(fn: () => Promise<unknown>): Promise<WechatApiError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof WechatApiError) return err;
    throw err;
  }
  throw new Error('expected a WechatApiError, but the call succeeded');
}

const forceRefreshes = () => fake.requestsTo('stable_token').filter((r) => (r.body as { force_refresh?: boolean }).force_refresh === true);
const check = (c: WechatClient, content = '你好，申请公开本县2024年财政预算。', openid = fake.openidFor('alice')) =>
  c.msgSecCheck({ openid, content, scene: MSG_SEC_SCENE.comment });

beforeEach(() => {
  clock = T0;
});

afterEach(async () => {
  await fake?.close();
});

describe('code2Session', () => {
  beforeEach(() => startFake());

  it('returns a stable openid per user and a session key, sending the documented query', async () => {
    const c = client();
    const first = await c.code2Session('ok:alice');
    const again = await c.code2Session('ok:alice');
    const bob = await c.code2Session('ok:bob');

    expect(first.openid).toBe(fake.openidFor('alice'));
    expect(again.openid).toBe(first.openid);
    expect(bob.openid).not.toBe(first.openid);
    expect(first.sessionKey).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(first).not.toHaveProperty('unionid');
    const [req] = fake.requestsTo('jscode2session');
    expect(req.method).toBe('GET');
    expect(req.query).toEqual({ appid: APP_ID, secret: SECRET, js_code: 'ok:alice', grant_type: 'authorization_code' });
  });

  it('returns the unionid when WeChat sends one', async () => {
    await fake.close();
    await startFake({ unionid: true });
    const session = await client().code2Session('ok:carol');
    expect(session.unionid).toMatch(/^o[\w-]{27}$/);
  });

  it.each([
    ['bad', 40029, false, false],
    ['used', 40163, false, false],
    ['limit', 45011, true, false],
    ['blocked', 40226, false, true],
    ['busy', -1, true, false],
  ])('maps code %s to errcode %i (retryable %s, final %s)', async (code, errcode, retryable, final) => {
    const err = await wechatError(() => client().code2Session(code));
    expect(err).toMatchObject({ api: 'jscode2session', errcode, retryable, final });
    expect(err.errmsg).toMatch(/rid: /);
  });

  it('reports a wrong AppID as 40013 and a wrong AppSecret as 40125, without the secret', async () => {
    const wrongId = await wechatError(() => client({ appId: 'wx-someone-else' }).code2Session('ok:alice'));
    expect(wrongId).toMatchObject({ errcode: 40013, retryable: false, final: false });

    const wrongSecret = 'wrong-secret-55aa77bb';
    const err = await wechatError(() => client({ secret: wrongSecret }).code2Session('ok:alice'));
    expect(err).toMatchObject({ errcode: 40125, retryable: false, final: false });
    for (const text of [err.message, err.errmsg, String(err.stack), JSON.stringify(err)]) {
      expect(text).not.toContain(wrongSecret);
    }
  });
});

describe('access token', () => {
  it('fetches one stable token for many calls, in normal mode with the documented body', async () => {
    await startFake();
    const c = client();
    for (let i = 0; i < 5; i++) await check(c);

    const tokenRequests = fake.requestsTo('stable_token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0].method).toBe('POST');
    expect(tokenRequests[0].body).toEqual({ grant_type: 'client_credential', appid: APP_ID, secret: SECRET, force_refresh: false });
    const used = new Set(fake.requestsTo('msg_sec_check').map((r) => r.query.access_token));
    expect(used.size).toBe(1);
    expect(fake.requestsTo('token')).toHaveLength(0);
  });

  it('shares one in-flight token request between concurrent callers', async () => {
    await startFake();
    fake.script('stable_token', { delayMs: 50 });
    const c = client();
    const results = await Promise.all(Array.from({ length: 10 }, () => check(c)));

    expect(results.every((r) => r.suggest === 'pass')).toBe(true);
    expect(fake.requestsTo('stable_token')).toHaveLength(1);
  });

  it('renews the token 5 minutes before it expires, not earlier', async () => {
    await startFake();
    const c = client();
    await check(c);
    clock = T0 + (7200 - 300 - 1) * 1000;
    await check(c);
    expect(fake.requestsTo('stable_token')).toHaveLength(1);

    clock = T0 + (7200 - 300 + 1) * 1000;
    await check(c);
    expect(fake.requestsTo('stable_token')).toHaveLength(2);
    const [a, b, c3] = fake.requestsTo('msg_sec_check').map((r) => r.query.access_token);
    expect(b).toBe(a);
    expect(c3).not.toBe(a);
  });

  it('after 40001 fetches a new token in normal mode and retries the call once', async () => {
    await startFake();
    const c = client();
    await check(c);
    fake.invalidateTokens();

    const result = await check(c);
    expect(result.suggest).toBe('pass');
    const checks = fake.requestsTo('msg_sec_check');
    expect(checks).toHaveLength(3);
    expect(checks[2].query.access_token).not.toBe(checks[1].query.access_token);
    expect(fake.requestsTo('stable_token')).toHaveLength(2);
    expect(forceRefreshes()).toHaveLength(0);
  });

  it('force-refreshes only when the stable API keeps returning the refused token', async () => {
    await startFake();
    const c = client();
    await check(c);
    fake.invalidateTokens({ stableEndpointStale: true });

    const result = await check(c);
    expect(result.suggest).toBe('pass');
    expect(forceRefreshes()).toHaveLength(1);
    expect(fake.requestsTo('msg_sec_check')).toHaveLength(3);
  });

  it('retries exactly once: a second 40001 is thrown, and no second force refresh follows within 30 s', async () => {
    await startFake();
    const c = client();
    await check(c);
    fake.script('msg_sec_check', { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' }, 2);

    const err = await wechatError(() => check(c));
    expect(err).toMatchObject({ api: 'msg_sec_check', errcode: 40001, retryable: true, final: false });
    expect(fake.requestsTo('msg_sec_check')).toHaveLength(3);
    expect(forceRefreshes()).toHaveLength(1);

    clock += 10_000;
    fake.script('msg_sec_check', { errcode: 40001 });
    const again = await wechatError(() => check(c));
    expect(again.errcode).toBe(40001);
    expect(fake.requestsTo('msg_sec_check')).toHaveLength(4);
    expect(forceRefreshes()).toHaveLength(1);
  });

  it('handles 42001 from a WeChat clock ahead of ours by fetching a new token', async () => {
    let fakeClock = T0;
    fake = await startFakeWechat({ appId: APP_ID, secret: SECRET, now: () => fakeClock });
    const c = client();
    await check(c);
    fakeClock = T0 + 7200 * 1000;
    clock = T0 + 60 * 60 * 1000;

    const result = await check(c);
    expect(result.suggest).toBe('pass');
    const tokens = fake.requestsTo('msg_sec_check').map((r) => r.query.access_token);
    expect(tokens).toHaveLength(3);
    expect(tokens[2]).not.toBe(tokens[1]);
    expect(forceRefreshes()).toHaveLength(0);
  });

  it('shares one refresh between concurrent calls refused at once', async () => {
    await startFake();
    const c = client();
    await check(c);
    fake.invalidateTokens();

    const results = await Promise.all(Array.from({ length: 6 }, () => check(c)));
    expect(results.every((r) => r.suggest === 'pass')).toBe(true);
    expect(fake.requestsTo('stable_token')).toHaveLength(2);
    expect(fake.requestsTo('msg_sec_check')).toHaveLength(1 + 6 * 2);
  });

  it('lets instances share a token through the store', async () => {
    await startFake();
    const shared = createMemoryTokenStore();
    await check(client({ tokenStore: shared }));
    await check(client({ tokenStore: shared }));

    expect(fake.requestsTo('stable_token')).toHaveLength(1);
    const stored = (await shared.get()) as StoredAccessToken;
    expect(stored.token).toBe(fake.requestsTo('msg_sec_check')[0].query.access_token);
    expect(stored.expiresAt).toBe(T0 + 7200 * 1000);
  });

  it('picks up a token another instance force-refreshed instead of forcing again', async () => {
    await startFake();
    const a = client();
    const b = client();
    await check(a);
    await check(b);
    fake.invalidateTokens({ stableEndpointStale: true });

    await check(a);
    clock += 1000;
    await check(b);
    expect(forceRefreshes()).toHaveLength(1);
    const tokens = fake.requestsTo('msg_sec_check').map((r) => r.query.access_token);
    expect(tokens[tokens.length - 1]).toBe(tokens[3]);
  });

  it('keeps working when the token store fails', async () => {
    await startFake();
    const broken: TokenStore = {
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.reject(new Error('store down')),
    };
    const c = client({ tokenStore: broken });
    await check(c);
    await check(c);
    expect(fake.requestsTo('stable_token')).toHaveLength(1);
  });

  it('surfaces token API errors as stable_token errors without the secret', async () => {
    await startFake();
    const err = await wechatError(() => check(client({ secret: 'not-the-secret-0000' })));
    expect(err).toMatchObject({ api: 'stable_token', errcode: 40125, retryable: false });
    expect(fake.requestsTo('msg_sec_check')).toHaveLength(0);
    expect(`${err.message} ${err.stack} ${JSON.stringify(err)}`).not.toContain('not-the-secret-0000');
  });
});

describe('msgSecCheck', () => {
  beforeEach(() => startFake({ riskyWords: { 赌博: 20006, 刷单返利: 20008 }, reviewWords: ['上访'] }));

  it('sends the v2 body and returns pass with the trace id', async () => {
    const openid = fake.openidFor('alice');
    const result = await client().msgSecCheck({ openid, content: '请公开本镇道路改造的招标文件。', scene: MSG_SEC_SCENE.forum });

    expect(result).toMatchObject({ suggest: 'pass', label: 100, parts: 1 });
    expect(result.traceId).not.toBe('');
    const [req] = fake.requestsTo('msg_sec_check');
    expect(req.method).toBe('POST');
    expect(req.body).toEqual({ content: '请公开本镇道路改造的招标文件。', version: 2, scene: 3, openid });
  });

  it('returns risky with its label and review for words needing a human', async () => {
    const c = client();
    expect(await check(c, '有人在村口组织赌博。')).toMatchObject({ suggest: 'risky', label: 20006 });
    expect(await check(c, '我想去上访，请问流程。')).toMatchObject({ suggest: 'review', label: 21000 });
  });

  it('checks the title with the content', async () => {
    const result = await client().msgSecCheck({ openid: fake.openidFor('a1'), content: '详见正文。', title: '刷单返利招人', scene: 2 });
    expect(result.suggest).toBe('risky');
    expect(fake.requestsTo('msg_sec_check')[0].body).toMatchObject({ title: '刷单返利招人' });
  });

  it('checks long content in overlapping parts of at most 2,500 characters and keeps the worst verdict', async () => {
    // "赌博" straddles the first cut (characters 2499-2500) and "上访" sits in the first part.
    const content = `上访${'甲'.repeat(2497)}赌博${'乙'.repeat(3499)}`;
    const result = await check(client(), content);

    expect(result).toMatchObject({ suggest: 'risky', label: 20006, parts: 3 });
    const sent = fake.requestsTo('msg_sec_check').map((r) => (r.body as { content: string }).content);
    // The risky word in part 2 stops the checks: part 3 is never sent.
    expect(sent).toHaveLength(2);
    expect(sent.every((s) => [...s].length <= 2500)).toBe(true);
    expect(sent[0].endsWith('赌')).toBe(true);
    expect(sent[1]).toContain('赌博');
  });

  it('counts emoji as one character when deciding to split', async () => {
    const c = client();
    expect((await check(c, '😀'.repeat(2500))).parts).toBe(1);
    expect((await check(c, '😀'.repeat(2501))).parts).toBe(2);
    const sent = fake.requestsTo('msg_sec_check').map((r) => (r.body as { content: string }).content);
    expect(sent.map((s) => [...s].length)).toEqual([2500, 2500, 101]);
  });

  it('refuses empty content and content over the configured maximum without calling WeChat', async () => {
    const c = client({ maxSecCheckChars: 5000 });
    await expect(check(c, '   ')).rejects.toThrow(RangeError);
    await expect(check(c, '字'.repeat(5001))).rejects.toThrow(/5001 characters/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('sendSubscribeMessage', () => {
  const templateId = 'tmpl-letter-replied';

  beforeEach(() =>
    startFake({ templates: { [templateId]: ['character_string1', 'thing2', 'phrase3', 'date4', 'name5'] } }),
  );

  const data = {
    character_string1: 'XX-2025-0001',
    thing2: '您反映的路灯问题已答复',
    phrase3: '已答复',
    date4: '2025年3月3日 10:30',
    name5: '张三',
  };

  it('sends the documented body and returns the msgid', async () => {
    const touser = fake.openidFor('alice');
    const result = await client().sendSubscribeMessage({ touser, templateId, page: 'pages/letter/detail?id=1', data });

    expect(result).toEqual({ msgid: expect.any(Number), truncated: [] });
    const [req] = fake.requestsTo('subscribe_send');
    expect(req.body).toEqual({
      touser,
      template_id: templateId,
      page: 'pages/letter/detail?id=1',
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { value: v }])),
      miniprogram_state: 'formal',
      lang: 'zh_CN',
    });
    expect(fake.sentMessages).toEqual([expect.objectContaining({ msgid: result.msgid, touser, templateId })]);
  });

  it('cuts thing and name at their limits, counting emoji as one character, and WeChat accepts them', async () => {
    // 17 characters, then a 5-code-point family emoji that would cross the 20-character limit.
    const longThing = '关于😀县城老旧小区改造进度的答复意👨‍👩‍👧已发布';
    const result = await client().sendSubscribeMessage({
      touser: fake.openidFor('bob'),
      templateId,
      data: { ...data, thing2: longThing, name5: '欧阳诸葛司马上官东方慕容' },
    });

    expect(result.truncated).toEqual(['thing2', 'name5']);
    const [sent] = fake.sentMessages;
    expect(sent.data.thing2.value).toBe('关于😀县城老旧小区改造进度的答复意');
    expect([...sent.data.thing2.value]).toHaveLength(17);
    expect(sent.data.name5.value).toBe('欧阳诸葛司马上官东方');
  });

  it('refuses malformed fields before sending, naming each one', async () => {
    const err = await wechatError(() =>
      client().sendSubscribeMessage({
        touser: fake.openidFor('carol'),
        templateId,
        data: { character_string1: '编号 2025-0001', thing2: '好', phrase3: '已经答复完毕', date4: '2025-02-30', name5: '李四' },
      }),
    );

    expect(err).toBeInstanceOf(WechatTemplateDataError);
    expect(err).toMatchObject({ errcode: 47003, final: true, retryable: false, api: 'subscribe_send' });
    expect((err as WechatTemplateDataError).issues.map((i) => i.key)).toEqual(['character_string1', 'phrase3', 'date4']);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['refuse', 43101, false, true],
    ['busy', -1, true, false],
    ['param_error', 47003, false, true],
  ] as const)('maps a recipient who is %s to errcode %i', async (behaviour, errcode, retryable, final) => {
    const touser = fake.openidFor(`user-${behaviour}`);
    fake.setRecipient(touser, behaviour);
    const err = await wechatError(() => client().sendSubscribeMessage({ touser, templateId, data }));
    expect(err).toMatchObject({ api: 'subscribe_send', errcode, retryable, final });
  });

  it('turns a recipient whose send never answers into a retryable timeout', async () => {
    const touser = fake.openidFor('slow');
    fake.setRecipient(touser, 'hang');
    const err = await wechatError(() => client({ timeoutMs: 300 }).sendSubscribeMessage({ touser, templateId, data }));
    expect(err).toMatchObject({ errcode: WECHAT_ERRCODE_TIMEOUT, retryable: true, final: false });
  });

  it('follows a script: two busy answers, then success', async () => {
    const c = client();
    const touser = fake.openidFor('dave');
    fake.script('subscribe_send', { errcode: -1, errmsg: 'system error' }, 2);

    expect(await wechatError(() => c.sendSubscribeMessage({ touser, templateId, data }))).toMatchObject({ errcode: -1, retryable: true });
    expect(await wechatError(() => c.sendSubscribeMessage({ touser, templateId, data }))).toMatchObject({ errcode: -1, retryable: true });
    await expect(c.sendSubscribeMessage({ touser, templateId, data })).resolves.toMatchObject({ msgid: expect.any(Number) });
    expect(fake.sentMessages).toHaveLength(1);
  });

  it('reports a template id WeChat does not know as 40037, not retryable', async () => {
    const err = await wechatError(() => client().sendSubscribeMessage({ touser: fake.openidFor('e'), templateId: 'nope', data }));
    expect(err).toMatchObject({ errcode: 40037, retryable: false, final: false });
  });
});

describe('transport failures', () => {
  beforeEach(() => startFake());

  it('maps a slow answer to a retryable timeout', async () => {
    fake.script('jscode2session', { delayMs: 5000 });
    const err = await wechatError(() => client({ timeoutMs: 100 }).code2Session('ok:alice'));
    expect(err).toMatchObject({ api: 'jscode2session', errcode: WECHAT_ERRCODE_TIMEOUT, retryable: true });
  });

  it('maps a dropped connection and a closed server to retryable network errors', async () => {
    fake.script('jscode2session', { reset: true });
    const reset = await wechatError(() => client().code2Session('ok:alice'));
    expect(reset).toMatchObject({ errcode: WECHAT_ERRCODE_NETWORK, retryable: true });

    const { baseUrl } = fake;
    await fake.close();
    const refused = await wechatError(() => createWechatClient({ baseUrl, appId: APP_ID, secret: SECRET }).code2Session('ok:alice'));
    expect(refused).toMatchObject({ errcode: WECHAT_ERRCODE_NETWORK, retryable: true });
    expect(refused.errmsg).toMatch(/ECONNREFUSED/);
    expect(refused.message).not.toContain(SECRET);
  });

  it('maps 5xx to retryable and 404 to not retryable HTTP errors', async () => {
    fake.script('jscode2session', { httpStatus: 502, body: 'Bad Gateway' });
    expect(await wechatError(() => client().code2Session('ok:alice'))).toMatchObject({
      errcode: WECHAT_ERRCODE_HTTP,
      httpStatus: 502,
      retryable: true,
    });
    const notFound = await wechatError(() => client({ baseUrl: `${fake.baseUrl}/wrong-prefix` }).code2Session('ok:alice'));
    expect(notFound).toMatchObject({ errcode: WECHAT_ERRCODE_HTTP, httpStatus: 404, retryable: false });
  });

  it('maps an answer that is not the documented JSON to a bad-response error', async () => {
    fake.script('jscode2session', { httpStatus: 200, body: '<html>gateway</html>' });
    expect(await wechatError(() => client().code2Session('ok:alice'))).toMatchObject({ errcode: WECHAT_ERRCODE_BAD_RESPONSE });
    fake.script('jscode2session', { json: { session_key: 'abc' } });
    const noOpenid = await wechatError(() => client().code2Session('ok:alice'));
    expect(noOpenid).toMatchObject({ errcode: WECHAT_ERRCODE_BAD_RESPONSE });
    expect(noOpenid.errmsg).toMatch(/openid/);
  });
});

describe('secrets', () => {
  it('never logs the AppSecret or a token, even through refreshes and failures', async () => {
    await startFake();
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const c = client({ logger, timeoutMs: 300 });

    await check(c);
    fake.invalidateTokens({ stableEndpointStale: true });
    await check(c);
    fake.script('msg_sec_check', { errcode: 40001 }, 2);
    clock += 60_000;
    await wechatError(() => check(c));
    fake.script('subscribe_send', { hang: true });
    await wechatError(() => c.sendSubscribeMessage({ touser: fake.openidFor('x'), templateId: 't', data: { thing1: '测试' } }));

    const tokens = new Set(fake.requests.map((r) => r.query.access_token).filter(Boolean));
    expect(tokens.size).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeGreaterThan(0);
    const logged = lines.join('');
    expect(logged).not.toContain(SECRET);
    for (const token of tokens) expect(logged).not.toContain(token);
  });

  it('masks the AppSecret and the token if WeChat echoes them in errmsg', async () => {
    await startFake();
    fake.script('jscode2session', { errcode: 40125, errmsg: `invalid appsecret ${SECRET}` });
    const err = await wechatError(() => client().code2Session('ok:alice'));
    expect(err.errmsg).toMatch(/^invalid appsecret \*\*\* rid: /);

    const c = client();
    await check(c);
    const token = fake.requestsTo('msg_sec_check')[0].query.access_token;
    fake.script('msg_sec_check', { errcode: 40003, errmsg: `invalid openid for ${token}` });
    const echoed = await wechatError(() => check(c));
    expect(echoed.message).not.toContain(token);
  });
});

describe('prepareSubscribeData', () => {
  it('accepts every documented date and time form', () => {
    const { data } = prepareSubscribeData({
      date1: '2024年1月2日',
      date2: '2024-01-02 15:01',
      date3: '2024年1月2日 15:01~2024年1月3日 16:00',
      time4: '15:01',
      time5: '2024年10月1日 15:01',
      time6: '08:00~17:30',
      date7: '2024-02-29',
    });
    expect(Object.keys(data)).toHaveLength(7);
  });

  it.each([
    ['date1', '2025-02-29'],
    ['date1', '2024年13月1日'],
    ['date1', '明天'],
    ['time1', '24:00'],
    ['time1', '9点'],
    ['date1', '2024-01-01~'],
    ['phrase1', '已答复1'],
    ['phrase1', '处理中处理中'],
    ['character_string1', 'A'.repeat(33)],
    ['character_string1', '编号1'],
    ['number1', '12a'],
    ['number1', '1'.repeat(33)],
    ['letter1', 'abc1'],
    ['symbol1', '!!!!!!'],
    ['amount1', '¥12345678901'],
    ['phone_number1', '0571-8888-8888-8888'],
    ['car_number1', '浙A12345678'],
    ['thing1', '   '],
    ['keyword1', '旧式字段'],
  ])('refuses %s = %j', (key, value) => {
    expect(() => prepareSubscribeData({ [key]: value })).toThrow(WechatTemplateDataError);
  });

  it('accepts valid values of the other types', () => {
    const input = {
      number1: '123.45',
      letter2: 'ABC',
      symbol3: '★',
      amount4: '¥100.50元',
      phone_number5: '+86-0571-88888888',
      car_number6: '浙A12345',
      character_string7: 'GK-2025/0001',
    };
    const { data } = prepareSubscribeData(input);
    expect(data).toEqual(Object.fromEntries(Object.entries(input).map(([k, v]) => [k, { value: v }])));
  });

  it('keeps a 20-character thing and a 20-letter latin name whole, cuts a longer latin name at 20', () => {
    const thing = '一二三四五六七八九十一二三四五六七八九十';
    const { data, truncated } = prepareSubscribeData({ thing1: thing, name2: 'A'.repeat(20), name3: 'Alexander Hamilton Smith' });
    expect(data.thing1.value).toBe(thing);
    expect(data.name2.value).toBe('A'.repeat(20));
    expect(data.name3.value).toBe('Alexander Hamilton S');
    expect(truncated).toEqual(['name3']);
  });

  it('never splits an emoji sequence at the cut', () => {
    const { data } = prepareSubscribeData({ thing1: `${'字'.repeat(18)}👨‍👩‍👧尾` });
    expect(data.thing1.value).toBe('字'.repeat(18));
    const { data: flags } = prepareSubscribeData({ thing1: `${'字'.repeat(19)}🇨🇳` });
    expect(flags.thing1.value).toBe('字'.repeat(19));
  });
});

describe('classifyWechatError', () => {
  it.each([
    [40029, false, false],
    [40163, false, false],
    [45011, true, false],
    [40226, false, true],
    [43101, false, true],
    [47003, false, true],
    [-1, true, false],
    [WECHAT_ERRCODE_NETWORK, true, false],
    [WECHAT_ERRCODE_TIMEOUT, true, false],
    [40001, true, false],
    [99999, false, false],
  ])('classifies %i as retryable %s, final %s', (errcode, retryable, final) => {
    expect(classifyWechatError(errcode)).toMatchObject({ retryable, final });
  });

  it('treats 40001, 42001 and 40014 as token errors', () => {
    expect([40001, 42001, 40014, 40013].map((e) => classifyWechatError(e).tokenInvalid)).toEqual([true, true, true, false]);
  });

  it('retries HTTP 5xx and 429 only', () => {
    expect([500, 503, 429, 404, 403].map((s) => classifyWechatError(WECHAT_ERRCODE_HTTP, s).retryable)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
