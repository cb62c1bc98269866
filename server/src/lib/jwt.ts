/**
 * Minimal HS256 JSON Web Tokens on node:crypto. We only ever sign and verify our own tokens,
 * so one algorithm is accepted and the header is checked byte-for-byte against what we sign:
 * `alg: none` and algorithm-confusion tokens are refused by construction.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** Claims every token we issue carries. `sub` is the user id; `kind` separates citizens from staff. */
export interface TokenClaims {
  sub: string;
  kind: 'citizen' | 'staff';
  /** Staff role, present on staff tokens. */
  role?: string;
  /** Staff token version: bumped on password change or deactivation to revoke old tokens. */
  ver?: number;
  iat: number;
  exp: number;
}

/** Why a token was refused; callers map every reason to 401. */
export type TokenFailure = 'malformed' | 'bad_signature' | 'expired';

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

function sign(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/** Signs `claims` valid for `ttlSeconds` from `now` (seconds since epoch). */
export function signToken(
  secret: string,
  claims: Omit<TokenClaims, 'iat' | 'exp'>,
  ttlSeconds: number,
  now = Math.floor(Date.now() / 1000),
): string {
  const payload = base64url(JSON.stringify({ ...claims, iat: now, exp: now + ttlSeconds }));
  const data = `${HEADER}.${payload}`;
  return `${data}.${base64url(sign(secret, data))}`;
}

/** Verifies signature and expiry; returns the claims or the reason for refusal. */
export function verifyToken(
  secret: string,
  token: string,
  now = Math.floor(Date.now() / 1000),
): { ok: true; claims: TokenClaims } | { ok: false; reason: TokenFailure } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
  const expected = sign(secret, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
  if (claims.exp <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function isClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.sub === 'string' &&
    (c.kind === 'citizen' || c.kind === 'staff') &&
    typeof c.iat === 'number' &&
    typeof c.exp === 'number' &&
    (c.role === undefined || typeof c.role === 'string') &&
    (c.ver === undefined || typeof c.ver === 'number')
  );
}
