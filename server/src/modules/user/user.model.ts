/** Citizens, one per WeChat openid (collection `users`). Created on first sign-in. */
import { Schema, type Types } from 'mongoose';

export interface UserDoc {
  _id: Types.ObjectId;
  /** The mini-program openid; stays on the server. */
  openid: string;
  unionid?: string;
  lastLoginAt: Date;
  /**
   * Bumped to end every session of the citizen (sign-out everywhere, blocking); tokens carry it
   * as `ver`. Absent on users created before versions existed, which counts as 0.
   */
  tokenVersion?: number;
  /** Set while an admin has blocked the citizen: no sign-in, no signed-in request. */
  blockedAt?: Date | null;
  /** Why, as the admin wrote it (shown to staff only). */
  blockedReason?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const userSchema = new Schema<UserDoc>(
  {
    openid: { type: String, required: true },
    unionid: { type: String },
    lastLoginAt: { type: Date, required: true },
    tokenVersion: { type: Number, default: 0 },
    blockedAt: { type: Date, default: null },
    blockedReason: { type: String, default: null },
  },
  { collection: 'users', timestamps: true, autoIndex: false },
);
userSchema.index({ openid: 1 }, { unique: true });
