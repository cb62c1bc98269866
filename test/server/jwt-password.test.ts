import { signToken, verifyToken } from '../../server/src/lib/jwt';
import { hashPassword, verifyPassword } from '../../server/src/lib/password';

describe('HS256 tokens', () => {
  const secret = 'x'.repeat(48);
  const SUB = '0123456789abcdef01234567';

  it('round-trips claims and refuses expired tokens', () => {
    const token = signToken(secret, { sub: SUB, kind: 'staff', role: 'office', ver: 2 }, 60, 1_000);
    const ok = verifyToken(secret, token, 1_030);
    expect(ok).toEqual({ ok: true, claims: { sub: SUB, kind: 'staff', role: 'office', ver: 2, iat: 1_000, exp: 1_060 } });
    expect(verifyToken(secret, token, 1_060)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed with another secret, a tampered payload and alg none', () => {
    const token = signToken(secret, { sub: SUB, kind: 'citizen' }, 60);
    expect(verifyToken('y'.repeat(48), token)).toEqual({ ok: false, reason: 'bad_signature' });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'admin', kind: 'staff', role: 'admin', iat: 1, exp: 9e9 })).toString('base64url');
    expect(verifyToken(secret, `${h}.${forged}.${s}`)).toEqual({ ok: false, reason: 'bad_signature' });
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(verifyToken(secret, `${none}.${forged}.`)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyToken(secret, 'garbage')).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['a sub that is not an ObjectId', { sub: 'not-an-id', kind: 'citizen' }],
    ['an upper-case sub', { sub: SUB.toUpperCase(), kind: 'citizen' }],
    ['an operator object as sub', { sub: { $ne: null }, kind: 'citizen' }],
    ['an unknown kind', { sub: SUB, kind: 'root' }],
    ['a staff token without a version', { sub: SUB, kind: 'staff', role: 'admin' }],
    ['a staff token without a role', { sub: SUB, kind: 'staff', ver: 1 }],
    ['a citizen token with a role', { sub: SUB, kind: 'citizen', role: 'admin' }],
    ['a fractional version', { sub: SUB, kind: 'citizen', ver: 1.5 }],
    ['a version given as text', { sub: SUB, kind: 'staff', role: 'office', ver: '1' }],
  ])('refuses a correctly signed token with %s as malformed', (_what, claims) => {
    const token = signToken(secret, claims as unknown as Parameters<typeof signToken>[1], 60, 1_000);
    expect(verifyToken(secret, token, 1_030)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('scrypt password hashes', () => {
  it('verifies the right password only and salts every hash', async () => {
    const a = await hashPassword('正确的密码 Secret-1');
    const b = await hashPassword('正确的密码 Secret-1');
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$16384$8$1$')).toBe(true);
    await expect(verifyPassword('正确的密码 Secret-1', a)).resolves.toBe(true);
    await expect(verifyPassword('wrong', a)).resolves.toBe(false);
    await expect(verifyPassword('x', 'not-a-hash')).resolves.toBe(false);
  });
});
