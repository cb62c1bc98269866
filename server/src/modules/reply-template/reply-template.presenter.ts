/** Reply templates as staff see them. */
import type { ReplyTemplateView } from '../../../../shared/reply-templates';
import type { ReplyTemplateDoc } from './reply-template.model';

export function presentReplyTemplate(doc: ReplyTemplateDoc): ReplyTemplateView {
  return {
    id: doc._id.toHexString(),
    title: doc.title,
    text: doc.text,
    category: doc.category,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    updatedBy: { id: doc.updatedBy, username: doc.updatedByUsername },
  };
}
