/** Review-queue items for the back office, with personal data in the excerpt masked. */
import { CONTENT_REVIEW_STATUS_LABELS, type ContentReviewView } from '../../../../shared/content-reviews';
import { maskFreeText } from '../../lib/masking';
import type { ContentReviewDoc } from './content-review.model';

export function presentContentReview(doc: ContentReviewDoc): ContentReviewView {
  return {
    id: doc._id.toHexString(),
    subjectType: doc.subjectType,
    subjectId: doc.subjectId,
    // Reviewers judge legality, which needs no phone numbers, ID numbers or addresses; masking
    // them keeps the queue from being an unaudited personal-data read.
    excerpt: maskFreeText(doc.excerpt),
    result: {
      suggest: doc.result.suggest,
      ...(doc.result.label === null || doc.result.label === undefined ? {} : { label: doc.result.label }),
      ...(doc.result.labelName ? { labelName: doc.result.labelName } : {}),
      checkedBy: doc.result.checkedBy,
    },
    status: doc.status,
    statusLabel: CONTENT_REVIEW_STATUS_LABELS[doc.status],
    decidedBy: doc.decidedBy ? { id: doc.decidedBy.id, username: doc.decidedBy.username } : null,
    decidedAt: doc.decidedAt ? doc.decidedAt.toISOString() : null,
    note: doc.note ?? null,
    createdAt: doc.createdAt.toISOString(),
  };
}
