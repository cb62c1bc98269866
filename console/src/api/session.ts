/**
 * The signed-in staff member's session, kept in sessionStorage (one browser tab, gone when it
 * closes) or, with 「记住我」, in localStorage until the token expires.
 */
import type { z } from 'zod';
import type { StaffLoginResponseSchema } from '../../../shared/staff';

/** What the sign-in answers and the console keeps. */
export type StaffSession = z.infer<typeof StaffLoginResponseSchema>;

const KEY = 'zwgk.console.session';

/** The stored session, or null when none or expired. */
export function readSession(): StaffSession | null {
  const raw = sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as StaffSession;
    if (Date.parse(session.expiresAt) <= Date.now()) {
      clearSession();
      return null;
    }
    return session;
  } catch {
    clearSession();
    return null;
  }
}

/** Keeps a new session; `remember` keeps it across browser restarts. */
export function saveSession(session: StaffSession, remember: boolean): void {
  clearSession();
  (remember ? localStorage : sessionStorage).setItem(KEY, JSON.stringify(session));
}

/** Forgets the session (sign-out, or the server said 401). */
export function clearSession(): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}
