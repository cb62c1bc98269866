/**
 * Fresh micro-cache hits are answered in front of Koa (ADR 106): once a URL has been answered
 * from a cache entry by the full stack, later anonymous GETs of that URL get the same bytes and
 * the same headers (security, cache, content headers), their own request id, and the route's
 * `onServed` hook still counts policy views.
 */
import request from 'supertest';
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
  // A new URL for the same entry: answered by the full stack from the cache, which learns it …
  const url = `/api/policies/${id}?from=share`;
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
