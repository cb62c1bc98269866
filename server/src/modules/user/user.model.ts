/** Citizens, one per WeChat openid (collection `users`). Created on first sign-in. */
import { Schema, type Types } from 'mongoose';

export interface UserDoc {
  _id: Types.ObjectId;
  /** The mini-program openid; stays on the server. */
  openid: string;
  unionid?: string;
  lastLoginAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const userSchema = new Schema<UserDoc>(
  {
    openid: { type: String, required: true },
    unionid: { type: String },
    lastLoginAt: { type: Date, required: true },
  },
  { collection: 'users', timestamps: true, autoIndex: false },
);
userSchema.index({ openid: 1 }, { unique: true });
