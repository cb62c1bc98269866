/** Rate limits on write routes, counted in MongoDB and shared by every instance. */
import request from 'supertest';
import { auth, createTestApp, createTestClock, type TestApp, type TestClock } from '../support/app';
import { buildDepartment } from '../support/factories';

const T0 = Date.UTC(2025, 2, 3, 2, 0, 0); // the start of a one-minute window
let clock: TestClock;
let a: TestApp;
let b: TestApp;
const env = { RATE_LIMIT_PER_USER: '3', RATE_LIMIT_PER_IP: '12', RATE_LIMIT_WINDOW_SECONDS: '60' };

beforeAll(async () => {
  clock = createTestClock(T0);
  a = await createTestApp({ clock, env });
  // A second instance on the same database, as behind a load balancer.
  b = await createTestApp({ clock, env, database: a.db });
});
afterAll(async () => {
  await b.close();
  await a.close();
});
beforeEach(async () => {
  await a.models.RateLimitWindow.deleteMany({});
  clock.set(T0);
});

const createDept = (app: TestApp, token: string) => request(app.app).post('/api/admin/departments').set(auth(token)).send(buildDepartment());

describe('per-user limit', () => {
  it('refuses the write over the limit with 429 rate_limited, retryAfter and Retry-After', async () => {
    const token = await a.staffToken('admin');
    for (let i = 0; i < 3; i++) expect((await createDept(a, token)).status).toBe(201);
    clock.advance(15_000);
    const res = await createDept(a, token);
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfter: 45 } });
    expect(res.headers['retry-after']).toBe('45');
  });

  it('shares the counter between two instances on the same database', async () => {
    const token = await a.staffToken('admin');
    expect((await createDept(a, token)).status).toBe(201);
    expect((await createDept(b, token)).status).toBe(201);
    expect((await createDept(a, token)).status).toBe(201);
    expect((await createDept(b, token)).status).toBe(429);
    const windows = await a.models.RateLimitWindow.find({ _id: /staff:/ }).lean();
    expect(windows).toEqual([expect.objectContaining({ count: 4, expiresAt: new Date(T0 + 60_000) })]);
  });

  it('counts concurrent requests on both instances exactly once each', async () => {
    const token = await a.staffToken('admin');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => createDept(i % 2 ? a : b, token)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    const windows = await a.models.RateLimitWindow.find({ _id: /staff:/ }).lean();
    expect(windows.map((w) => w.count)).toEqual([10]);
  });

  it('allows writes again in the next window', async () => {
    const token = await a.staffToken('admin');
    for (let i = 0; i < 3; i++) await createDept(a, token);
    expect((await createDept(a, token)).status).toBe(429);
    clock.advance(60_000);
    expect((await createDept(a, token)).status).toBe(201);
  });

  it('counts each account separately', async () => {
    const first = await a.staffToken('admin');
    const second = await a.staffToken('admin');
    for (let i = 0; i < 3; i++) await createDept(a, first);
    expect((await createDept(a, first)).status).toBe(429);
    expect((await createDept(a, second)).status).toBe(201);
  });

  it('does not limit reads', async () => {
    const token = await a.staffToken('admin');
    for (let i = 0; i < 8; i++) expect((await request(a.app).get('/api/admin/departments').set(auth(token))).status).toBe(200);
  });
});

describe('per-IP limit', () => {
  it('limits anonymous writes (sign-in) per client IP', async () => {
    for (let i = 0; i < 12; i++) expect((await request(a.app).post('/api/auth/wechat').send({ code: `dev:ip${i}` })).status).toBe(200);
    const res = await request(b.app).post('/api/auth/wechat').send({ code: 'dev:ip-over' });
    expect(res.status).toBe(429);
    expect(res.body.error.details.retryAfter).toBe(60);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says a proxy is in front', async () => {
    for (let i = 0; i < 12; i++) {
      await request(a.app).post('/api/auth/wechat').set('X-Forwarded-For', `203.0.113.${i}`).send({ code: `dev:xff${i}` });
    }
    const spoofed = await request(a.app).post('/api/auth/wechat').set('X-Forwarded-For', '198.51.100.7').send({ code: 'dev:xff-new' });
    expect(spoofed.status).toBe(429);

    const proxied = await createTestApp({ clock, env: { ...env, TRUST_PROXY: '1' }, database: a.db });
    try {
      const other = await request(proxied.app).post('/api/auth/wechat').set('X-Forwarded-For', '198.51.100.7').send({ code: 'dev:xff-proxied' });
      expect(other.status).toBe(200);
      expect(await a.models.RateLimitWindow.exists({ _id: `write:ip:198.51.100.7:${T0}` })).not.toBeNull();
    } finally {
      await proxied.close();
    }
  });
});

describe('expired windows', () => {
  it('are deleted by the sweep, current ones kept', async () => {
    const token = await a.staffToken('admin');
    await createDept(a, token);
    clock.advance(60_000);
    await createDept(a, token);
    expect(await a.models.RateLimitWindow.countDocuments({})).toBe(4);
    expect(await a.services.rateLimits.sweepExpired()).toBe(2);
    const left = await a.models.RateLimitWindow.find({}).lean();
    expect(left.every((w) => w.expiresAt.getTime() === T0 + 120_000)).toBe(true);
  });
});
