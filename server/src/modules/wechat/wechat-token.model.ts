/**
 * The WeChat access token shared by every BFF instance (collection `wechat_tokens`, one document
 * per AppID). Instances read it before asking WeChat, so the fleet fetches one token instead of
 * one per instance. Holds a credential: never log or expose these documents.
 */
import { Schema } from 'mongoose';

export interface WechatTokenDoc {
  /** `access_token:<appid>`. */
  _id: string;
  token: string;
  expiresAt: Date;
  updatedAt: Date;
}

export const wechatTokenSchema = new Schema<WechatTokenDoc>(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'wechat_tokens', autoIndex: false, versionKey: false },
);
