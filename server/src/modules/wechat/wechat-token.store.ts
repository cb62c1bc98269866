/**
 * The WeChat client's {@link TokenStore} on MongoDB, so every instance behind the load balancer
 * shares one access token (see lib/wechat/wechat-token.ts for the refresh policy).
 *
 * Writes never replace a token with one that expires earlier: two instances refreshing at once
 * (one of them after a force refresh) converge on the newest token, because a forced token
 * always outlives the one it replaced.
 */
import type { Model } from 'mongoose';
import type { StoredAccessToken, TokenStore } from '../../lib/wechat';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import type { WechatTokenDoc } from './wechat-token.model';

/** A token store keeping the access token of `appId` in `model`'s collection. */
export function createMongoTokenStore(model: Model<WechatTokenDoc>, appId: string): TokenStore {
  const _id = `access_token:${appId}`;
  return {
    async get() {
      const doc = await model.findById(_id).lean<WechatTokenDoc>();
      return doc ? { token: doc.token, expiresAt: doc.expiresAt.getTime() } : null;
    },

    async set(value: StoredAccessToken) {
      const expiresAt = new Date(value.expiresAt);
      try {
        await model.updateOne(
          { _id, $or: [{ expiresAt: { $lt: expiresAt } }, { token: value.token }] },
          { $set: { token: value.token, expiresAt, updatedAt: new Date() } },
          { upsert: true },
        );
      } catch (err) {
        // The stored token outlives this one (the filter did not match and the insert collided):
        // keep it.
        if (!isDuplicateKeyError(err)) throw err;
      }
    },
  };
}
