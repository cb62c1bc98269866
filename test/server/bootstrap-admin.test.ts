/** Creating the first admin at start-up: from the environment, generated in development, once only. */
import request from 'supertest';
import { parseConfig } from '../../server/src/config';
import { createServices } from '../../server/src/services';
import { captureLogger, createTestApp, type TestApp } from '../support/app';
import { openTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
const apps: TestApp[] = [];
const start = async (env: Record<string, string> = {}) => {
  const app = await createTestApp({ database: db, env });
  apps.push(app);
  return app;
};

beforeEach(async () => {
  db = await openTestDatabase('bootstrap');
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await db.close();
});

describe('bootstrapAdmin', () => {
  it('creates the admin from ADMIN_USERNAME and ADMIN_PASSWORD, who can then sign in', async () => {
    const t = await start({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'root-password-1' });
    expect(await t.services.staff.bootstrapAdmin()).toEqual({ created: true, username: 'root' });
    const res = await request(t.app).post('/api/admin/auth/login').send({ username: 'root', password: 'root-password-1' });
    expect(res.status).toBe(200);
    expect(res.body.staff.role).toBe('admin');
    const entry = await t.models.AuditEntry.findOne({ action: 'staff.bootstrap_admin' }).lean();
    expect(entry).toMatchObject({ actor: { kind: 'system', id: 'bootstrap' }, details: { username: 'root' } });
  });

  it('generates a password outside production when none is configured, and reports it once', async () => {
    const t = await start();
    const result = await t.services.staff.bootstrapAdmin();
    expect(result).toEqual({ created: true, username: 'admin', generatedPassword: expect.any(String) });
    if (!result.created || !result.generatedPassword) throw new Error('unreachable');
    expect(result.generatedPassword.length).toBeGreaterThanOrEqual(16);
    expect((await request(t.app).post('/api/admin/auth/login').send({ username: 'admin', password: result.generatedPassword })).status).toBe(200);
    expect(await t.services.staff.bootstrapAdmin()).toEqual({ created: false });
  });

  it('does nothing on later starts', async () => {
    const first = await start({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'root-password-1' });
    await first.services.staff.bootstrapAdmin();
    const restarted = await start({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'other-password-2' });
    expect(await restarted.services.staff.bootstrapAdmin()).toEqual({ created: false });
    expect(await restarted.models.Staff.countDocuments({ role: 'admin' })).toBe(1);
    // The stored password is still the first one.
    expect((await request(restarted.app).post('/api/admin/auth/login').send({ username: 'root', password: 'root-password-1' })).status).toBe(200);
  });

  it('recovers when no admin is active: reactivates the ADMIN_USERNAME account with ADMIN_PASSWORD, loudly and audited', async () => {
    const first = await start({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'root-password-1' });
    await first.services.staff.bootstrapAdmin();
    const signedIn = await request(first.app).post('/api/admin/auth/login').send({ username: 'root', password: 'root-password-1' });
    // The state two admins removing each other used to leave behind: no active admin at all.
    await first.models.Staff.updateMany({}, { $set: { active: false } });

    const restarted = await start({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'recovery-password-2' });
    expect(await restarted.services.staff.bootstrapAdmin()).toEqual({ created: true, recovered: true, username: 'root' });
    expect(restarted.logs).toContainEqual(expect.objectContaining({ level: 40, username: 'root', msg: expect.stringMatching(/^!!! No active admin account existed: reactivated "root"/) }));
    expect(await restarted.models.Staff.countDocuments({ role: 'admin', active: true })).toBe(1);
    expect((await request(restarted.app).post('/api/admin/auth/login').send({ username: 'root', password: 'root-password-1' })).status).toBe(401);
    expect((await request(restarted.app).post('/api/admin/auth/login').send({ username: 'root', password: 'recovery-password-2' })).status).toBe(200);
    // Sessions from before the recovery are over.
    expect((await request(restarted.app).get('/api/admin/auth/me').set('Authorization', `Bearer ${signedIn.body.token}`)).status).toBe(401);
    const entry = await restarted.models.AuditEntry.findOne({ action: 'staff.bootstrap_admin', 'details.recovered': true }).lean();
    expect(entry).toMatchObject({ actor: { kind: 'system', id: 'bootstrap' }, details: { username: 'root', recovered: true } });
    // Later starts leave it alone again.
    expect(await restarted.services.staff.bootstrapAdmin()).toEqual({ created: false });
  });

  it('recovers a demoted ADMIN_USERNAME account the same way, once when several instances start together', async () => {
    const first = await start({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'root-password-1' });
    await first.services.staff.bootstrapAdmin();
    await first.models.Staff.updateOne({ username: 'root' }, { $set: { role: 'office' } });
    const instances = await Promise.all([1, 2, 3].map(() => start({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'recovery-password-2' })));
    const results = await Promise.all(instances.map((i) => i.services.staff.bootstrapAdmin()));
    expect(results.filter((r) => r.created)).toEqual([{ created: true, recovered: true, username: 'root' }]);
    expect(await first.models.Staff.findOne({ username: 'root' }).lean()).toMatchObject({ role: 'admin', active: true, departmentId: null });
    expect(await first.models.AuditEntry.countDocuments({ action: 'staff.bootstrap_admin', 'details.recovered': true })).toBe(1);
  });

  it('creates exactly one admin when several instances start at once', async () => {
    const instances = await Promise.all([start(), start(), start(), start()]);
    const results = await Promise.all(instances.map((i) => i.services.staff.bootstrapAdmin()));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await instances[0].models.Staff.countDocuments({ role: 'admin' })).toBe(1);
    expect(await instances[0].models.AuditEntry.countDocuments({ action: 'staff.bootstrap_admin' })).toBe(1);
  });

  it('refuses to start production without any admin and without ADMIN_USERNAME/ADMIN_PASSWORD', async () => {
    const t = await start();
    // The same services on the same models, under a production configuration.
    const config = parseConfig({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      JWT_SECRET: 'p'.repeat(40),
      WECHAT_APPID: 'wxprod',
      WECHAT_SECRET: 'prod-secret',
    });
    const services = createServices({
      models: t.models,
      db: { kind: t.db.kind, connection: t.db.connection },
      config,
      logger: captureLogger().logger,
      clock: Date.now,
      wechat: null,
    });
    await expect(services.staff.bootstrapAdmin()).rejects.toThrow(/ADMIN_USERNAME and ADMIN_PASSWORD/);
    expect(await t.models.Staff.countDocuments({})).toBe(0);
  });
});
