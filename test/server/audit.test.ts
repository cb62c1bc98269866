/** The audit log: login entries, filters, time range and cursor pagination of GET /api/admin/audit. */
import request from 'supertest';
import { auth, createTestApp, type TestApp, type TestStaff } from '../support/app';

let t: TestApp;
let admin: TestStaff;
const T0 = Date.UTC(2025, 5, 2, 1, 0, 0);

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(T0);
  admin = await t.createStaff({ role: 'admin' });
});
afterAll(() => t.close());

const list = (query = '') => request(t.app).get(`/api/admin/audit${query}`).set(auth(admin.token));

describe('login audit entries', () => {
  it('records a successful staff login with the staff member as actor, ip and request id', async () => {
    const me = await t.createStaff({ role: 'reviewer' });
    await request(t.app).post('/api/admin/auth/login').set('x-request-id', 'login-ok-request').send({ username: me.staff.username, password: me.password });
    const entry = await t.models.AuditEntry.findOne({ action: 'staff.login', targetId: me.id }).lean();
    expect(entry).toMatchObject({
      actor: { kind: 'staff', id: me.id, username: me.staff.username, role: 'reviewer' },
      targetType: 'staff',
      requestId: 'login-ok-request',
      ip: expect.stringMatching(/127\.0\.0\.1/),
    });
  });

  it('records failed logins with the reason and without the password tried', async () => {
    const me = await t.createStaff();
    await request(t.app).post('/api/admin/auth/login').send({ username: me.staff.username, password: 'guess-one' });
    await request(t.app).post('/api/admin/auth/login').send({ username: 'nobody.at.all', password: 'guess-two' });
    const failures = await t.models.AuditEntry.find({ action: 'staff.login_failed' }).lean();
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: expect.objectContaining({ kind: 'anonymous' }), details: { username: me.staff.username, reason: 'wrong_password' } }),
        expect.objectContaining({ details: { username: 'nobody.at.all', reason: 'unknown_username' } }),
      ]),
    );
    const text = JSON.stringify(failures);
    expect(text).not.toContain('guess-one');
    expect(text).not.toContain('guess-two');
  });
});

describe('GET /api/admin/audit', () => {
  let fresh: TestApp;
  let freshAdmin: TestStaff;
  beforeAll(async () => {
    fresh = await createTestApp({ clock: t.clock });
    freshAdmin = await fresh.createStaff({ role: 'admin' });
    const other = await fresh.createStaff({ role: 'admin' });
    // 25 department creations, one minute apart, alternating between two admins.
    for (let i = 0; i < 25; i++) {
      t.clock.set(T0 + i * 60_000);
      const who = i % 2 === 0 ? freshAdmin : other;
      await request(fresh.app).post('/api/admin/departments').set(auth(who.token)).send({ name: `审计部门${String(i).padStart(2, '0')}` });
    }
    t.clock.set(T0 + 3600_000);
  });
  afterAll(() => fresh.close());

  const freshList = (query = '') => request(fresh.app).get(`/api/admin/audit${query}`).set(auth(freshAdmin.token));

  it('pages through every entry newest first with nextCursor, without repeats or gaps', async () => {
    const seen: string[] = [];
    const times: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await freshList(`?action=department.create&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((e: { id: string }) => e.id));
      times.push(...res.body.items.map((e: { at: string }) => e.at));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('filters by actor, by target and by time range (from inclusive, to exclusive)', async () => {
    const byActor = await freshList(`?actorId=${freshAdmin.id}&action=department.create&limit=100`);
    expect(byActor.body.items).toHaveLength(13);
    expect(byActor.body.items.every((e: { actor: { id: string } }) => e.actor.id === freshAdmin.id)).toBe(true);

    const one = byActor.body.items[0];
    const byTarget = await freshList(`?targetType=department&targetId=${one.targetId}`);
    expect(byTarget.body.items.map((e: { id: string }) => e.id)).toEqual([one.id]);

    const from = new Date(T0 + 5 * 60_000).toISOString();
    const to = new Date(T0 + 10 * 60_000).toISOString();
    const range = await freshList(`?action=department.create&from=${from}&to=${to}`);
    expect(range.body.items.map((e: { details: { name: string } }) => e.details.name)).toEqual([
      '审计部门09',
      '审计部门08',
      '审计部门07',
      '审计部门06',
      '审计部门05',
    ]);
  });

  it('returns entries in the documented shape', async () => {
    const res = await freshList('?limit=1&action=department.create');
    expect(res.body).toEqual({
      items: [
        {
          id: expect.any(String),
          at: new Date(T0 + 24 * 60_000).toISOString(),
          actor: { kind: 'staff', id: expect.any(String), username: expect.any(String), role: 'admin' },
          action: 'department.create',
          targetType: 'department',
          targetId: expect.any(String),
          details: { name: '审计部门24' },
          ip: expect.any(String),
          requestId: expect.any(String),
        },
      ],
      nextCursor: expect.any(String),
    });
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await list('?cursor=bm90LWEtY3Vyc29y');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'query', path: 'cursor', message: '无效的分页参数' }]);
  });
});

describe('recordAudit', () => {
  const actor = { kind: 'staff', staffId: 'aaaaaaaaaaaaaaaaaaaaaaaa', username: 'tx.admin', role: 'admin', departmentId: null, ip: '10.0.0.1', requestId: 'tx-req-1' } as const;

  it('takes ip and request id from the actor unless given', async () => {
    await t.services.audit.recordAudit({ actor, action: 'letter.read_personal_data', targetType: 'letter', targetId: 'L1' });
    const entry = await t.models.AuditEntry.findOne({ targetId: 'L1' }).lean();
    expect(entry).toMatchObject({ ip: '10.0.0.1', requestId: 'tx-req-1', actor: { kind: 'staff', username: 'tx.admin' }, details: {} });
  });

  it('commits and aborts with the transaction it is given', async () => {
    await t.db.connection.transaction(async (session) => {
      await t.services.audit.recordAudit({ actor, action: 'tx.commit', targetType: 'probe', targetId: 'C1', session });
    });
    await expect(
      t.db.connection.transaction(async (session) => {
        await t.services.audit.recordAudit({ actor, action: 'tx.abort', targetType: 'probe', targetId: 'A1', session });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await t.models.AuditEntry.countDocuments({ action: 'tx.commit' })).toBe(1);
    expect(await t.models.AuditEntry.countDocuments({ action: 'tx.abort' })).toBe(0);
  });
});
