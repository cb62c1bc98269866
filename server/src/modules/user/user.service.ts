/**
 * Citizens: found or created by openid at sign-in; blocked and unblocked by admins (audited);
 * signed out everywhere by themselves. Ending sessions bumps `tokenVersion`, which the auth
 * middleware compares with the token's `ver` on every citizen request ({@link UserService.sessionState}).
 */
import { isValidObjectId, Types, type mongo } from 'mongoose';
import type { CitizenBlock } from '../../../../shared/auth';
import type { CitizenActor, StaffActor } from '../../lib/actor';
import { notFound } from '../../lib/errors';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import type { ServiceDeps } from '../../services';
import type { UserDoc } from './user.model';

/** What the auth middleware needs to accept a citizen token. */
interface SessionState {
  tokenVersion: number;
  blocked: boolean;
}

export interface UserService {
  /** The user with this openid, created on first sight; records the sign-in time. */
  upsertByOpenid(openid: string, unionid?: string): Promise<UserDoc>;
  /** The user, or null. */
  findUser(userId: string): Promise<UserDoc | null>;
  /**
   * For the auth middleware, on every citizen request: the token version and block flag of the
   * user, or null when there is no such user. One read by `_id` returning two small fields.
   */
  sessionState(userId: string): Promise<SessionState | null>;
  /** Ends every session of the signed-in citizen (their tokens stop working at once). Audited. */
  signOutEverywhere(actor: CitizenActor): Promise<void>;
  /** @throws not_found */
  getUser(actor: StaffActor, id: string): Promise<UserDoc>;
  /** Blocks a citizen: no sign-in, and every token stops working. Audited. @throws not_found */
  blockUser(actor: StaffActor, id: string, input: CitizenBlock): Promise<UserDoc>;
  /** Lifts a block; the citizen signs in again (old tokens stay dead). Audited. @throws not_found */
  unblockUser(actor: StaffActor, id: string): Promise<UserDoc>;
}

export function createUserService({ models, clock, services }: ServiceDeps): UserService {
  // Straight to the driver for the per-request check: two plain fields by _id, so mongoose's
  // query building and hydration would be pure overhead on every signed-in citizen request.
  const users = models.User.collection as unknown as mongo.Collection<UserDoc>;

  const load = async (id: string) => {
    const doc = isValidObjectId(id) ? await models.User.findById(id).lean<UserDoc>() : null;
    if (!doc) throw notFound();
    return doc;
  };

  const update = async (id: Types.ObjectId, change: Record<string, unknown>) => {
    const after = await models.User.findByIdAndUpdate(id, change, { returnDocument: 'after' }).lean<UserDoc>();
    if (!after) throw notFound();
    return after;
  };

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

    async sessionState(userId) {
      if (!isValidObjectId(userId)) return null;
      const doc = await users.findOne({ _id: new Types.ObjectId(userId) }, { projection: { _id: 0, tokenVersion: 1, blockedAt: 1 } });
      if (!doc) return null;
      return { tokenVersion: doc.tokenVersion ?? 0, blocked: Boolean(doc.blockedAt) };
    },

    async signOutEverywhere(actor) {
      const id = new Types.ObjectId(actor.userId);
      await update(id, { $inc: { tokenVersion: 1 } });
      await services.audit.recordAudit({ actor, action: 'user.sign_out_everywhere', targetType: 'user', targetId: id });
    },

    async getUser(_actor, id) {
      return load(id);
    },

    async blockUser(actor, id, input) {
      const before = await load(id);
      // The version bump makes unblocking safe: tokens issued before the block never come back.
      const after = await update(before._id, { $set: { blockedAt: new Date(clock()), blockedReason: input.reason }, $inc: { tokenVersion: 1 } });
      await services.audit.recordAudit({ actor, action: 'user.block', targetType: 'user', targetId: before._id, details: { reason: input.reason } });
      return after;
    },

    async unblockUser(actor, id) {
      const before = await load(id);
      const after = await update(before._id, { $set: { blockedAt: null, blockedReason: null } });
      await services.audit.recordAudit({
        actor,
        action: 'user.unblock',
        targetType: 'user',
        targetId: before._id,
        details: { wasBlocked: Boolean(before.blockedAt) },
      });
      return after;
    },
  };
}
