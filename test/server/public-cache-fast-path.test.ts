/**
 * Fresh micro-cache hits are answered in front of Koa (ADR 106): once a URL has been answered
 * from a cache entry by the full stack, later anonymous GETs of that URL get the same bytes and
 * the same headers (security, cache, content headers), their own request id, and the route's
 * `onServed` hook still counts policy views.
 */
import { EventEmitter } from 'node:events';
import request from 'supertest';
import { PublicResponseCache } from '../../server/src/middlewares/public-cache';
import { auth, createTestApp, type TestApp } from '../support/app';
import { createPolicyCrew, policyIn, POLICY_TEST_ENV, type PolicyCrew } from '../support/policy-factories';

let t: TestApp;
let crew: PolicyCrew;
beforeAll(async () => {
  t = await createTestApp({ env: { ...POLICY_TEST_ENV, PUBLIC_CACHE_SECONDS: '60' } });
  crew = await createPolicyCrew(t);
});
afterAll(() => t.close());

/** Response headers that differ from one answer to the next by nature. */
const withoutPerRequest = (headers: Record<string, string>) => {
  const { 'x-request-id': _id, date: _date, ...rest } = headers;
  return rest;
};

it('answers a URL seen before with the same bytes and headers as the full stack, its own request id, and counts the view', async () => {
  const id = await policyIn(t, crew, 'published');
  const miss = await request(t.app).get(`/api/policies/${id}`);
  expect(miss.headers['x-cache']).toBe('miss');
  // A new URL for the same entry (its first character percent-encoded; unknown query parameters
  // are refused): answered by the full stack from the cache, which learns it …
  const url = `/api/policies/%${id.charCodeAt(0).toString(16)}${id.slice(1)}`;
  const stackHit = await request(t.app).get(url);
  // … so this one is answered in front of Koa.
  const fastHit = await request(t.app).get(url).set('X-Request-Id', 'client-chosen-id-1');
  for (const res of [stackHit, fastHit]) {
    expect(res.status).toBe(200);
    expect(res.headers['x-cache']).toBe('hit');
  }
  expect(fastHit.text).toBe(stackHit.text);
  expect(withoutPerRequest(fastHit.headers)).toEqual(withoutPerRequest(stackHit.headers));
  expect(fastHit.headers['x-content-type-options']).toBe('nosniff');
  expect(fastHit.headers['referrer-policy']).toBe('no-referrer');
  expect(fastHit.headers['cache-control']).toBe('public, max-age=5');
  expect(fastHit.headers['x-request-id']).toBe('client-chosen-id-1');
  expect(stackHit.headers['x-request-id']).not.toBe(fastHit.headers['x-request-id']);
  // A URL learned from the miss that filled the entry answers the same way.
  const fromMiss = await request(t.app).get(`/api/policies/${id}`);
  expect(fromMiss.text).toBe(stackHit.text);
  expect(withoutPerRequest(fromMiss.headers)).toEqual(withoutPerRequest(stackHit.headers));

  // Every answer counted: the miss, the stack's hit, the two fast hits, and these.
  await Promise.all(Array.from({ length: 5 }, () => request(t.app).get(url).expect(200)));
  await t.services.policies.flushViews();
  expect((await t.models.Policy.findById(id).lean())?.viewCount).toBe(9);
});

it('leaves signed-in readers, other methods and error answers to the full stack', async () => {
  const id = await policyIn(t, crew, 'published');
  await request(t.app).get(`/api/policies/${id}`).expect(200);
  await request(t.app).get(`/api/policies/${id}`).expect(200);
  // A token bypasses the cache (personal answers); a staff preview is not counted.
  const preview = await request(t.app).get(`/api/policies/${id}`).set(auth(crew.office.token));
  expect(preview.headers['x-cache']).toBeUndefined();
  const head = await request(t.app).head(`/api/policies/${id}`);
  expect(head.status).toBe(200);
  expect(head.text ?? '').toBe('');
  // A URL that answered 404 is never learned.
  const draft = await policyIn(t, crew, 'draft');
  for (let i = 0; i < 2; i++) expect((await request(t.app).get(`/api/policies/${draft}`)).status).toBe(404);
  await t.services.policies.flushViews();
  expect((await t.models.Policy.findById(id).lean())?.viewCount).toBe(3);
  expect((await t.models.Policy.findById(draft).lean())?.viewCount).toBe(0);
});

describe('PublicResponseCache.tryServe on expiry', () => {
  // Stand-ins for Koa's context and Node's request and response: only the members used.
  function exchange(url: string) {
    const res = Object.assign(new EventEmitter(), {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } as Record<string, string>,
      getRawHeaderNames() {
        return Object.keys(this.headers);
      },
      getHeader(name: string) {
        return this.headers[name];
      },
      sent: null as null | { status: number; headers: Record<string, unknown>; body: string },
      writeHead(status: number, headers: Record<string, unknown>) {
        this.sent = { status, headers, body: '' };
      },
      end(body: Buffer) {
        this.sent!.body = body.toString();
      },
    });
    const ctx = {
      method: 'GET',
      req: { url },
      res,
      params: {},
      status: 404,
      body: undefined as unknown,
      type: '',
      get: () => '',
      set: () => undefined,
      response: { get: () => 'application/json; charset=utf-8' },
    };
    return { ctx, req: { method: 'GET', url, headers: {} }, res };
  }
  const hooks = { requestId: () => 'fixed-request-id', served: () => undefined };

  it('serves an expired entry only while one request rebuilds it, within one more lifetime', async () => {
    let clock = 0;
    const cache = new PublicResponseCache({ now: () => clock });
    const views: string[] = [];
    const mw = cache.middleware(1000, () => 'key', () => views.push('view'));
    const first = exchange('/api/x');
    await mw(first.ctx as never, async () => {
      first.ctx.status = 200;
      first.ctx.body = { value: 1 };
    });
    first.res.emit('finish');

    const fast = exchange('/api/x');
    expect(cache.tryServe(fast.req as never, fast.res as never, hooks)).toBe(true);
    expect(fast.res.sent).toMatchObject({ status: 200, body: '{"value":1}', headers: { 'X-Cache': 'hit', 'X-Request-Id': 'fixed-request-id', 'X-Content-Type-Options': 'nosniff' } });
    expect(views).toEqual(['view']);

    clock = 1500; // expired: nobody rebuilds it yet, so the full stack takes the request
    expect(cache.tryServe(exchange('/api/x').req as never, exchange('/api/x').res as never, hooks)).toBe(false);
    const rebuilding = exchange('/api/x');
    let release: () => void = () => undefined;
    const pending = mw(rebuilding.ctx as never, async () => {
      await new Promise<void>((r) => (release = r));
      rebuilding.ctx.status = 200;
      rebuilding.ctx.body = { value: 2 };
    });
    const meanwhile = exchange('/api/x');
    expect(cache.tryServe(meanwhile.req as never, meanwhile.res as never, hooks)).toBe(true);
    expect(meanwhile.res.sent).toMatchObject({ body: '{"value":1}', headers: { 'X-Cache': 'stale' } });
    clock = 2500; // more than one lifetime past expiry: never sent any more
    expect(cache.tryServe(exchange('/api/x').req as never, exchange('/api/x').res as never, hooks)).toBe(false);
    release();
    await pending;
    const after = exchange('/api/x');
    expect(cache.tryServe(after.req as never, after.res as never, hooks)).toBe(true);
    expect(after.res.sent).toMatchObject({ body: '{"value":2}', headers: { 'X-Cache': 'hit' } });
  });
});
