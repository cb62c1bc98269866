/**
 * Where the citizen's token is kept between launches (Taro storage: wx storage in WeChat,
 * localStorage in H5). Only the request wrapper writes it.
 */
import Taro from '@tarojs/taro';
import { z } from 'zod';
import { CitizenViewSchema } from '@shared/auth';

const SESSION_KEY = 'zwgk.session';
const DEV_NAME_KEY = 'zwgk.devLoginName';
/** Sign in again this long before the token's expiry rather than fail a call with 401. */
const EXPIRY_MARGIN_MS = 60_000;

const StoredSessionSchema = z.object({ token: z.string().min(1), expiresAt: z.string(), user: CitizenViewSchema });
/** A citizen token with its expiry and the signed-in user. */
export type StoredSession = z.infer<typeof StoredSessionSchema>;

/** The stored session while it is still valid, else null. */
export function readSession(): StoredSession | null {
  let raw: unknown;
  try {
    raw = Taro.getStorageSync(SESSION_KEY);
  } catch {
    return null;
  }
  const parsed = StoredSessionSchema.safeParse(raw);
  if (!parsed.success) return null;
  const expires = Date.parse(parsed.data.expiresAt);
  if (!Number.isFinite(expires) || expires - EXPIRY_MARGIN_MS <= Date.now()) return null;
  return parsed.data;
}

/** Keeps a fresh session. */
export function saveSession(session: StoredSession): void {
  Taro.setStorageSync(SESSION_KEY, session);
}

/** Forgets the session (sign-out, or a token the server refused). */
export function clearSession(): void {
  try {
    Taro.removeStorageSync(SESSION_KEY);
  } catch {
    // Nothing stored: nothing to forget.
  }
}

/** The `dev:<name>` the H5 dev/test build signs in with, if one was chosen. */
export function readDevLoginName(): string | null {
  try {
    const v: unknown = Taro.getStorageSync(DEV_NAME_KEY);
    return typeof v === 'string' && v.length > 0 ? v : null;
  } catch {
    return null;
  }
}

/** Remembers the dev user name for the next sign-in. */
export function saveDevLoginName(name: string): void {
  Taro.setStorageSync(DEV_NAME_KEY, name);
}
