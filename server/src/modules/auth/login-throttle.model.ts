/**
 * Failed staff logins per username (collection `login_throttles`), shared by every BFF instance
 * so a lockout holds whichever instance the next attempt reaches. Usernames that do not exist are
 * tracked too, so lockouts reveal nothing about which accounts exist.
 */
import { Schema } from 'mongoose';

export interface LoginThrottleDoc {
  /** The lower-cased username tried. */
  _id: string;
  /** Failures in the current window. */
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
  /** When the document stops mattering; the periodic sweep deletes it after. */
  expiresAt: Date;
}

export const loginThrottleSchema = new Schema<LoginThrottleDoc>(
  {
    _id: { type: String, required: true },
    failures: { type: Number, required: true },
    windowStartedAt: { type: Date, required: true },
    lockedUntil: { type: Date, default: null },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'login_throttles', autoIndex: false, versionKey: false },
);
loginThrottleSchema.index({ expiresAt: 1 });
