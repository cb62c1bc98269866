/**
 * Content safety: user text that may become public is checked with WeChat's msgSecCheck; text
 * WeChat flags for `review` (or that could not be checked) waits in a human review queue.
 */
import { z } from 'zod';
import { CursorQuerySchema, cursorPageSchema } from './pagination';

/** Where user text will appear, as WeChat's msgSecCheck scenes name it. */
export const CONTENT_SCENES = ['comment', 'forum', 'profile', 'socialLog'] as const;
export type ContentScene = (typeof CONTENT_SCENES)[number];

export const CONTENT_SUGGESTS = ['pass', 'review', 'risky'] as const;
export type ContentSuggest = (typeof CONTENT_SUGGESTS)[number];

/** Who decided: WeChat, the development stand-in (no credentials), or nobody (WeChat unreachable). */
export const CONTENT_CHECKERS = ['wechat', 'dev', 'unavailable'] as const;
export type ContentChecker = (typeof CONTENT_CHECKERS)[number];

export const ContentCheckResultSchema = z.object({
  suggest: z.enum(CONTENT_SUGGESTS),
  label: z.number().int().optional(),
  labelName: z.string().optional(),
  checkedBy: z.enum(CONTENT_CHECKERS),
});
export type ContentCheckResult = z.infer<typeof ContentCheckResultSchema>;

export const CONTENT_REVIEW_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const ContentReviewStatusSchema = z.enum(CONTENT_REVIEW_STATUSES, { error: '无效的审核状态' });
export type ContentReviewStatus = z.infer<typeof ContentReviewStatusSchema>;

export const CONTENT_REVIEW_STATUS_LABELS: Record<ContentReviewStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '未通过',
};

/** Longest excerpt kept with a review item, in characters. */
export const CONTENT_REVIEW_EXCERPT_MAX = 500;

export const ContentReviewQuerySchema = CursorQuerySchema.extend({
  /** Default: the queue of pending items. */
  status: ContentReviewStatusSchema.default('pending'),
  subjectType: z.string().trim().min(1).max(64).optional(),
});
export type ContentReviewQuery = z.infer<typeof ContentReviewQuerySchema>;

export const ContentReviewViewSchema = z.object({
  id: z.string(),
  /** The feature's item type, e.g. `letter`. */
  subjectType: z.string(),
  subjectId: z.string(),
  /** The held text, with personal data (phones, ID numbers, addresses) masked. */
  excerpt: z.string(),
  result: ContentCheckResultSchema,
  status: ContentReviewStatusSchema,
  statusLabel: z.string(),
  decidedBy: z.object({ id: z.string(), username: z.string() }).nullable(),
  decidedAt: z.iso.datetime().nullable(),
  note: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type ContentReviewView = z.infer<typeof ContentReviewViewSchema>;

export const ContentReviewPageSchema = cursorPageSchema(ContentReviewViewSchema);

/** Body of approve/reject (optional). */
export const ContentReviewDecisionSchema = z.object({
  note: z.string().trim().max(200, { message: '备注最多200个字' }).optional(),
});
