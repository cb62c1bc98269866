/**
 * Demo data (ADR 103): the seed fills an empty database with the demo county through the
 * services, and the product then shows it through HTTP: every role signs in with the printed
 * credentials, the public lists have content, and the staff queues have cases in every state.
 */
import request from 'supertest';
import { createLogger } from '../../server/src/lib/logger';
import { DEMO_DEPARTMENTS } from '../../server/src/demo/demo-county';
import { seedDemoData, type DemoSeedResult } from '../../server/src/demo/demo-data';
import { auth, createTestApp, type TestApp } from '../support/app';

let t: TestApp;
let seed: DemoSeedResult;
let adminPassword: string;

const seedDeps = (app: TestApp, instanceId = 'demo-test') => ({
  models: app.models,
  db: { kind: app.db.kind, connection: app.db.connection },
  config: app.config,
  logger: createLogger({ level: 'silent' }),
  clock: app.clock.now,
  instanceId,
});

beforeAll(async () => {
  t = await createTestApp();
  const bootstrap = await t.services.staff.bootstrapAdmin();
  if (!bootstrap.created || !bootstrap.generatedPassword) throw new Error('expected a generated admin password');
  adminPassword = bootstrap.generatedPassword;
  seed = await seedDemoData(seedDeps(t));
}, 120_000);
afterAll(() => t.close());

async function signIn(username: string, password: string): Promise<string> {
  const res = await request(t.app).post('/api/admin/auth/login').send({ username, password });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

/** Every page of a staff list. */
async function all(token: string, path: string, query: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await request(t.app)
      .get(path)
      .query({ ...query, limit: '100', ...(cursor ? { cursor } : {}) })
      .set(auth(token));
    expect(res.status).toBe(200);
    items.push(...(res.body.items as Record<string, unknown>[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return items;
}

describe('demo data', () => {
  it('seeds an empty database and returns a credential for every role but the bootstrap admin', () => {
    expect(seed.seeded).toBe(true);
    if (!seed.seeded) return;
    expect(new Set(seed.credentials.map((c) => c.role))).toEqual(new Set(['office', 'handler', 'reviewer']));
    expect(new Set(seed.credentials.filter((c) => c.role === 'handler').map((c) => c.department)).size).toBeGreaterThanOrEqual(3);
  });

  it('lets staff of every role sign in with the printed credentials', async () => {
    if (!seed.seeded) throw new Error('not seeded');
    await signIn('admin', adminPassword);
    for (const c of seed.credentials) {
      const token = await signIn(c.username, c.password);
      const me = await request(t.app).get('/api/admin/auth/me').set(auth(token));
      expect(me.status).toBe(200);
      expect(me.body.role).toBe(c.role);
    }
  });

  it('publishes about thirty policies covering every validity state, with interpretations', async () => {
    const res = await request(t.app).get('/api/policies').query({ limit: '100' });
    expect(res.status).toBe(200);
    const items = res.body.items as { validity: string; interpreted: boolean; publishedAt: string }[];
    expect(items.length).toBeGreaterThanOrEqual(25);
    expect(new Set(items.map((p) => p.validity))).toEqual(new Set(['valid', 'amended', 'repealed', 'expired']));
    for (const validity of ['valid', 'amended', 'repealed', 'expired']) {
      expect(items.some((p) => p.validity === validity && p.interpreted)).toBe(true);
    }
    // Spread over months, not all published today.
    expect(new Set(items.map((p) => p.publishedAt.slice(0, 7))).size).toBeGreaterThanOrEqual(4);
  });

  it('lists letters publicly', async () => {
    const res = await request(t.app).get('/api/letters/public');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
  });

  it('fills the staff letter queue with letters in every state, some overdue', async () => {
    if (!seed.seeded) throw new Error('not seeded');
    const office = await signIn('office', seed.credentials.find((c) => c.username === 'office')!.password);
    const letters = await all(office, '/api/admin/letters');
    expect(new Set(letters.map((l) => l.status))).toEqual(new Set(['submitted', 'rejected', 'accepted', 'assigned', 'drafted', 'approved', 'replied', 'rated']));
    const overdue = await all(office, '/api/admin/letters', { overdue: 'true' });
    expect(overdue.length).toBeGreaterThan(0);
  });

  it('has consultations upcoming, open, closed and with published feedback', async () => {
    if (!seed.seeded) throw new Error('not seeded');
    const office = await signIn('office', seed.credentials.find((c) => c.username === 'office')!.password);
    const staffList = await all(office, '/api/admin/consultations');
    expect(new Set(staffList.map((c) => c.status))).toEqual(new Set(['draft', 'open', 'closed', 'feedback_published']));
    const publicList = await request(t.app).get('/api/consultations').query({ limit: '100' });
    expect(publicList.status).toBe(200);
    const phases = new Set((publicList.body.items as { phase: string }[]).map((c) => c.phase));
    expect([...phases].sort()).toEqual(expect.arrayContaining(['closed', 'open', 'upcoming']));
  });

  it('has 找错 reports in every state, some overdue', async () => {
    if (!seed.seeded) throw new Error('not seeded');
    const office = await signIn('office', seed.credentials.find((c) => c.username === 'office')!.password);
    const reports = await all(office, '/api/admin/error-reports');
    expect(new Set(reports.map((r) => r.status))).toEqual(new Set(['submitted', 'forwarded', 'replied', 'closed']));
    const overdue = (r: Record<string, unknown>) => r.overdue as { forward: boolean; reply: boolean };
    expect(reports.some((r) => overdue(r).forward)).toBe(true);
    expect(reports.some((r) => overdue(r).reply)).toBe(true);
  });

  it('does nothing on a second run', async () => {
    const before = await t.models.Letter.countDocuments({});
    const again = await seedDemoData(seedDeps(t, 'another-instance'));
    expect(again).toEqual({ seeded: false, reason: 'not_empty' });
    expect(await t.models.Letter.countDocuments({})).toBe(before);
  });
});

describe('demo data on instances starting together', () => {
  it('is seeded by exactly one of them', async () => {
    const other = await createTestApp();
    try {
      await other.services.staff.bootstrapAdmin();
      const results = await Promise.all([seedDemoData(seedDeps(other, 'instance-a')), seedDemoData(seedDeps(other, 'instance-b'))]);
      expect(results.filter((r) => r.seeded)).toHaveLength(1);
      expect(results.find((r) => !r.seeded)).toEqual({ seeded: false, reason: 'taken' });
      expect(await other.models.Staff.countDocuments({ username: 'office' })).toBe(1);
      expect(await other.models.Department.countDocuments({})).toBe(DEMO_DEPARTMENTS.length);
    } finally {
      await other.close();
    }
  }, 120_000);
});
