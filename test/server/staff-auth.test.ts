/** Staff sign-in, lockout, token revocation and the own-account routes. */
import request from 'supertest';
import { verifyToken } from '../../server/src/lib/jwt';
import { auth, createTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const login = (username: string, password: string) => request(t.app).post('/api/admin/auth/login').send({ username, password });
const MINUTE = 60_000;

describe('POST /api/admin/auth/login', () => {
  it('signs in with the right password and returns a staff token carrying role and token version', async () => {
    const { staff, password } = await t.createStaff({ role: 'office' });
    const res = await login(staff.username, password);
    expect(res.status).toBe(200);
    expect(res.body.staff).toMatchObject({ id: staff._id.toHexString(), username: staff.username, role: 'office', active: true });
    expect(res.body.staff.lastLoginAt).toEqual(expect.any(String));
    expect(res.body.staff).not.toHaveProperty('passwordHash');
    const verified = verifyToken(TEST_JWT_SECRET, res.body.token, Math.floor(t.clock.now() / 1000));
    expect(verified).toMatchObject({ ok: true, claims: { sub: staff._id.toHexString(), kind: 'staff', role: 'office', ver: 1 } });
  });

  it('accepts the username in any case', async () => {
    const { staff, password } = await t.createStaff();
    expect((await login(staff.username.toUpperCase(), password)).status).toBe(200);
  });

  it('refuses a wrong password and an unknown username with the same 401 invalid_credentials', async () => {
    const { staff } = await t.createStaff();
    const wrong = await login(staff.username, 'not-the-password');
    const unknown = await login('nobody-here', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('refuses a deactivated account even with the right password', async () => {
    const { staff, password } = await t.createStaff({ active: false });
    const res = await login(staff.username, password);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
  });

  it('locks the username after 5 failures within 15 minutes, refusing even the right password, with retryAfter', async () => {
    const { staff, password } = await t.createStaff();
    for (let i = 0; i < 4; i++) {
      expect((await login(staff.username, `wrong-${i}`)).body.error.code).toBe('invalid_credentials');
      t.clock.advance(MINUTE);
    }
    const fifth = await login(staff.username, 'wrong-4');
    expect(fifth.status).toBe(423);
    expect(fifth.body.error).toMatchObject({ code: 'account_locked', details: { retryAfter: 900 } });
    expect(fifth.headers['retry-after']).toBe('900');

    t.clock.advance(5 * MINUTE);
    const right = await login(staff.username, password);
    expect(right.status).toBe(423);
    expect(right.body.error.details.retryAfter).toBe(600);
    // The lock lives in the database, where every instance sees it.
    const stored = await t.models.LoginThrottle.findById(staff.username).lean();
    expect(stored?.lockedUntil?.getTime()).toBe(t.clock.now() + 10 * MINUTE);
  });

  it('lifts the lock when it expires', async () => {
    const { staff, password } = await t.createStaff();
    for (let i = 0; i < 5; i++) await login(staff.username, 'wrong');
    expect((await login(staff.username, password)).status).toBe(423);
    t.clock.advance(15 * MINUTE + 1000);
    const res = await login(staff.username, password);
    expect(res.status).toBe(200);
    expect(await t.models.LoginThrottle.findById(staff.username).lean()).toBeNull();
  });

  it('does not lock when the failures are spread beyond the window', async () => {
    const { staff, password } = await t.createStaff();
    for (let i = 0; i < 6; i++) {
      expect((await login(staff.username, 'wrong')).status).toBe(401);
      t.clock.advance(4 * MINUTE);
    }
    expect((await login(staff.username, password)).status).toBe(200);
  });

  it('locks unknown usernames the same way, revealing nothing about which accounts exist', async () => {
    for (let i = 0; i < 4; i++) expect((await login('ghost-account', 'x')).status).toBe(401);
    expect((await login('ghost-account', 'x')).status).toBe(423);
  });

  it('forgets earlier failures after a successful login', async () => {
    const { staff, password } = await t.createStaff();
    for (let i = 0; i < 4; i++) await login(staff.username, 'wrong');
    expect((await login(staff.username, password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(staff.username, 'wrong')).status).toBe(401);
  });
});

describe('token revocation', () => {
  it('refuses the token of an account deactivated after it was issued', async () => {
    const admin = await t.createStaff({ role: 'admin' });
    const victim = await t.createStaff({ role: 'office' });
    expect((await request(t.app).get('/api/admin/auth/me').set(auth(victim.token))).status).toBe(200);
    const res = await request(t.app).patch(`/api/admin/staff/${victim.id}`).set(auth(admin.token)).send({ active: false });
    expect(res.status).toBe(200);
    const after = await request(t.app).get('/api/admin/auth/me').set(auth(victim.token));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('refuses old tokens after an admin resets the password', async () => {
    const admin = await t.createStaff({ role: 'admin' });
    const target = await t.createStaff({ role: 'reviewer' });
    await request(t.app).post(`/api/admin/staff/${target.id}/reset-password`).set(auth(admin.token)).send({ password: 'brand-new-password' });
    expect((await request(t.app).get('/api/admin/auth/me').set(auth(target.token))).status).toBe(401);
    expect((await login(target.staff.username, target.password)).status).toBe(401);
    expect((await login(target.staff.username, 'brand-new-password')).status).toBe(200);
  });

  it('refuses old tokens after a role change, since the role is in the token', async () => {
    const admin = await t.createStaff({ role: 'admin' });
    const target = await t.createStaff({ role: 'office' });
    await request(t.app).patch(`/api/admin/staff/${target.id}`).set(auth(admin.token)).send({ role: 'reviewer' });
    expect((await request(t.app).get('/api/admin/auth/me').set(auth(target.token))).status).toBe(401);
  });

  it('refuses tokens signed with another secret, expired tokens and garbage with 401', async () => {
    const { token } = await t.createStaff({ role: 'admin' });
    const tampered = `${token.slice(0, -4)}AAAA`;
    for (const bad of [tampered, 'garbage', '']) {
      const res = await request(t.app).get('/api/admin/auth/me').set('Authorization', `Bearer ${bad}`);
      expect(res.status).toBe(401);
    }
    t.clock.advance(t.config.tokens.staffTtlSeconds * 1000 + 1000);
    expect((await request(t.app).get('/api/admin/auth/me').set(auth(token))).status).toBe(401);
  });
});

describe('own account', () => {
  it('GET /api/admin/auth/me returns the signed-in account for any staff role', async () => {
    for (const role of ['admin', 'office', 'handler', 'reviewer'] as const) {
      const { token, id } = await t.createStaff({ role });
      const res = await request(t.app).get('/api/admin/auth/me').set(auth(token));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, role });
    }
  });

  it('POST /api/admin/auth/password changes the password, returns a new token and ends older ones', async () => {
    const me = await t.createStaff({ role: 'handler' });
    const res = await request(t.app)
      .post('/api/admin/auth/password')
      .set(auth(me.token))
      .send({ currentPassword: me.password, newPassword: 'another-long-password' });
    expect(res.status).toBe(200);
    expect((await request(t.app).get('/api/admin/auth/me').set(auth(res.body.token))).status).toBe(200);
    expect((await request(t.app).get('/api/admin/auth/me').set(auth(me.token))).status).toBe(401);
    expect((await login(me.staff.username, 'another-long-password')).status).toBe(200);
  });

  it('refuses a password change with the wrong current password', async () => {
    const me = await t.createStaff();
    const res = await request(t.app)
      .post('/api/admin/auth/password')
      .set(auth(me.token))
      .send({ currentPassword: 'not-my-password', newPassword: 'another-long-password' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('wrong_password');
  });

  it('requires a token', async () => {
    expect((await request(t.app).get('/api/admin/auth/me')).status).toBe(401);
  });
});
