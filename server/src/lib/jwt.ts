/**
 * Minimal HS256 JSON Web Tokens on node:crypto. We only ever sign and verify our own tokens,
 * so one algorithm is accepted and the header is checked byte-for-byte against what we sign:
 * `alg: none` and algorithm-confusion tokens are refused by construction.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * Claims every token we issue carries. `sub` is the id of the `users` or `staff` document (24
 * lower-case hex digits); `kind` separates citizens from staff.
 */
export interface TokenClaims {
  sub: string;
  kind: 'citizen' | 'staff';
  /** Staff role, present on staff tokens. */
  role?: string;
  /**
   * The account's token version when the token was issued: bumped to revoke older tokens (staff:
   * password change, deactivation, role change; citizens: sign-out everywhere, blocking). Always
   * present on staff tokens; citizen tokens issued before versions existed lack it (version 0).
   */
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

/** What `sub` must look like: an ObjectId in the hex form we sign. */
const SUBJECT = /^[0-9a-f]{24}$/;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Every claim checked once, here, so code behind the auth middleware can trust them (a `sub`
 * that is not an ObjectId must never reach a query). A token failing any check is malformed.
 */
function isClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  const common = typeof c.sub === 'string' && SUBJECT.test(c.sub) && isCount(c.iat) && isCount(c.exp);
  if (!common) return false;
  if (c.kind === 'staff') return typeof c.role === 'string' && isCount(c.ver);
  return c.kind === 'citizen' && c.role === undefined && (c.ver === undefined || isCount(c.ver));
}
