/**
 * Citizen tokens: every malformed claim is refused with 401 (never a 500 from a query built on
 * it), and tokens are revocable — sign-out everywhere and an admin's block end them at once.
 */
import request from 'supertest';
import { signToken } from '../../server/src/lib/jwt';
import { auth, createTestApp, createTestClock, TEST_JWT_SECRET, type TestApp, type TestStaff } from '../support/app';
import { buildConsultation, CONSULTATION_TEST_ENV, createOpen } from '../support/consultation-factories';
import { buildLetter, useLetterSettings } from '../support/letter-factories';

const T0 = Date.parse('2026-03-02T10:00:00+08:00');

let t: TestApp;
let admin: TestStaff;
let consultationId: string;
beforeAll(async () => {
  t = await createTestApp({ clock: createTestClock(T0), env: CONSULTATION_TEST_ENV });
  await useLetterSettings(t, { submissionsPerDay: 100 });
  admin = await t.createStaff({ role: 'admin' });
  const dept = await t.createDepartment();
  consultationId = await createOpen(t, await t.staffToken('office'), buildConsultation(T0, { departmentId: dept._id.toHexString() }));
});
afterAll(() => t.close());

/** A correctly signed citizen token with these claims (the test secret is the app's). */
const signed = (claims: Record<string, unknown>) =>
  signToken(TEST_JWT_SECRET, claims as unknown as Parameters<typeof signToken>[1], 3600, Math.floor(t.clock.now() / 1000));

/** The six citizen routes of the review, each with a request that would succeed for a good token. */
const ROUTES: [name: string, send: (token: string) => request.Test][] = [
  ['GET /api/letters/mine', (token) => request(t.app).get('/api/letters/mine').set(auth(token))],
  ['GET /api/error-reports/mine', (token) => request(t.app).get('/api/error-reports/mine').set(auth(token))],
  ['GET /api/inbox', (token) => request(t.app).get('/api/inbox').set(auth(token))],
  ['GET /api/consultations/mine', (token) => request(t.app).get('/api/consultations/mine').set(auth(token))],
  ['GET /api/consultations/:id', (token) => request(t.app).get(`/api/consultations/${consultationId}`).set(auth(token))],
  ['POST /api/letters', (token) => request(t.app).post('/api/letters').set(auth(token)).send(buildLetter())],
];

const sessionOf = async (name: string) => {
  const res = await request(t.app).post('/api/auth/wechat').send({ code: `dev:${name}` });
  expect(res.status).toBe(200);
  return { token: res.body.token as string, userId: res.body.user.id as string };
};

describe('malformed claims', () => {
  const MALFORMED: [what: string, claims: Record<string, unknown>][] = [
    ['a sub that is not an ObjectId', { sub: 'not-an-object-id', kind: 'citizen' }],
    ['a sub with 24 characters that are not hex', { sub: 'zzzzzzzzzzzzzzzzzzzzzzzz', kind: 'citizen' }],
    ['a numeric sub', { sub: 12345, kind: 'citizen' }],
    ['an object as sub', { sub: { $gt: '' }, kind: 'citizen' }],
    ['a version that is not a whole number', { sub: '0123456789abcdef01234567', kind: 'citizen', ver: 'x' }],
  ];

  describe.each(ROUTES)('%s', (_name, send) => {
    it.each(MALFORMED)('answers 401 unauthorized to a signed token with %s', async (_what, claims) => {
      const res = await send(signed(claims));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    });

    it('answers 401 to a well-formed token of a user that does not exist', async () => {
      const res = await send(signed({ sub: '0123456789abcdef01234567', kind: 'citizen' }));
      expect(res.status).toBe(401);
    });

    it('serves a good token', async () => {
      const { token } = await sessionOf('claims-good');
      expect([200, 201]).toContain((await send(token)).status);
    });
  });

  it('stored nothing for the refused letter submissions', async () => {
    const { userId } = await sessionOf('claims-good');
    expect(await t.models.Letter.countDocuments({})).toBe(await t.models.Letter.countDocuments({ userId }));
  });
});

describe('POST /api/auth/logout-all', () => {
  it('ends every token of the citizen at once, on every route, and a new sign-in works', async () => {
    const phone = await sessionOf('everywhere');
    const laptop = await sessionOf('everywhere');
    const other = await sessionOf('someone-else');
    const res = await request(t.app).post('/api/auth/logout-all').set(auth(phone.token));
    expect(res.status).toBe(204);

    for (const [name, send] of ROUTES) {
      for (const token of [phone.token, laptop.token]) {
        const refused = await send(token);
        expect({ name, status: refused.status, code: refused.body.error?.code }).toEqual({ name, status: 401, code: 'unauthorized' });
      }
    }
    // Other citizens are untouched; the same citizen signs in again with a new token.
    expect((await request(t.app).get('/api/letters/mine').set(auth(other.token))).status).toBe(200);
    const again = await sessionOf('everywhere');
    expect(again.userId).toBe(phone.userId);
    expect((await request(t.app).get('/api/letters/mine').set(auth(again.token))).status).toBe(200);

    const stored = await t.models.User.findById(phone.userId).lean();
    expect(stored?.tokenVersion).toBe(1);
    const entry = await t.models.AuditEntry.findOne({ action: 'user.sign_out_everywhere', targetId: phone.userId }).lean();
    expect(entry).toMatchObject({ actor: { kind: 'citizen', id: phone.userId } });
  });

  it('is for citizens only', async () => {
    expect((await request(t.app).post('/api/auth/logout-all')).status).toBe(401);
    expect((await request(t.app).post('/api/auth/logout-all').set(auth(admin.token))).status).toBe(403);
  });
});

describe('blocking a citizen', () => {
  it('refuses the blocked citizen’s tokens with 403 user_blocked and their sign-in, until unblocked; audited', async () => {
    const victim = await sessionOf('to-be-blocked');
    const block = await request(t.app)
      .post(`/api/admin/users/${victim.userId}/block`)
      .set(auth(admin.token))
      .set('x-request-id', 'block-user-1')
      .send({ reason: '批量提交垃圾信件' });
    expect(block.status).toBe(200);
    expect(block.body).toMatchObject({ id: victim.userId, blocked: true, blockedReason: '批量提交垃圾信件', blockedAt: expect.any(String) });
    expect(JSON.stringify(block.body)).not.toMatch(/openid/i);

    for (const [name, send] of ROUTES.filter(([n]) => n !== 'GET /api/consultations/:id')) {
      const refused = await send(victim.token);
      expect({ name, status: refused.status, code: refused.body.error?.code }).toEqual({ name, status: 403, code: 'user_blocked' });
    }
    // Staff routes answer as to any citizen; public pages stay readable, as for anyone.
    expect((await request(t.app).get('/api/admin/auth/me').set(auth(victim.token))).status).toBe(403);
    expect((await request(t.app).get(`/api/consultations/${consultationId}`).set(auth(victim.token))).status).toBe(200);
    const signIn = await request(t.app).post('/api/auth/wechat').send({ code: 'dev:to-be-blocked' });
    expect(signIn.status).toBe(403);
    expect(signIn.body.error.code).toBe('user_blocked');

    const blockEntry = await t.models.AuditEntry.findOne({ action: 'user.block', targetId: victim.userId }).lean();
    expect(blockEntry).toMatchObject({ actor: { kind: 'staff', id: admin.id }, details: { reason: '批量提交垃圾信件' }, requestId: 'block-user-1' });

    const unblock = await request(t.app).post(`/api/admin/users/${victim.userId}/unblock`).set(auth(admin.token));
    expect(unblock.status).toBe(200);
    expect(unblock.body).toMatchObject({ blocked: false, blockedAt: null, blockedReason: null });
    // Tokens from before the block stay dead; a new sign-in works.
    expect((await request(t.app).get('/api/letters/mine').set(auth(victim.token))).status).toBe(401);
    const fresh = await sessionOf('to-be-blocked');
    expect((await request(t.app).get('/api/letters/mine').set(auth(fresh.token))).status).toBe(200);
    expect(await t.models.AuditEntry.countDocuments({ action: 'user.unblock', targetId: victim.userId })).toBe(1);
  });

  it('shows an admin the citizen’s account, and answers 404 for an unknown id', async () => {
    const someone = await sessionOf('looked-up');
    const res = await request(t.app).get(`/api/admin/users/${someone.userId}`).set(auth(admin.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: someone.userId,
      createdAt: expect.any(String),
      lastLoginAt: expect.any(String),
      blocked: false,
      blockedAt: null,
      blockedReason: null,
    });
    expect((await request(t.app).get('/api/admin/users/0123456789abcdef01234567').set(auth(admin.token))).status).toBe(404);
    const missing = await request(t.app).post('/api/admin/users/0123456789abcdef01234567/block').set(auth(admin.token)).send({ reason: '测试' });
    expect(missing.status).toBe(404);
  });

  it('requires a reason', async () => {
    const someone = await sessionOf('no-reason');
    const res = await request(t.app).post(`/api/admin/users/${someone.userId}/block`).set(auth(admin.token)).send({ reason: '  ' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ in: 'body', path: 'reason', message: '请填写封禁原因' }]);
  });
});
