/**
 * The micro-cache of public GET routes: anonymous readers share a response for a second or two;
 * signed-in readers and errors never go through it.
 */
import request from 'supertest';
import { PublicResponseCache } from '../../server/src/middlewares/public-cache';
import { auth, createTestApp, type TestApp } from '../support/app';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { PUBLIC_CACHE_SECONDS: '1' } });
});

afterAll(() => t.close());

async function renameFirstCategory(name: string): Promise<void> {
  const admin = await t.staffToken('admin');
  const current = await request(t.app).get('/api/admin/letters/settings').set(auth(admin));
  expect(current.status).toBe(200);
  const settings = current.body.settings ?? current.body;
  const categories = settings.categories.map((c: { name: string }, i: number) => (i === 0 ? { ...c, name } : c));
  const res = await request(t.app)
    .put('/api/admin/letters/settings')
    .set(auth(admin))
    .send({ categories, limits: settings.limits, duplicateWindowMinutes: settings.duplicateWindowMinutes, submissionsPerDay: settings.submissionsPerDay, publicListing: settings.publicListing });
  expect(res.status).toBe(200);
}

it('serves anonymous readers one rendered response until it expires, then the current data', async () => {
  const first = await request(t.app).get('/api/letters/categories');
  expect(first.status).toBe(200);
  expect(first.headers['x-cache']).toBe('miss');
  expect(first.headers['cache-control']).toBe('public, max-age=1');

  await renameFirstCategory('缓存期间改名');
  const cached = await request(t.app).get('/api/letters/categories');
  expect(cached.headers['x-cache']).toBe('hit');
  expect(cached.body).toEqual(first.body);

  // A signed-in reader bypasses the cache and sees the change at once.
  const citizen = await t.citizenToken('cache-reader');
  const fresh = await request(t.app).get('/api/letters/categories').set(auth(citizen));
  expect(fresh.headers['x-cache']).toBeUndefined();
  expect(fresh.body.items[0].name).toBe('缓存期间改名');

  await new Promise((r) => setTimeout(r, 1100));
  const expired = await request(t.app).get('/api/letters/categories');
  expect(expired.headers['x-cache']).toBe('miss');
  expect(expired.body.items[0].name).toBe('缓存期间改名');
});

it('keys entries by path and validated query: order, padding and defaults make no new entry; junk parameters are refused', async () => {
  const a = await request(t.app).get('/api/letters/public?limit=5');
  const b = await request(t.app).get('/api/letters/public?limit=6');
  expect(a.headers['x-cache']).toBe('miss');
  expect(b.headers['x-cache']).toBe('miss');
  expect((await request(t.app).get('/api/letters/public?limit=5')).headers['x-cache']).toBe('hit');

  // A new category name in the database: a request that built a new entry would show it.
  await new Promise((r) => setTimeout(r, 1100)); // the first test's entry expires
  const first = await request(t.app).get('/api/letters/categories');
  expect(first.headers['x-cache']).toBe('miss');
  await renameFirstCategory('垃圾参数不建新缓存');
  for (let n = 0; n < 20; n++) {
    // A cache-busting parameter is refused (ADR 104): it neither makes an entry nor reaches the database.
    const junk = await request(t.app).get(`/api/letters/categories?junk=${n}&_=${Date.now()}`);
    expect(junk.status).toBe(400);
    expect(junk.headers['x-cache']).toBeUndefined();
    expect((await request(t.app).get('/api/letters/categories')).body).toEqual(first.body);
  }
  // Parameters in another order, padded values and a default spelled out share one entry.
  expect((await request(t.app).get('/api/letters/public?category=help&limit=20')).headers['x-cache']).toBe('miss');
  for (const query of ['limit=20&category=help', 'category=help', 'category=%20help%20', 'limit=20&category=%20help']) {
    expect({ query, cache: (await request(t.app).get(`/api/letters/public?${query}`)).headers['x-cache'] }).toEqual({ query, cache: 'hit' });
  }
  // Invalid parameters are refused before the cache, never stored.
  expect((await request(t.app).get('/api/letters/public?limit=0')).status).toBe(400);
});

it('never stores error responses', async () => {
  const missing = '/api/letters/public/0123456789abcdef01234567';
  expect((await request(t.app).get(missing)).status).toBe(404);
  const again = await request(t.app).get(missing);
  expect(again.status).toBe(404);
  expect(again.headers['x-cache']).toBeUndefined();
});

it('is off when PUBLIC_CACHE_SECONDS is 0 (as in the other test files)', async () => {
  const off = await createTestApp({ database: t.db });
  try {
    const res = await request(off.app).get('/api/letters/categories');
    expect(res.status).toBe(200);
    expect(res.headers['x-cache']).toBeUndefined();
    expect(res.headers['cache-control']).toBeUndefined();
  } finally {
    await off.close();
  }
});

describe('PublicResponseCache on expiry', () => {
  // A minimal Koa-like context: the middleware only uses these members.
  function fakeCtx(path: string) {
    const headers: Record<string, string> = {};
    return {
      path,
      querystring: '',
      status: 404,
      body: undefined as unknown,
      type: '',
      get: () => '',
      set: (k: string, v: string) => {
        headers[k.toLowerCase()] = v;
      },
      response: { get: () => 'application/json; charset=utf-8' },
      headers,
    };
  }

  it('lets one reader rebuild an expired entry while the others get the expired copy', async () => {
    let clock = 0;
    const cache = new PublicResponseCache({ now: () => clock });
    const mw = cache.middleware(1000, (ctx) => ctx.path);
    let builds = 0;
    let release: () => void = () => undefined;
    const build = (value: number, wait: boolean) => async function next(this: void) {
      builds++;
      if (wait) await new Promise<void>((r) => (release = r));
      current.status = 200;
      current.body = { value };
    };
    let current = fakeCtx('/api/x');
    await mw(current as never, build(1, false));
    expect(builds).toBe(1);

    clock = 1500; // expired, within one more lifetime
    const rebuilding = fakeCtx('/api/x');
    current = rebuilding;
    const pending = mw(rebuilding as never, build(2, true));
    const meanwhile = fakeCtx('/api/x');
    await mw(meanwhile as never, build(3, false));
    expect(meanwhile.headers['x-cache']).toBe('stale');
    expect(JSON.parse(String(meanwhile.body))).toEqual({ value: 1 });
    release();
    await pending;
    expect(builds).toBe(2);
    const after = fakeCtx('/api/x');
    await mw(after as never, build(4, false));
    expect(after.headers['x-cache']).toBe('hit');
    expect(JSON.parse(String(after.body))).toEqual({ value: 2 });
  });
});
