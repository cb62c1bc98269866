/**
 * Staff login throttling per (username, client address), with growing delays (ADR 093).
 *
 * A password check is reserved before the password is hashed: {@link LoginThrottle.reserve} takes
 * a slot with one conditional update, or refuses with `retryAfter`. The caller then settles the
 * slot: {@link LoginThrottle.succeeded} forgets the address's failures, {@link LoginThrottle.failed}
 * counts the failure (and, past the free attempts, sets the next allowed instant),
 * {@link LoginThrottle.release} gives the slot back when the check could not run.
 *
 * - Each address gets `LOGIN_MAX_FAILURES` free attempts per username within
 *   `LOGIN_FAILURE_WINDOW_SECONDS`; then each further attempt waits `LOGIN_BACKOFF_BASE_SECONDS`,
 *   doubling per failure up to `LOGIN_LOCK_SECONDS`. An attacker elsewhere never delays the
 *   rightful user's address.
 * - Past `LOGIN_USERNAME_MAX_FAILURES` failures of one username from all addresses in the window,
 *   every address gets one free attempt instead: a distributed attack slows to one guess per
 *   address per back-off, and the rightful user still gets their first attempt checked.
 */
import type { Model } from 'mongoose';
import type { Clock } from '../../lib/clock';
import type { Config } from '../../config';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import type { LoginThrottleDoc } from './login-throttle.model';

/** A reserved password check. */
interface LoginReservation {
  key: string;
  username: string;
  /** Checks reserved in the window, this one included. */
  attempts: number;
  /** Free attempts this reservation was made under. */
  free: number;
}

/** The attempt may not run yet: try again in `retryAfter` seconds. */
interface LoginRefusal {
  retryAfter: number;
}

interface LoginThrottle {
  /** Takes a slot for one password check, or says how long to wait. */
  reserve(username: string, ip: string): Promise<LoginReservation | LoginRefusal>;
  /** The password was right: the address starts afresh. */
  succeeded(reservation: LoginReservation): Promise<void>;
  /** The check failed; returns the seconds the address must now wait (0 within the free attempts). */
  failed(reservation: LoginReservation): Promise<number>;
  /** The check did not run (an error): the slot is given back. */
  release(reservation: LoginReservation): Promise<void>;
  /** Forgets every record of a username (admin unlock, password reset); returns how many. */
  clear(username: string): Promise<number>;
  /** Deletes records that no longer matter; returns how many. */
  sweepExpired(): Promise<number>;
}

/** Conditional updates lost to concurrent attempts before giving up with a short wait. */
const MAX_TRIES = 8;
/** What to tell an attempt refused while other checks of the address are still running. */
const PENDING_RETRY_SECONDS = 1;

const pairKey = (username: string, ip: string) => `pair:${ip}|${username}`;
const usernameKey = (username: string) => `user:${username}`;

export function createLoginThrottle(model: Model<LoginThrottleDoc>, settings: Config['login'], clock: Clock): LoginThrottle {
  const windowMs = settings.failureWindowSeconds * 1000;

  /** The back-off after the `attempts`-th failure when `free` attempts were free. */
  const delaySeconds = (attempts: number, free: number) =>
    Math.min(settings.backoffBaseSeconds * 2 ** Math.min(attempts - free, 30), settings.lockSeconds);

  /** One free attempt per address once the username as a whole has failed too often. */
  const freeAttempts = async (username: string, now: Date) => {
    const doc = await model.findById(usernameKey(username), { attempts: 1, expiresAt: 1 }).lean<Pick<LoginThrottleDoc, 'attempts' | 'expiresAt'>>();
    const underAttack = doc !== null && doc.expiresAt > now && doc.attempts >= settings.usernameMaxFailures;
    return underAttack ? 1 : settings.maxFailures;
  };

  /** One try at taking a slot: the reservation, a refusal, or null when a concurrent attempt won the race. */
  const tryReserve = async (key: string, username: string, ip: string, free: number, now: Date): Promise<LoginReservation | LoginRefusal | null> => {
    const doc = await model.findById(key).lean<LoginThrottleDoc>();
    const taken = (d: LoginThrottleDoc | null) => (d ? { key, username, attempts: d.attempts, free } : null);
    if (!doc || doc.expiresAt <= now) {
      // A new window. The filter never matches a live record, so when another attempt created
      // one first, the upsert's insert fails on `_id` instead of overwriting its count.
      try {
        return taken(
          await model
            .findOneAndUpdate(
              { _id: key, expiresAt: { $lte: now } },
              {
                $set: {
                  kind: 'pair',
                  username,
                  ip,
                  attempts: 1,
                  pending: 1,
                  nextAttemptAt: null,
                  windowStartedAt: now,
                  expiresAt: new Date(now.getTime() + windowMs),
                },
              },
              { upsert: true, returnDocument: 'after' },
            )
            .lean<LoginThrottleDoc>(),
        );
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
    }
    if (doc.attempts < free) {
      // Free attempts may run side by side, but never more of them than allowed.
      return taken(
        await model
          .findOneAndUpdate({ _id: key, expiresAt: { $gt: now }, attempts: { $lt: free } }, { $inc: { attempts: 1, pending: 1 } }, { returnDocument: 'after' })
          .lean<LoginThrottleDoc>(),
      );
    }
    const waitUntil = doc.nextAttemptAt?.getTime() ?? 0;
    if (doc.pending > 0 || waitUntil > now.getTime()) {
      const retryAfter = waitUntil > now.getTime() ? Math.ceil((waitUntil - now.getTime()) / 1000) : PENDING_RETRY_SECONDS;
      return { retryAfter };
    }
    // In the back-off: one check at a time, taken only if nobody took it since the read.
    return taken(
      await model
        .findOneAndUpdate({ _id: key, attempts: doc.attempts, pending: 0, expiresAt: { $gt: now } }, { $inc: { attempts: 1, pending: 1 } }, { returnDocument: 'after' })
        .lean<LoginThrottleDoc>(),
    );
  };

  /** Counts a failure of the username from any address (fixed window from the first failure). */
  const countUsernameFailure = async (username: string, now: Date) => {
    const key = usernameKey(username);
    const counted = await model.updateOne({ _id: key, expiresAt: { $gt: now } }, { $inc: { attempts: 1 } });
    if (counted.matchedCount > 0) return;
    const start = () =>
      model.updateOne(
        { _id: key, expiresAt: { $lte: now } },
        {
          $set: { kind: 'username', username, ip: null, attempts: 1, pending: 0, nextAttemptAt: null, windowStartedAt: now, expiresAt: new Date(now.getTime() + windowMs) },
        },
        { upsert: true },
      );
    try {
      await start();
    } catch (err) {
      // Another instance started the window first: count into it.
      if (!isDuplicateKeyError(err)) throw err;
      await model.updateOne({ _id: key }, { $inc: { attempts: 1 } });
    }
  };

  return {
    async reserve(username, ip) {
      const now = new Date(clock());
      const free = await freeAttempts(username, now);
      const key = pairKey(username, ip);
      for (let i = 0; i < MAX_TRIES; i++) {
        const result = await tryReserve(key, username, ip, free, now);
        if (result) return result;
      }
      return { retryAfter: PENDING_RETRY_SECONDS };
    },

    async succeeded(reservation) {
      await model.deleteOne({ _id: reservation.key });
    },

    async failed(reservation) {
      const now = new Date(clock());
      const wait = reservation.attempts >= reservation.free ? delaySeconds(reservation.attempts, reservation.free) : 0;
      const settle: Record<string, unknown> = { $inc: { pending: -1 } };
      if (wait > 0) {
        const next = new Date(now.getTime() + wait * 1000);
        // Remembered for a window after the back-off ends, so the delays keep growing while the
        // failures go on, and are forgotten after a quiet window.
        settle.$max = { nextAttemptAt: next, expiresAt: new Date(next.getTime() + windowMs) };
      }
      await Promise.all([model.updateOne({ _id: reservation.key, pending: { $gt: 0 } }, settle), countUsernameFailure(reservation.username, now)]);
      return wait;
    },

    async release(reservation) {
      await model.updateOne({ _id: reservation.key, pending: { $gt: 0 } }, { $inc: { attempts: -1, pending: -1 } });
    },

    async clear(username) {
      return (await model.deleteMany({ username })).deletedCount;
    },

    async sweepExpired() {
      return (await model.deleteMany({ expiresAt: { $lte: new Date(clock()) } })).deletedCount;
    },
  };
}

/** True when {@link LoginThrottle.reserve} refused. */
export function isRefusal(result: LoginReservation | LoginRefusal): result is LoginRefusal {
  return 'retryAfter' in result;
}
