/**
 * Reply templates (常用语): reusable reply texts the office keeps for handlers drafting replies
 * to letters. A template may be meant for one letter category or for every category.
 */
import { z } from 'zod';
import { LETTER_LIMITS } from './letters';
import { boundedText } from './text';

export const REPLY_TEMPLATE_LIMITS = { titleMin: 2, titleMax: 40, textMin: 2, textMax: LETTER_LIMITS.replyMax, categoryMax: 32 } as const;

/** A letter category key (see the mailbox settings), or null for every category. */
const TemplateCategorySchema = z.string().trim().min(1, { message: '请选择信件类别' }).max(REPLY_TEMPLATE_LIMITS.categoryMax).nullable();

export const ReplyTemplateCreateSchema = z.object({
  title: boundedText('标题', REPLY_TEMPLATE_LIMITS.titleMin, REPLY_TEMPLATE_LIMITS.titleMax),
  text: boundedText('常用语内容', REPLY_TEMPLATE_LIMITS.textMin, REPLY_TEMPLATE_LIMITS.textMax),
  /** Omitted or null: offered for every category. */
  category: TemplateCategorySchema.optional(),
});
export type ReplyTemplateCreate = z.infer<typeof ReplyTemplateCreateSchema>;

export const ReplyTemplateUpdateSchema = z
  .object({
    title: boundedText('标题', REPLY_TEMPLATE_LIMITS.titleMin, REPLY_TEMPLATE_LIMITS.titleMax).optional(),
    text: boundedText('常用语内容', REPLY_TEMPLATE_LIMITS.textMin, REPLY_TEMPLATE_LIMITS.textMax).optional(),
    category: TemplateCategorySchema.optional(),
  })
  .refine((s) => s.title !== undefined || s.text !== undefined || s.category !== undefined, { message: '没有需要修改的内容' });
export type ReplyTemplateUpdate = z.infer<typeof ReplyTemplateUpdateSchema>;

export const ReplyTemplateListQuerySchema = z.object({
  /** Templates for this letter category and those for every category. */
  category: z.string().trim().min(1).max(REPLY_TEMPLATE_LIMITS.categoryMax).optional(),
});
export type ReplyTemplateListQuery = z.infer<typeof ReplyTemplateListQuerySchema>;

export const ReplyTemplateViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  /** The letter category it is meant for; null: every category. */
  category: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The staff account that last saved it. */
  updatedBy: z.object({ id: z.string(), username: z.string() }),
});
export type ReplyTemplateView = z.infer<typeof ReplyTemplateViewSchema>;

export const ReplyTemplateListResponseSchema = z.object({ items: z.array(ReplyTemplateViewSchema) });
