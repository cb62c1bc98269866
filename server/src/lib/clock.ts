/**
 * The current time, injected so tests can move it (lockout expiry, rate-limit windows) without
 * fake timers. Services read the time only through the clock in their deps.
 */

/** Milliseconds since the epoch. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();
