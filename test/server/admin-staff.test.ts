/** Staff management by admins: responses, stored documents and audit entries. */
import request from 'supertest';
import { auth, createTestApp, type TestApp, type TestStaff } from '../support/app';
import { buildStaff } from '../support/factories';

let t: TestApp;
let admin: TestStaff;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.createStaff({ role: 'admin' });
});
afterAll(() => t.close());

const lastAudit = (action: string) => t.models.AuditEntry.findOne({ action }).sort({ at: -1, _id: -1 }).lean();

describe('POST /api/admin/staff', () => {
  it('creates an account with a hashed password and audits it with the request id', async () => {
    const dept = await t.createDepartment();
    const input = buildStaff({ role: 'handler', departmentId: dept._id.toHexString() });
    const res = await request(t.app).post('/api/admin/staff').set(auth(admin.token)).set('x-request-id', 'create-staff-req-1').send(input);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: input.username, role: 'handler', departmentId: dept._id.toHexString(), active: true, lastLoginAt: null });
    expect(res.body).not.toHaveProperty('passwordHash');

    const stored = await t.models.Staff.findById(res.body.id).lean();
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain(input.password);

    const entry = await lastAudit('staff.create');
    expect(entry).toMatchObject({
      actor: { kind: 'staff', id: admin.id, username: admin.staff.username, role: 'admin' },
      targetType: 'staff',
      targetId: res.body.id,
      details: { username: input.username, role: 'handler', departmentId: dept._id.toHexString() },
      requestId: 'create-staff-req-1',
      ip: expect.any(String),
    });
    expect(JSON.stringify(entry)).not.toContain(input.password);
  });

  it('refuses a taken username with 409 username_taken', async () => {
    const input = buildStaff();
    expect((await request(t.app).post('/api/admin/staff').set(auth(admin.token)).send(input)).status).toBe(201);
    const res = await request(t.app).post('/api/admin/staff').set(auth(admin.token)).send({ ...input, username: input.username.toUpperCase() });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('username_taken');
  });

  it('refuses a department that does not exist', async () => {
    const res = await request(t.app)
      .post('/api/admin/staff')
      .set(auth(admin.token))
      .send(buildStaff({ role: 'handler', departmentId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
  });
});

describe('GET /api/admin/staff', () => {
  it('lists accounts by username and filters by role, department and active flag', async () => {
    const dept = await t.createDepartment();
    const a = await t.createStaff({ role: 'reviewer' });
    const b = await t.createStaff({ role: 'handler', departmentId: dept._id });
    const c = await t.createStaff({ role: 'reviewer', active: false });

    const all = await request(t.app).get('/api/admin/staff').set(auth(admin.token));
    expect(all.status).toBe(200);
    const names = all.body.items.map((s: { username: string }) => s.username);
    expect(names).toEqual([...names].sort());

    const reviewers = await request(t.app).get('/api/admin/staff?role=reviewer&active=true').set(auth(admin.token));
    const ids = reviewers.body.items.map((s: { id: string }) => s.id);
    expect(ids).toContain(a.id);
    expect(ids).not.toContain(c.id);

    const inDept = await request(t.app).get(`/api/admin/staff?departmentId=${dept._id.toHexString()}`).set(auth(admin.token));
    expect(inDept.body.items.map((s: { id: string }) => s.id)).toEqual([b.id]);
  });

  it('GET /api/admin/staff/:id answers 404 for an unknown id', async () => {
    const res = await request(t.app).get('/api/admin/staff/aaaaaaaaaaaaaaaaaaaaaaaa').set(auth(admin.token));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('PATCH /api/admin/staff/:id', () => {
  it('changes role and department, bumps the token version and audits the changes', async () => {
    const dept = await t.createDepartment();
    const target = await t.createStaff({ role: 'office' });
    const res = await request(t.app)
      .patch(`/api/admin/staff/${target.id}`)
      .set(auth(admin.token))
      .send({ role: 'handler', departmentId: dept._id.toHexString() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'handler', departmentId: dept._id.toHexString() });
    const stored = await t.models.Staff.findById(target.id).lean();
    expect(stored?.tokenVersion).toBe(2);
    const entry = await lastAudit('staff.update');
    expect(entry).toMatchObject({
      targetId: target.id,
      details: {
        changes: { role: { from: 'office', to: 'handler' }, departmentId: { from: null, to: dept._id.toHexString() } },
        sessionsEnded: true,
      },
    });
  });

  it('renames without ending sessions', async () => {
    const target = await t.createStaff();
    await request(t.app).patch(`/api/admin/staff/${target.id}`).set(auth(admin.token)).send({ displayName: '新名字' });
    expect((await t.models.Staff.findById(target.id).lean())?.tokenVersion).toBe(1);
    expect((await request(t.app).get('/api/admin/auth/me').set(auth(target.token))).status).toBe(200);
  });

  it('refuses to make a handler without a department', async () => {
    const target = await t.createStaff({ role: 'office' });
    const res = await request(t.app).patch(`/api/admin/staff/${target.id}`).set(auth(admin.token)).send({ role: 'handler' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ path: 'departmentId' });
  });

  it('refuses to deactivate or demote the last active admin with 409 last_admin', async () => {
    const separate = await createTestApp();
    try {
      const only = await separate.createStaff({ role: 'admin' });
      for (const body of [{ active: false }, { role: 'office' }]) {
        const res = await request(separate.app).patch(`/api/admin/staff/${only.id}`).set(auth(only.token)).send(body);
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('last_admin');
      }
      const second = await separate.createStaff({ role: 'admin' });
      const res = await request(separate.app).patch(`/api/admin/staff/${only.id}`).set(auth(second.token)).send({ active: false });
      expect(res.status).toBe(200);
    } finally {
      await separate.close();
    }
  });
});

describe('the last active admin under concurrency', () => {
  /** Two fresh admins who are the only active admins of a new database. */
  const pairOfAdmins = async (app: TestApp) => {
    await app.models.Staff.updateMany({ role: 'admin' }, { $set: { active: false } });
    return [await app.createStaff({ role: 'admin' }), await app.createStaff({ role: 'admin' })] as const;
  };
  const activeAdmins = (app: TestApp) => app.models.Staff.countDocuments({ role: 'admin', active: true });

  it.each([
    ['deactivate each other', { active: false }],
    ['demote each other', { role: 'office' }],
  ])('leaves an active admin when two admins %s at the same moment (20 rounds)', async (_what, body) => {
    const separate = await createTestApp({ env: { RATE_LIMIT_PER_IP: '100000' } });
    try {
      for (let round = 0; round < 20; round++) {
        const [a, b] = await pairOfAdmins(separate);
        const results = await Promise.all([
          request(separate.app).patch(`/api/admin/staff/${b.id}`).set(auth(a.token)).send(body),
          request(separate.app).patch(`/api/admin/staff/${a.id}`).set(auth(b.token)).send(body),
        ]);
        expect({ round, active: await activeAdmins(separate) }).toEqual({ round, active: 1 });
        // Exactly one wins; the other is refused as the last admin, or finds its own token ended.
        expect(results.map((r) => r.status).sort()).toEqual([200, expect.any(Number)]);
        const loser = results.find((r) => r.status !== 200);
        expect(['last_admin', 'unauthorized']).toContain(loser?.body.error.code);
      }
    } finally {
      await separate.close();
    }
  });

  it('leaves an active admin when several admins deactivate all the others at once', async () => {
    const separate = await createTestApp({ env: { RATE_LIMIT_PER_IP: '100000' } });
    try {
      for (let round = 0; round < 6; round++) {
        await separate.models.Staff.updateMany({ role: 'admin' }, { $set: { active: false } });
        const admins = await Promise.all([1, 2, 3, 4].map(() => separate.createStaff({ role: 'admin' })));
        await Promise.all(
          admins.flatMap((me) =>
            admins.filter((other) => other !== me).map((other) => request(separate.app).patch(`/api/admin/staff/${other.id}`).set(auth(me.token)).send({ active: false })),
          ),
        );
        expect({ round, active: await activeAdmins(separate) }).toEqual({ round, active: 1 });
      }
    } finally {
      await separate.close();
    }
  });
});

describe('POST /api/admin/staff/:id/reset-password', () => {
  it('sets the new password, lifts a lockout and audits without the password', async () => {
    const target = await t.createStaff();
    for (let i = 0; i < 5; i++) await request(t.app).post('/api/admin/auth/login').send({ username: target.staff.username, password: 'wrong' });
    const res = await request(t.app).post(`/api/admin/staff/${target.id}/reset-password`).set(auth(admin.token)).send({ password: 'reset-by-admin-1' });
    expect(res.status).toBe(200);
    const login = await request(t.app).post('/api/admin/auth/login').send({ username: target.staff.username, password: 'reset-by-admin-1' });
    expect(login.status).toBe(200);
    const entry = await lastAudit('staff.reset_password');
    expect(entry).toMatchObject({ actor: { id: admin.id }, targetId: target.id });
    expect(JSON.stringify(entry)).not.toContain('reset-by-admin-1');
  });
});
