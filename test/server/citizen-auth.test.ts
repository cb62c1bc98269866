/** Citizen sign-in: dev login mode, and the WeChat exchange against the loopback fake. */
import request from 'supertest';
import { ERROR_MESSAGES } from '../../shared/errors';
import { verifyToken } from '../../server/src/lib/jwt';
import { devOpenid } from '../../server/src/modules/auth/auth.service';
import { auth, createTestApp, TEST_JWT_SECRET, TEST_WECHAT, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../support/fake-wechat';

describe('POST /api/auth/wechat in dev login mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('signs in dev:<name> as a stable user and returns a signed citizen token', async () => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code: 'dev:alice' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      user: { id: expect.stringMatching(/^[0-9a-f]{24}$/), createdAt: expect.any(String) },
    });
    const verified = verifyToken(TEST_JWT_SECRET, res.body.token, Math.floor(t.clock.now() / 1000));
    expect(verified).toMatchObject({ ok: true, claims: { sub: res.body.user.id, kind: 'citizen' } });
    const stored = await t.models.User.findById(res.body.user.id).lean();
    expect(stored?.openid).toBe(devOpenid('alice'));
    expect(stored?.openid).toMatch(/^dev_[0-9a-f]{24}$/);
  });

  it('signs the same name in as the same user again, and another name as another user', async () => {
    const first = await request(t.app).post('/api/auth/wechat').send({ code: 'dev:bob' });
    const again = await request(t.app).post('/api/auth/wechat').send({ code: 'dev:bob' });
    const other = await request(t.app).post('/api/auth/wechat').send({ code: 'dev:carol' });
    expect(again.body.user.id).toBe(first.body.user.id);
    expect(other.body.user.id).not.toBe(first.body.user.id);
    expect(await t.models.User.countDocuments({ openid: devOpenid('bob') })).toBe(1);
  });

  it('never returns the openid to the mini-program', async () => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code: 'dev:dave' });
    expect(JSON.stringify(res.body)).not.toContain(devOpenid('dave'));
  });

  it('refuses a code that is not a dev code with 401 invalid_code when WeChat is not configured', async () => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code: '0a1b2c3d4e5f' });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'invalid_code', message: ERROR_MESSAGES.invalid_code });
  });

  it('refuses an empty code with 400 validation_error', async () => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'code', message: '缺少登录凭证' }]);
  });

  it('issues tokens that citizen routes accept and staff routes refuse with 403', async () => {
    const token = await t.citizenToken('erin');
    const res = await request(t.app).get('/api/admin/auth/me').set(auth(token));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('POST /api/auth/wechat with WeChat', () => {
  let fake: FakeWechat;
  let t: TestApp;
  beforeAll(async () => {
    fake = await startFakeWechat({ appId: TEST_WECHAT.appId, secret: TEST_WECHAT.secret });
    t = await createTestApp({ wechat: fake, env: { WECHAT_DEV_LOGIN: 'false' } });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('exchanges the code through jscode2session and stores the user by openid', async () => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code: 'ok:zhang' });
    expect(res.status).toBe(200);
    const stored = await t.models.User.findById(res.body.user.id).lean();
    expect(stored?.openid).toBe(fake.openidFor('zhang'));
    const call = fake.requestsTo('jscode2session').at(-1);
    expect(call?.query).toMatchObject({ appid: TEST_WECHAT.appId, js_code: 'ok:zhang', grant_type: 'authorization_code' });
  });

  it('does not accept dev codes when dev login is off: WeChat refuses them as invalid', async () => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code: 'dev:mallory' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_code');
    expect(await t.models.User.countDocuments({ openid: devOpenid('mallory') })).toBe(0);
  });

  it.each([
    ['40029 (invalid code)', 'bad', 401, 'invalid_code'],
    ['40163 (code already used)', 'used', 401, 'invalid_code'],
    ['40226 (blocked user)', 'blocked', 403, 'user_blocked'],
    ['-1 (WeChat busy)', 'busy', 503, 'wechat_unavailable'],
  ])('maps WeChat error %s to %i %s', async (_what, code, status, errorCode) => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(errorCode);
  });

  it('maps WeChat 45011 (rate limit) to 429 rate_limited with retryAfter', async () => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code: 'limit' });
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfter: 60 } });
    expect(res.headers['retry-after']).toBe('60');
  });

  it('never sends the AppSecret or the session key back', async () => {
    const res = await request(t.app).post('/api/auth/wechat').send({ code: 'ok:li' });
    expect(JSON.stringify(res.body)).not.toContain(TEST_WECHAT.secret);
    expect(JSON.stringify(res.body)).not.toMatch(/session_?key/i);
    expect(JSON.stringify(t.logs)).not.toContain(TEST_WECHAT.secret);
  });
});
