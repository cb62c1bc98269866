/**
 * Content safety for citizens' text that may become visible to others: WeChat's msgSecCheck v2
 * (through the WeChat client, which splits text over 2,500 characters), and a human review queue
 * for what WeChat flags as `review` or what could not be checked.
 *
 * The rule callers follow: `risky` is refused (`assertNotRisky` throws 422 `content_risky`);
 * anything but `pass` is held back from publication with `holdForReview` until staff approve it;
 * a feature learns the decision through the handler it registered with `onDecision`. When WeChat
 * cannot be reached the answer is `review`, never a silent `pass`.
 */
import type { ClientSession } from 'mongoose';
import { isValidObjectId, Types } from 'mongoose';
import {
  CONTENT_REVIEW_EXCERPT_MAX,
  type ContentCheckResult,
  type ContentReviewQuery,
  type ContentReviewStatus,
  type ContentScene,
} from '../../../../shared/content-reviews';
import type { CitizenActor, StaffActor } from '../../lib/actor';
import { afterCursorFilter, decodeCursor, pageOf } from '../../lib/cursor';
import { AppError, invalidState, notFound } from '../../lib/errors';
import { MSG_SEC_LABELS, MSG_SEC_SCENE, WechatApiError } from '../../lib/wechat';
import type { ServiceDeps } from '../../services';
import type { ContentReviewDoc } from './content-review.model';

/** The result of a check; `traceId` is WeChat's, for appeals. */
export type ContentCheck = ContentCheckResult & { traceId?: string };

/** What a reviewer decided. */
export type ContentDecision = 'approved' | 'rejected';

/** What a decision handler is told besides the subject and the decision. */
export interface ContentDecisionContext {
  actor: StaffActor;
  /** The decision's transaction: write with it so the feature's change commits with the decision. */
  session: ClientSession;
  reviewId: string;
  note: string | null;
}

/**
 * Called when staff decide on a held item of the registered subject type, inside the decision's
 * transaction; throwing aborts the decision.
 */
export type ContentDecisionHandler = (subjectId: string, decision: ContentDecision, context: ContentDecisionContext) => Promise<void>;

/** What to hold. */
export interface HoldForReviewInput {
  subjectType: string;
  subjectId: string;
  /** The text reviewers judge (cut to 500 characters). */
  excerpt: string;
  /** The check that made it necessary. */
  result: ContentCheckResult;
}

export interface ContentSafetyService {
  /**
   * Checks `text` written by `actor` (their openid is looked up). Without WeChat credentials:
   * `pass` by `dev`; WeChat unreachable or refusing the call: `review` by `unavailable`.
   */
  checkText(actor: CitizenActor, text: string, scene: ContentScene): Promise<ContentCheck>;
  /**
   * {@link checkText}, refusing risky text. Returns the result otherwise: hold the item for
   * review unless it is `pass`.
   * @throws content_risky (422) with `details: { label, labelName }`
   */
  assertNotRisky(actor: CitizenActor, text: string, scene: ContentScene): Promise<ContentCheck & { suggest: 'pass' | 'review' }>;
  /**
   * Queues an item for human review (or refreshes its pending entry). Returns the review id.
   */
  holdForReview(input: HoldForReviewInput, options?: { session?: ClientSession }): Promise<{ id: string }>;
  /** Registers a feature's decision handler for `subjectType`. May be called from a service factory's body. */
  onDecision(subjectType: string, handler: ContentDecisionHandler): void;
  /** The latest review status of a subject, or null when it was never held. */
  reviewStatusOf(subjectType: string, subjectId: string, options?: { session?: ClientSession }): Promise<ContentReviewStatus | null>;
  /** The review queue (office). */
  listReviews(actor: StaffActor, query: ContentReviewQuery): Promise<{ reviews: ContentReviewDoc[]; nextCursor: string | null }>;
  /**
   * Records a decision on a pending item, audits it and tells the subject type's handlers, all in
   * one transaction. @throws not_found, invalid_state (already decided; `details.status`)
   */
  decide(actor: StaffActor, id: string, decision: ContentDecision, note?: string): Promise<ContentReviewDoc>;
}

function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max).join('');
}

export function createContentSafetyService({ models, clock, logger, wechat, db, services }: ServiceDeps): ContentSafetyService {
  const log = logger.child({ component: 'content-safety' });
  const handlers = new Map<string, ContentDecisionHandler[]>();

  const checkText: ContentSafetyService['checkText'] = async (actor, text, scene) => {
    if (!wechat) return { suggest: 'pass', checkedBy: 'dev' };
    // Blank text cannot carry anything (and WeChat refuses empty content): nothing to ask.
    if (text.trim() === '') return { suggest: 'pass', label: 100, labelName: MSG_SEC_LABELS[100], checkedBy: 'wechat' };
    const unavailable: ContentCheck = { suggest: 'review', checkedBy: 'unavailable' };
    const user = await services.users.findUser(actor.userId);
    if (!user) {
      log.warn({ userId: actor.userId }, 'content check without a user record; holding for review');
      return unavailable;
    }
    try {
      const result = await wechat.msgSecCheck({ openid: user.openid, content: text, scene: MSG_SEC_SCENE[scene] });
      return {
        suggest: result.suggest,
        label: result.label,
        labelName: MSG_SEC_LABELS[result.label] ?? 'unknown',
        checkedBy: 'wechat',
        ...(result.traceId ? { traceId: result.traceId } : {}),
      };
    } catch (err) {
      // A RangeError is text beyond what the client checks; either way a human must look.
      if (!(err instanceof WechatApiError) && !(err instanceof RangeError)) throw err;
      log.warn(
        err instanceof WechatApiError ? { errcode: err.errcode, errmsg: err.errmsg } : { reason: err.message },
        'msgSecCheck unavailable; holding the text for human review',
      );
      return unavailable;
    }
  };

  return {
    checkText,

    async assertNotRisky(actor, text, scene) {
      const result = await checkText(actor, text, scene);
      if (result.suggest === 'risky') {
        throw new AppError('content_risky', { details: { label: result.label ?? null, labelName: result.labelName ?? null } });
      }
      return { ...result, suggest: result.suggest };
    },

    async holdForReview(input, options = {}) {
      const now = new Date(clock());
      const result = {
        suggest: input.result.suggest,
        label: input.result.label ?? null,
        labelName: input.result.labelName ?? null,
        checkedBy: input.result.checkedBy,
      };
      const doc = await models.ContentReview.findOneAndUpdate(
        { subjectType: input.subjectType, subjectId: input.subjectId, status: 'pending' },
        {
          $set: { excerpt: clip(input.excerpt.trim(), CONTENT_REVIEW_EXCERPT_MAX), result, updatedAt: now },
          $setOnInsert: { decidedAt: null, note: null, createdAt: now },
        },
        { upsert: true, returnDocument: 'after', ...(options.session ? { session: options.session } : {}) },
      ).lean<ContentReviewDoc>();
      if (!doc) throw new Error('holdForReview: the upsert returned nothing');
      return { id: doc._id.toHexString() };
    },

    onDecision(subjectType, handler) {
      handlers.set(subjectType, [...(handlers.get(subjectType) ?? []), handler]);
    },

    async reviewStatusOf(subjectType, subjectId, options = {}) {
      const query = models.ContentReview.findOne({ subjectType, subjectId }, { status: 1 }).sort({ createdAt: -1, _id: -1 });
      if (options.session) query.session(options.session);
      const doc = await query.lean<Pick<ContentReviewDoc, 'status'>>();
      return doc?.status ?? null;
    },

    async listReviews(_actor, query) {
      const filters: Record<string, unknown>[] = [{ status: query.status }];
      if (query.subjectType) filters.push({ subjectType: query.subjectType });
      if (query.cursor) filters.push(afterCursorFilter('createdAt', decodeCursor(query.cursor)));
      const rows = await models.ContentReview.find({ $and: filters })
        .sort({ createdAt: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<ContentReviewDoc[]>();
      const page = pageOf(rows, query.limit, (r) => r.createdAt);
      return { reviews: page.rows, nextCursor: page.nextCursor };
    },

    async decide(actor, id, decision, note) {
      if (!isValidObjectId(id)) throw notFound();
      const _id = new Types.ObjectId(id);
      return db.connection.transaction(async (session) => {
        const now = new Date(clock());
        const decided = await models.ContentReview.findOneAndUpdate(
          { _id, status: 'pending' },
          {
            $set: {
              status: decision,
              decidedBy: { id: actor.staffId, username: actor.username },
              decidedAt: now,
              note: note ?? null,
              updatedAt: now,
            },
          },
          { returnDocument: 'after', session },
        ).lean<ContentReviewDoc>();
        if (!decided) {
          const existing = await models.ContentReview.findById(_id, { status: 1 }).session(session).lean<Pick<ContentReviewDoc, 'status'>>();
          if (!existing) throw notFound();
          throw invalidState({ status: existing.status });
        }
        await services.audit.recordAudit({
          actor,
          action: decision === 'approved' ? 'content_review.approve' : 'content_review.reject',
          targetType: 'content_review',
          targetId: _id,
          details: { subjectType: decided.subjectType, subjectId: decided.subjectId, ...(note ? { note } : {}) },
          session,
        });
        const registered = handlers.get(decided.subjectType) ?? [];
        if (registered.length === 0) {
          log.warn({ subjectType: decided.subjectType }, 'a content review was decided but no feature registered onDecision for its subject type');
        }
        for (const handler of registered) {
          await handler(decided.subjectId, decision, { actor, session, reviewId: id, note: note ?? null });
        }
        return decided;
      });
    },
  };
}
