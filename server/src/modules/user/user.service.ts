/** Citizens: found or created by openid at sign-in. */
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import type { ServiceDeps } from '../../services';
import type { UserDoc } from './user.model';

export interface UserService {
  /** The user with this openid, created on first sight; records the sign-in time. */
  upsertByOpenid(openid: string, unionid?: string): Promise<UserDoc>;
  /** The user, or null. */
  findUser(userId: string): Promise<UserDoc | null>;
}

export function createUserService({ models, clock }: ServiceDeps): UserService {
  return {
    async upsertByOpenid(openid, unionid) {
      const set: Partial<UserDoc> = { lastLoginAt: new Date(clock()) };
      if (unionid !== undefined) set.unionid = unionid;
      const upsert = () =>
        models.User.findOneAndUpdate({ openid }, { $set: set }, { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true }).lean<UserDoc>();
      let user: UserDoc | null;
      try {
        user = await upsert();
      } catch (err) {
        // Two first sign-ins racing: the loser's insert hits the unique openid index; the
        // document now exists, so the retry updates it.
        if (!isDuplicateKeyError(err)) throw err;
        user = await upsert();
      }
      if (!user) throw new Error('upsert returned no user');
      return user;
    },

    async findUser(userId) {
      return models.User.findById(userId).lean<UserDoc>();
    },
  };
}
