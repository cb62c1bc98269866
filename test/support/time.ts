/**
 * Helpers for tests that move the clock across real dates (deadlines on the Chinese calendar).
 */

/**
 * Environment for tests that make many requests and move the clock by weeks: rate limits out of
 * the way, and tokens that outlive the clock moves (staff tokens last 30 days, so tests moving
 * further sign staff in again after moving).
 */
export const CLOCK_MOVING_TEST_ENV: Readonly<Record<string, string>> = {
  RATE_LIMIT_PER_USER: '1000000',
  RATE_LIMIT_PER_IP: '1000000',
  CITIZEN_TOKEN_TTL_SECONDS: String(90 * 86_400),
  STAFF_TOKEN_TTL_SECONDS: String(30 * 86_400),
};

/** An instant given as China Standard Time wall-clock time: `cst('2026-09-30T10:00')`. */
export function cst(local: string): number {
  return Date.parse(`${local}:00+08:00`);
}
