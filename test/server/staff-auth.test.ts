/** Staff sign-in, lockout, token revocation and the own-account routes. */
import request from 'supertest';
import { verifyToken } from '../../server/src/lib/jwt';
import { auth, createTestApp, TEST_JWT_SECRET, type TestApp } from '../support/app';

/** One trusted proxy, so tests can speak from several client addresses with X-Forwarded-For. */
const TEST_ENV = { TRUST_PROXY: '1', RATE_LIMIT_PER_IP: '100000' };
const OFFICE_ADDRESS = '198.51.100.8';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: TEST_ENV });
});
afterAll(() => t.close());

const login = (username: string, password: string, ip?: string) => {
  const req = request(t.app).post('/api/admin/auth/login');
  return (ip ? req.set('X-Forwarded-For', ip) : req).send({ username, password });
};
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

  it('forgets earlier failures after a successful login', async () => {
    const { staff, password } = await t.createStaff();
    for (let i = 0; i < 4; i++) await login(staff.username, 'wrong');
    expect((await login(staff.username, password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(staff.username, 'wrong')).status).toBe(401);
  });
});

describe('login throttling per username and address', () => {
  const ATTACKER = '203.0.113.66';
  const OFFICE = '198.51.100.7';
  const failuresOf = (username: string, reason: string) =>
    t.models.AuditEntry.countDocuments({ action: 'staff.login_failed', 'details.username': username, 'details.reason': reason });

  it('lets the rightful user sign in from their address while an attacker elsewhere keeps failing', async () => {
    const { staff, password } = await t.createStaff({ role: 'admin' });
    for (let i = 0; i < 12; i++) await login(staff.username, `guess-${i}`, ATTACKER);
    const attacker = await login(staff.username, password, ATTACKER);
    expect(attacker.status).toBe(429);
    const rightful = await login(staff.username, password, OFFICE);
    expect(rightful.status).toBe(200);
    expect(rightful.body.staff.role).toBe('admin');
  });

  it('makes the failing address wait after 5 failures, doubling the wait per further failure, without checking the password meanwhile', async () => {
    const { staff, password } = await t.createStaff();
    for (let i = 0; i < 4; i++) expect((await login(staff.username, 'wrong', ATTACKER)).status).toBe(401);
    const fifth = await login(staff.username, 'wrong', ATTACKER);
    expect(fifth.status).toBe(429);
    expect(fifth.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfter: 30 } });
    expect(fifth.headers['retry-after']).toBe('30');

    // Even the right password is not checked during the wait.
    t.clock.advance(10_000);
    const early = await login(staff.username, password, ATTACKER);
    expect(early.status).toBe(429);
    expect(early.headers['retry-after']).toBe('20');

    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(Number((await login(staff.username, 'wrong', ATTACKER)).headers['retry-after'] ?? 0) * 1000);
      const res = await login(staff.username, 'wrong', ATTACKER);
      expect(res.status).toBe(429);
      waits.push(Number(res.headers['retry-after']));
    }
    expect(waits).toEqual([60, 120, 240, 480, 900]);
    expect(await failuresOf(staff.username, 'wrong_password')).toBe(10);

    // After the wait the right password works from that address too, and clears its record.
    t.clock.advance(900_000);
    expect((await login(staff.username, password, ATTACKER)).status).toBe(200);
    expect(await t.models.LoginThrottle.countDocuments({ kind: 'pair', username: staff.username })).toBe(0);
  });

  it('audits every failure and every refused attempt with the address and the reason', async () => {
    const { staff } = await t.createStaff();
    for (let i = 0; i < 7; i++) await login(staff.username, 'wrong', ATTACKER);
    const entries = await t.models.AuditEntry.find({ action: 'staff.login_failed', 'details.username': staff.username }).sort({ _id: 1 }).lean();
    expect(entries.map((e) => e.details.reason)).toEqual([...Array(5).fill('wrong_password'), 'throttled', 'throttled']);
    expect(entries.every((e) => e.ip === ATTACKER)).toBe(true);
    expect(entries.slice(4).map((e) => e.details.retryAfter)).toEqual([30, 30, 30]);
    expect(JSON.stringify(entries)).not.toContain('wrong"');
  });

  it('lets an admin lift the wait of every address (audited)', async () => {
    const admin = await t.createStaff({ role: 'admin' });
    const { staff, id, password } = await t.createStaff();
    for (let i = 0; i < 6; i++) await login(staff.username, 'wrong', ATTACKER);
    expect((await login(staff.username, password, ATTACKER)).status).toBe(429);

    const res = await request(t.app).post(`/api/admin/staff/${id}/unlock`).set(auth(admin.token)).set('x-request-id', 'unlock-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, username: staff.username });
    expect(await t.models.LoginThrottle.countDocuments({ username: staff.username })).toBe(0);
    expect((await login(staff.username, password, ATTACKER)).status).toBe(200);
    const entry = await t.models.AuditEntry.findOne({ action: 'staff.unlock', targetId: id }).lean();
    expect(entry).toMatchObject({ actor: { id: admin.id }, details: { username: staff.username, cleared: 2 }, requestId: 'unlock-1' });
    // The failures stay in the audit log.
    expect(await failuresOf(staff.username, 'wrong_password')).toBe(5);
  });

  it('answers 404 to an unlock of an unknown account', async () => {
    const admin = await t.createStaff({ role: 'admin' });
    expect((await request(t.app).post('/api/admin/staff/0123456789abcdef01234567/unlock').set(auth(admin.token))).status).toBe(404);
  });

  it('treats unknown usernames the same way, revealing nothing about which accounts exist', async () => {
    for (let i = 0; i < 4; i++) expect((await login('ghost-account', 'x', ATTACKER)).status).toBe(401);
    expect((await login('ghost-account', 'x', ATTACKER)).status).toBe(429);
    expect((await login('ghost-account', 'x', OFFICE)).status).toBe(401);
  });

  it('forgets the failures of an address after a quiet window', async () => {
    const { staff, password } = await t.createStaff();
    for (let i = 0; i < 4; i++) expect((await login(staff.username, 'wrong', ATTACKER)).status).toBe(401);
    t.clock.advance(15 * MINUTE + 1000);
    for (let i = 0; i < 4; i++) expect((await login(staff.username, 'wrong', ATTACKER)).status).toBe(401);
    expect((await login(staff.username, password, ATTACKER)).status).toBe(200);
  });

  it('checks at most 5 passwords of 40 concurrent wrong attempts from one address', async () => {
    const { staff } = await t.createStaff();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => login(staff.username, `wrong-${i}`, ATTACKER)));
    expect(await failuresOf(staff.username, 'wrong_password')).toBe(5);
    expect(await failuresOf(staff.username, 'throttled')).toBe(35);
    expect(results.filter((r) => r.status === 401)).toHaveLength(4);
    expect(results.filter((r) => r.status === 429)).toHaveLength(36);
    const pair = await t.models.LoginThrottle.findOne({ kind: 'pair', username: staff.username }).lean();
    expect(pair).toMatchObject({ ip: ATTACKER, attempts: 5, pending: 0 });
  });

  it('checks at most 5 passwords of 40 concurrent attempts spread over two instances', async () => {
    const second = await createTestApp({ database: t.db, clock: t.clock, env: TEST_ENV });
    try {
      const { staff } = await t.createStaff();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          request(i % 2 ? second.app : t.app).post('/api/admin/auth/login').set('X-Forwarded-For', ATTACKER).send({ username: staff.username, password: `w-${i}` }),
        ),
      );
      expect(await failuresOf(staff.username, 'wrong_password')).toBe(5);
    } finally {
      await second.close();
    }
  });
});

describe('login throttling under a distributed attack', () => {
  let d: TestApp;
  beforeAll(async () => {
    d = await createTestApp({ env: { ...TEST_ENV, LOGIN_USERNAME_MAX_FAILURES: '20' } });
  });
  afterAll(() => d.close());
  const from = (ip: string, username: string, password: string) =>
    request(d.app).post('/api/admin/auth/login').set('X-Forwarded-For', ip).send({ username, password });

  it('past the username ceiling gives each address one free attempt, yet still checks the rightful user’s first one', async () => {
    const { staff, password } = await d.createStaff({ role: 'admin' });
    // 10 addresses, 2 failures each: 20 failures of the username in the window.
    for (let n = 1; n <= 10; n++) for (let i = 0; i < 2; i++) expect((await from(`192.0.2.${n}`, staff.username, 'guess')).status).toBe(401);
    // A fresh address now waits after its first failure …
    const fresh = await from('192.0.2.50', staff.username, 'guess');
    expect(fresh.status).toBe(429);
    expect(fresh.body.error.details.retryAfter).toBe(30);
    // … before its next attempt, even with the right password …
    expect((await from('192.0.2.50', staff.username, password)).status).toBe(429);
    // … and the rightful user, from their own address, signs in.
    expect((await from(OFFICE_ADDRESS, staff.username, password)).status).toBe(200);
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
