/**
 * Rate limits of public reads (ADR 091): per client IP in `public_read`, searches also in the
 * tighter `public_search`; responses served from the public micro-cache are not counted.
 */
import request from 'supertest';
import { createTestApp, createTestClock, type TestApp, type TestClock } from '../support/app';

let t: TestApp;
let clock: TestClock;
beforeAll(async () => {
  clock = createTestClock(Date.parse('2026-11-09T02:00:00Z'));
  t = await createTestApp({ clock, env: { PUBLIC_READ_RATE_LIMIT_PER_IP: '5', PUBLIC_SEARCH_RATE_LIMIT_PER_IP: '2', RATE_LIMIT_WINDOW_SECONDS: '60' } });
});
afterAll(() => t.close());
// Each test starts in a fresh window.
beforeEach(() => clock.advance(60_000));

const counters = async (bucket: string) =>
  (await t.models.RateLimitWindow.find({ _id: new RegExp(`^${bucket}:`) }).lean()).reduce((n, w) => n + (w as unknown as { count: number }).count, 0);

it('refuses a client over the public read limit with 429 and retryAfter, across public routes', async () => {
  for (let i = 0; i < 3; i++) expect((await request(t.app).get('/api/letters/public')).status).toBe(200);
  expect((await request(t.app).get('/api/letters/categories')).status).toBe(200);
  expect((await request(t.app).get('/api/policies')).status).toBe(200);
  const over = await request(t.app).get('/api/letters/public');
  expect(over.status).toBe(429);
  expect(over.body.error.code).toBe('rate_limited');
  expect(over.body.error.details.retryAfter).toBeGreaterThan(0);
  expect(over.headers['retry-after']).toBeDefined();
  expect((await request(t.app).get('/api/consultations')).status).toBe(429);
  // A forged X-Forwarded-For does not start a new count: no proxy is trusted here.
  expect((await request(t.app).get('/api/letters/public').set('X-Forwarded-For', '203.0.113.7')).status).toBe(429);
});

it('limits searches more tightly than plain reads', async () => {
  for (let i = 0; i < 2; i++) expect((await request(t.app).get(`/api/letters/public?q=${encodeURIComponent(`路灯${i}`)}`)).status).toBe(200);
  const third = await request(t.app).get(`/api/letters/public?q=${encodeURIComponent('路灯3')}`);
  expect(third.status).toBe(429);
  // Plain reads still have room in their own bucket.
  expect((await request(t.app).get('/api/letters/public')).status).toBe(200);
  expect((await request(t.app).get('/api/letters/public?q=')).status).toBe(400);
});

it('does not count responses served from the public micro-cache', async () => {
  const cached = await createTestApp({
    database: t.db,
    clock,
    env: { PUBLIC_CACHE_SECONDS: '5', PUBLIC_READ_RATE_LIMIT_PER_IP: '2', PUBLIC_SEARCH_RATE_LIMIT_PER_IP: '1' },
  });
  try {
    const before = await counters('public_read');
    for (let i = 0; i < 20; i++) expect((await request(cached.app).get('/api/letters/public?limit=7')).status).toBe(200);
    expect(await counters('public_read')).toBe(before + 1);
    // The same search again is a cache hit: one count in each bucket, not two.
    const searches = await counters('public_search');
    for (let i = 0; i < 5; i++) expect((await request(cached.app).get(`/api/letters/public?q=${encodeURIComponent('停车')}`)).status).toBe(200);
    expect(await counters('public_search')).toBe(searches + 1);
  } finally {
    await cached.close();
  }
});
