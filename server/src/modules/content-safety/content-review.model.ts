/**
 * Items held for human review (collection `content_reviews`): user text WeChat's msgSecCheck
 * answered `review` for, or that could not be checked. One pending item per subject at a time.
 */
import { Schema, type Types } from 'mongoose';
import type { ContentChecker, ContentReviewStatus, ContentSuggest } from '../../../../shared/content-reviews';

export interface ContentCheckResultDoc {
  suggest: ContentSuggest;
  label: number | null;
  labelName: string | null;
  checkedBy: ContentChecker;
}

export interface ContentReviewDoc {
  _id: Types.ObjectId;
  /** The feature's item type, e.g. `letter`. */
  subjectType: string;
  subjectId: string;
  /** The text as held (≤ 500 characters); shown to reviewers with personal data masked. */
  excerpt: string;
  result: ContentCheckResultDoc;
  status: ContentReviewStatus;
  /** Absent while pending (the embedded engine cannot `$set` an object over a null). */
  decidedBy?: { id: string; username: string };
  decidedAt: Date | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const contentReviewSchema = new Schema<ContentReviewDoc>(
  {
    subjectType: { type: String, required: true },
    subjectId: { type: String, required: true },
    excerpt: { type: String, default: '' },
    result: {
      suggest: { type: String, required: true, enum: ['pass', 'review', 'risky'] },
      label: { type: Number, default: null },
      labelName: { type: String, default: null },
      checkedBy: { type: String, required: true, enum: ['wechat', 'dev', 'unavailable'] },
    },
    status: { type: String, required: true, enum: ['pending', 'approved', 'rejected'] },
    decidedBy: { type: new Schema({ id: String, username: String }, { _id: false }) },
    decidedAt: { type: Date, default: null },
    note: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'content_reviews', autoIndex: false, versionKey: false },
);
contentReviewSchema.index({ status: 1, createdAt: -1, _id: -1 });
contentReviewSchema.index({ subjectType: 1, subjectId: 1, status: 1 });
