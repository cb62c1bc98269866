/**
 * What the policy channel gives other features and the platform: the monthly supervision figures
 * (`services.policies.countsForMonth`), the expiry sweep run as a background task, and the
 * benchmark fixture that loads published policies in bulk.
 */
import request from 'supertest';
import { seedPolicies } from '../../bench/fixtures/policies';
import { createBackgroundTasks } from '../../server/src/background-tasks';
import { policyExpiryTask } from '../../server/src/modules/policy/policy.tasks';
import { auth, captureLogger, createTestApp, createTestClock, type TestApp } from '../support/app';
import { createPolicyCrew, cstAt, interpretationIn, policyIn, POLICY_TEST_ENV, step, type PolicyCrew } from '../support/policy-factories';

let t: TestApp;
let crew: PolicyCrew;
beforeAll(async () => {
  t = await createTestApp({ env: POLICY_TEST_ENV, clock: createTestClock(cstAt('2026-09-14T09:00')) });
  crew = await createPolicyCrew(t);
});
afterAll(() => t.close());

/** Staff tokens last 30 days: tests that move the clock further sign the crew in again. */
function refreshTokens(): void {
  for (const member of [crew.office, crew.reviewer, crew.admin, crew.handler, crew.otherHandler]) {
    member.token = t.services.auth.issueStaffToken(member.staff).token;
  }
}

function at(local: string): void {
  t.clock.set(cstAt(local));
  refreshTokens();
}

describe('services.policies.countsForMonth', () => {
  it('counts received, handled (on time), overdue, working days to handle, publications and marks, in total and per 责任部门', async () => {
    const other = crew.otherDepartment._id.toHexString();
    // B2: published in September, never interpreted, repealed in October.
    at('2026-09-15T10:00');
    const b2 = await policyIn(t, crew, 'published', { departmentId: other });
    // A1: published in September, interpreted on 10-09 (within 3 working days across 国庆).
    at('2026-09-30T10:00');
    const a1 = await policyIn(t, crew, 'published');
    const a1i = await interpretationIn(t, crew, a1, 'approved');
    at('2026-10-09T10:00');
    await step(t, crew.office.token, 'interpretations', a1i, 'publish');
    // A2: published 10-12, interpreted 10-19 (due 10-15: late).
    at('2026-10-12T10:00');
    const a2 = await policyIn(t, crew, 'published');
    const a2i = await interpretationIn(t, crew, a2, 'approved');
    at('2026-10-19T10:00');
    await step(t, crew.office.token, 'interpretations', a2i, 'publish');
    // A3: published 10-20, never interpreted; A4: a notice (no interpretation required).
    at('2026-10-20T10:00');
    await policyIn(t, crew, 'published');
    at('2026-10-21T10:00');
    await policyIn(t, crew, 'published', { category: 'notice', documentNumber: null });
    // B1: published 10-26 together with its interpretation.
    at('2026-10-26T10:00');
    const b1 = await policyIn(t, crew, 'approved', { departmentId: other });
    await interpretationIn(t, crew, b1, 'approved');
    await step(t, crew.office.token, 'policies', b1, 'publish');
    at('2026-10-27T10:00');
    await step(t, crew.office.token, 'policies', b2, 'repeal', { replacedById: b1 });
    // Work in November does not count for October.
    at('2026-11-02T10:00');
    await policyIn(t, crew, 'published');

    const figures = await t.services.policies.countsForMonth('2026-10');
    expect(figures).toMatchObject({
      month: '2026-10',
      from: new Date('2026-09-30T16:00:00.000Z'),
      to: new Date('2026-10-31T16:00:00.000Z'),
      computedAt: new Date(cstAt('2026-11-02T10:00')),
    });
    expect(figures.total).toEqual({
      received: 3,
      handled: 3,
      handledOnTime: 2,
      averageWorkingDaysToHandle: 2.33,
      overdueNow: 2,
      policiesPublished: 4,
      interpretationsPublished: 3,
      repealed: 1,
      amended: 0,
      expired: 0,
    });
    const byId = new Map(figures.byDepartment.map((d) => [d.departmentId, d]));
    expect(byId.get(crew.department._id.toHexString())).toEqual({
      departmentId: crew.department._id.toHexString(),
      departmentName: crew.department.name,
      received: 2,
      handled: 2,
      handledOnTime: 1,
      averageWorkingDaysToHandle: 3.5,
      overdueNow: 1,
      policiesPublished: 3,
      interpretationsPublished: 2,
      repealed: 0,
      amended: 0,
      expired: 0,
    });
    expect(byId.get(other)).toMatchObject({ departmentName: crew.otherDepartment.name, received: 1, handled: 1, handledOnTime: 1, averageWorkingDaysToHandle: 0, overdueNow: 1, repealed: 1 });

    const september = await t.services.policies.countsForMonth('2026-09');
    expect(september.total).toMatchObject({ received: 2, handled: 0, policiesPublished: 2, averageWorkingDaysToHandle: null });
    await expect(t.services.policies.countsForMonth('2026-13')).rejects.toThrow(RangeError);
  });
});

describe('the policy-expiry background task', () => {
  it('is registered and marks published policies past their expiry date (CST) as expired, once', async () => {
    expect(createBackgroundTasks().map((task) => task.name)).toContain('policy-expiry');
    at('2026-11-03T10:00');
    const due = await policyIn(t, crew, 'published', { expiryDate: '2026-11-30' });
    const repealed = await policyIn(t, crew, 'published', { expiryDate: '2026-11-30' });
    await step(t, crew.office.token, 'policies', repealed, 'repeal');
    const later = await policyIn(t, crew, 'published', { expiryDate: '2026-12-31' });

    const run = () => policyExpiryTask.run({ now: new Date(t.clock.now()), services: t.services, logger: captureLogger().logger });
    t.clock.set(cstAt('2026-11-30T23:59'));
    await run();
    expect((await t.models.Policy.findById(due).lean())?.validity).toBe('valid');

    t.clock.set(cstAt('2026-12-01T00:30'));
    await run();
    const doc = await t.models.Policy.findById(due).lean();
    expect(doc).toMatchObject({ validity: 'expired', validityChangedAt: new Date(cstAt('2026-12-01T00:30')), validityNote: '有效期至2026-11-30，已自动标记为失效' });
    expect(doc?.history.at(-1)).toMatchObject({ action: 'expire', actorKind: 'system', actorId: 'policy-expiry', validity: 'expired' });
    expect((await t.models.Policy.findById(repealed).lean())?.validity).toBe('repealed');
    expect((await t.models.Policy.findById(later).lean())?.validity).toBe('valid');
    const entry = await t.models.AuditEntry.findOne({ action: 'policy.expire', targetId: due }).lean();
    expect(entry).toMatchObject({ actor: { kind: 'system', id: 'policy-expiry' }, details: { expiryDate: '2026-11-30', validity: { from: 'valid', to: 'expired' } } });

    expect(await t.services.policies.expireDuePolicies()).toBe(0);
    expect(await t.models.AuditEntry.countDocuments({ action: 'policy.expire', targetId: due })).toBe(1);
    const pub = await request(t.app).get(`/api/policies/${due}`);
    expect(pub.body).toMatchObject({ validity: 'expired', validityLabel: '已失效' });
  });
});

describe('bench/fixtures/policies.ts', () => {
  it('loads published policies with interpretations that the public API serves', async () => {
    const fresh = await createTestApp({ env: POLICY_TEST_ENV });
    try {
      const seeded = await seedPolicies(fresh, 60, { batchSize: 25 });
      expect(seeded.policyIds).toHaveLength(60);
      expect(seeded.interpretationCount).toBe(60 - 9);
      const first = await request(fresh.app).get('/api/policies?limit=100');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(60);
      expect(first.body.items[0].id).toBe(seeded.policyIds[0]);
      expect(first.body.items.filter((r: { interpreted: boolean }) => r.interpreted)).toHaveLength(51);
      const detail = await request(fresh.app).get(`/api/policies/${seeded.policyIds[1]}`);
      expect(detail.status).toBe(200);
      expect(detail.body.interpretations).toHaveLength(1);
      const categories = await request(fresh.app).get('/api/categories');
      const counts = categories.body.items.map((c: { publishedCount: number }) => c.publishedCount);
      expect(counts.reduce((a: number, b: number) => a + b, 0)).toBe(60);
      expect(categories.body.items[0]).toMatchObject({ key: 'normative', publishedCount: 30 });
      const search = await request(fresh.app).get(`/api/policies?q=${encodeURIComponent('〔')}&limit=100`);
      expect(search.body.items).toHaveLength(30);
      const staff = await fresh.staffToken('office');
      const gaps = await request(fresh.app).get('/api/admin/policies/interpretation-gaps?limit=100').set(auth(staff));
      expect(gaps.status).toBe(200);
      expect(gaps.body.items.length).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });
});
