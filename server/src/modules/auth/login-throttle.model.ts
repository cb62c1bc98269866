/**
 * Failed staff logins (collection `login_throttles`), shared by every BFF instance so a back-off
 * holds whichever instance the next attempt reaches. Two kinds of document (ADR 093):
 *
 * - `pair:<ip>|<username>`: password checks of one username from one client address. Each check
 *   is reserved here (`attempts`, `pending`) before the password is hashed, so concurrent attempts
 *   cannot exceed the allowance; past it, `nextAttemptAt` spaces them with growing delays.
 * - `user:<username>`: failures of one username from every address, which, past a much higher
 *   ceiling, shrink each address's free attempts to one (slowing a distributed attack without
 *   locking the rightful user out).
 *
 * Usernames that do not exist are tracked too, so throttling reveals nothing about which
 * accounts exist.
 */
import { Schema } from 'mongoose';

export interface LoginThrottleDoc {
  _id: string;
  kind: 'pair' | 'username';
  /** The lower-cased username tried. */
  username: string;
  /** The client address (pairs only). */
  ip: string | null;
  /** Pair: checks reserved in this window (failed or still running). Username: failures. */
  attempts: number;
  /** Pair: checks reserved and not settled yet. */
  pending: number;
  /** Pair: no further check before this instant (the back-off); null before it starts. */
  nextAttemptAt: Date | null;
  windowStartedAt: Date;
  /** When the document stops mattering: treated as absent after, deleted by the periodic sweep. */
  expiresAt: Date;
}

export const loginThrottleSchema = new Schema<LoginThrottleDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: ['pair', 'username'] },
    username: { type: String, required: true },
    ip: { type: String, default: null },
    attempts: { type: Number, required: true },
    pending: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    windowStartedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'login_throttles', autoIndex: false, versionKey: false },
);
loginThrottleSchema.index({ expiresAt: 1 });
// An admin's unlock clears every address's record of a username.
loginThrottleSchema.index({ username: 1 });
