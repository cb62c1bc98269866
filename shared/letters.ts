/**
 * Director's mailbox (主任信箱): fields, limits, states and request/response shapes used by both
 * the BFF and the mini-program.
 */
import { z } from 'zod';
import { boundedText, ObjectIdStringSchema, PhoneSchema } from './text';

/** Default limits; the server may tighten them per deployment (see mailbox settings). */
export const LETTER_LIMITS = {
  subjectMin: 5,
  subjectMax: 40,
  contentMin: 10,
  contentMax: 2000,
  contactNameMax: 20,
  attachmentsMax: 9,
  reasonMin: 2,
  reasonMax: 500,
  replyMin: 10,
  replyMax: 5000,
  followUpMin: 10,
  followUpMax: 1000,
} as const;

/**
 * Letter states. `overdue` is never stored: it is derived from the deadlines and the calendar.
 * submitted → accepted | rejected → assigned → drafted → approved → replied → rated
 */
export const LETTER_STATUSES = [
  'submitted',
  'accepted',
  'rejected',
  'assigned',
  'drafted',
  'approved',
  'replied',
  'rated',
] as const;
export const LetterStatusSchema = z.enum(LETTER_STATUSES);
export type LetterStatus = z.infer<typeof LetterStatusSchema>;

/** Chinese labels for the mini-program and exports. */
export const LETTER_STATUS_LABELS: Record<LetterStatus, string> = {
  submitted: '已提交',
  accepted: '已受理',
  rejected: '不予受理',
  assigned: '已转办',
  drafted: '拟办中',
  approved: '已审核',
  replied: '已答复',
  rated: '已评价',
};

/** States in which the letter is still being handled (and can therefore be overdue). */
export const OPEN_LETTER_STATUSES: readonly LetterStatus[] = ['submitted', 'accepted', 'assigned', 'drafted', 'approved'];

export const LetterCreateSchema = z.object({
  category: z.string().trim().min(1, { message: '请选择信件类别' }).max(32),
  subject: boundedText('标题', LETTER_LIMITS.subjectMin, LETTER_LIMITS.subjectMax),
  content: boundedText('内容', LETTER_LIMITS.contentMin, LETTER_LIMITS.contentMax),
  contactName: boundedText('联系人姓名', 1, LETTER_LIMITS.contactNameMax).optional(),
  contactPhone: PhoneSchema.optional(),
  publicConsent: z.boolean({ error: '请选择是否同意公开' }),
  attachmentIds: z.array(ObjectIdStringSchema).max(LETTER_LIMITS.attachmentsMax, { message: `附件最多${LETTER_LIMITS.attachmentsMax}个` }).optional(),
});
export type LetterCreate = z.infer<typeof LetterCreateSchema>;

/** 1 = very dissatisfied … 5 = very satisfied. */
export const LetterRatingSchema = z.object({
  score: z.number().int().min(1, { message: '请评分' }).max(5, { message: '评分为1至5分' }),
  comment: boundedText('评价', 0, 200).optional(),
});

export const LetterFollowUpSchema = z.object({
  content: boundedText('追问内容', LETTER_LIMITS.followUpMin, LETTER_LIMITS.followUpMax),
});

export const LetterReasonSchema = z.object({
  reason: boundedText('理由', LETTER_LIMITS.reasonMin, LETTER_LIMITS.reasonMax),
});

export const LetterAssignSchema = z.object({ departmentId: ObjectIdStringSchema });

export const LetterDraftSchema = z.object({
  reply: boundedText('答复内容', LETTER_LIMITS.replyMin, LETTER_LIMITS.replyMax),
});

/** A working-day deadline with how it was computed, as the citizen is shown it. */
export const DeadlineViewSchema = z.object({
  dueAt: z.string(),
  workingDays: z.number().int(),
  startDate: z.string(),
  dueDate: z.string(),
  basis: z.enum(['chinese-days', 'override', 'weekends-only']),
  explanation: z.string(),
});
export type DeadlineView = z.infer<typeof DeadlineViewSchema>;
