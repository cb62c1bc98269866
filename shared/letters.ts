/**
 * Director's mailbox (主任信箱): fields, limits, states and request/response shapes used by both
 * the BFF and the mini-program.
 */
import { z } from 'zod';
import { DeadlineViewSchema, type DeadlineView } from './deadlines';
import { CursorQuerySchema, cursorPageSchema } from './pagination';
import { boundedText, charCount, ObjectIdStringSchema, PhoneSchema } from './text';

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
  searchMax: 50,
  /** Internal notes (staff only): length of one, and how many a letter keeps. */
  noteMax: 1000,
  notesMax: 200,
  /** An extension (延期) adds at most this many working days to a reply deadline, once per reply round. */
  extensionDaysMax: 20,
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

/** A handler's request for more working days to reply (延期). */
export const LetterExtensionRequestSchema = z.object({
  workingDays: z.coerce
    .number({ error: '请填写延期的工作日数' })
    .int({ message: '延期天数应为整数' })
    .min(1, { message: '延期至少1个工作日' })
    .max(LETTER_LIMITS.extensionDaysMax, { message: `延期最多${LETTER_LIMITS.extensionDaysMax}个工作日` }),
  reason: boundedText('延期理由', LETTER_LIMITS.reasonMin, LETTER_LIMITS.reasonMax),
});

/** An internal note on a letter: staff only, never shown to the writer or the public. */
export const LetterNoteCreateSchema = z.object({
  text: boundedText('备注', 1, LETTER_LIMITS.noteMax),
});

export const LetterDraftSchema = z.object({
  reply: boundedText('答复内容', LETTER_LIMITS.replyMin, LETTER_LIMITS.replyMax),
});

export { DeadlineViewSchema, type DeadlineView };

// ---------------------------------------------------------------------------------------------
// Settings (per deployment, stored by the BFF and edited by admins)
// ---------------------------------------------------------------------------------------------

/** Default acceptance and reply windows in working days (DOMAIN.md: mailbox). */
export const DEFAULT_ACCEPT_DAYS = 2;
export const DEFAULT_REPLY_DAYS = 15;

/** Bounds for the configurable numbers; the text limits may only tighten {@link LETTER_LIMITS}. */
export const LETTER_SETTINGS_BOUNDS = {
  categoriesMax: 20,
  categoryNameMax: 10,
  acceptDaysMax: 30,
  replyDaysMax: 60,
  duplicateWindowMinutesMax: 1440,
  submissionsPerDayMax: 100,
} as const;

/** A letter category (信件类别) with its deadlines in working days. */
export const LetterCategorySchema = z
  .object({
    key: z
      .string({ error: '请填写类别代码' })
      .trim()
      .regex(/^[a-z][a-z0-9_-]{0,31}$/, { message: '类别代码只能包含小写字母、数字、下划线和连字符，并以字母开头' }),
    name: boundedText('类别名称', 1, LETTER_SETTINGS_BOUNDS.categoryNameMax),
    acceptDays: z
      .number({ error: '请填写受理期限' })
      .int({ message: '受理期限应为整数个工作日' })
      .min(1, { message: '受理期限至少1个工作日' })
      .max(LETTER_SETTINGS_BOUNDS.acceptDaysMax, { message: `受理期限最多${LETTER_SETTINGS_BOUNDS.acceptDaysMax}个工作日` }),
    replyDays: z
      .number({ error: '请填写答复期限' })
      .int({ message: '答复期限应为整数个工作日' })
      .min(1, { message: '答复期限至少1个工作日' })
      .max(LETTER_SETTINGS_BOUNDS.replyDaysMax, { message: `答复期限最多${LETTER_SETTINGS_BOUNDS.replyDaysMax}个工作日` }),
  })
  .refine((c) => c.acceptDays <= c.replyDays, { message: '答复期限不能短于受理期限', path: ['replyDays'] });
export type LetterCategory = z.infer<typeof LetterCategorySchema>;

/** Text limits in force; each lies within {@link LETTER_LIMITS}. */
export const LetterTextLimitsSchema = z
  .object({
    subjectMin: z.number().int().min(LETTER_LIMITS.subjectMin, { message: `标题字数下限不能小于${LETTER_LIMITS.subjectMin}` }).max(LETTER_LIMITS.subjectMax),
    subjectMax: z.number().int().min(LETTER_LIMITS.subjectMin).max(LETTER_LIMITS.subjectMax, { message: `标题字数上限不能大于${LETTER_LIMITS.subjectMax}` }),
    contentMin: z.number().int().min(LETTER_LIMITS.contentMin, { message: `内容字数下限不能小于${LETTER_LIMITS.contentMin}` }).max(LETTER_LIMITS.contentMax),
    contentMax: z.number().int().min(LETTER_LIMITS.contentMin).max(LETTER_LIMITS.contentMax, { message: `内容字数上限不能大于${LETTER_LIMITS.contentMax}` }),
  })
  .refine((l) => l.subjectMin <= l.subjectMax, { message: '标题字数下限不能大于上限', path: ['subjectMax'] })
  .refine((l) => l.contentMin <= l.contentMax, { message: '内容字数下限不能大于上限', path: ['contentMax'] });
export type LetterTextLimits = z.infer<typeof LetterTextLimitsSchema>;

/** Mailbox settings (`PUT /api/admin/letters/settings` replaces them whole). */
export const LetterSettingsSchema = z.object({
  categories: z
    .array(LetterCategorySchema)
    .min(1, { message: '至少保留一个信件类别' })
    .max(LETTER_SETTINGS_BOUNDS.categoriesMax, { message: `信件类别最多${LETTER_SETTINGS_BOUNDS.categoriesMax}个` })
    .refine((cs) => new Set(cs.map((c) => c.key)).size === cs.length, { message: '类别代码不能重复' })
    .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, { message: '类别名称不能重复' }),
  limits: LetterTextLimitsSchema,
  /** A repeated identical submission within this many minutes returns the first letter; 0 turns it off. */
  duplicateWindowMinutes: z
    .number({ error: '请填写重复提交判定时间' })
    .int()
    .min(0)
    .max(LETTER_SETTINGS_BOUNDS.duplicateWindowMinutesMax, { message: `重复提交判定时间最多${LETTER_SETTINGS_BOUNDS.duplicateWindowMinutesMax}分钟` }),
  /** Letters created per citizen per 24-hour window (a fixed window, shared by every instance). */
  submissionsPerDay: z
    .number({ error: '请填写每日提交上限' })
    .int()
    .min(1, { message: '每日提交上限至少为1' })
    .max(LETTER_SETTINGS_BOUNDS.submissionsPerDayMax, { message: `每日提交上限最多${LETTER_SETTINGS_BOUNDS.submissionsPerDayMax}` }),
  /** Whether replied letters whose writers consented are listed publicly. */
  publicListing: z.boolean({ error: '请选择是否公开答复' }),
});
export type LetterSettings = z.infer<typeof LetterSettingsSchema>;

/** The settings a new deployment starts with. */
export const DEFAULT_LETTER_SETTINGS: LetterSettings = {
  categories: [
    { key: 'consult', name: '咨询', acceptDays: DEFAULT_ACCEPT_DAYS, replyDays: DEFAULT_REPLY_DAYS },
    { key: 'suggest', name: '建议', acceptDays: DEFAULT_ACCEPT_DAYS, replyDays: DEFAULT_REPLY_DAYS },
    { key: 'complain', name: '投诉', acceptDays: DEFAULT_ACCEPT_DAYS, replyDays: DEFAULT_REPLY_DAYS },
    { key: 'help', name: '求助', acceptDays: DEFAULT_ACCEPT_DAYS, replyDays: DEFAULT_REPLY_DAYS },
    { key: 'other', name: '其他', acceptDays: DEFAULT_ACCEPT_DAYS, replyDays: DEFAULT_REPLY_DAYS },
  ],
  limits: {
    subjectMin: LETTER_LIMITS.subjectMin,
    subjectMax: LETTER_LIMITS.subjectMax,
    contentMin: LETTER_LIMITS.contentMin,
    contentMax: LETTER_LIMITS.contentMax,
  },
  duplicateWindowMinutes: 10,
  submissionsPerDay: 10,
  publicListing: true,
};

export const LetterSettingsViewSchema = LetterSettingsSchema.extend({
  /** Null until an admin first saves the settings (the defaults apply). */
  updatedAt: z.iso.datetime().nullable(),
});
export type LetterSettingsView = z.infer<typeof LetterSettingsViewSchema>;

/**
 * The rules a submission must meet under the settings in force, beyond {@link LetterCreateSchema}:
 * a configured category and the (possibly tightened) text limits. Every issue is reported. The
 * mini-program can run the same check with the categories response.
 */
export function letterSubmissionIssues(
  input: Pick<LetterCreate, 'category' | 'subject' | 'content'>,
  rules: { categories: readonly Pick<LetterCategory, 'key'>[]; limits: LetterTextLimits },
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (!rules.categories.some((c) => c.key === input.category)) issues.push({ path: 'category', message: '请选择有效的信件类别' });
  const check = (path: 'subject' | 'content', label: string, min: number, max: number) => {
    const n = charCount(input[path]);
    if (n < min) issues.push({ path, message: `${label}至少${min}个字` });
    else if (n > max) issues.push({ path, message: `${label}最多${max}个字` });
  };
  check('subject', '标题', rules.limits.subjectMin, rules.limits.subjectMax);
  check('content', '内容', rules.limits.contentMin, rules.limits.contentMax);
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** `?true|false` as query strings arrive. */
const BooleanQuerySchema = z.enum(['true', 'false'], { error: '只能是 true 或 false' }).transform((v) => v === 'true');

export const LetterMineQuerySchema = CursorQuerySchema;
export type LetterMineQuery = z.infer<typeof LetterMineQuerySchema>;

/** Search text: user input, matched literally (never as a pattern). */
const SearchTextSchema = z
  .string()
  .trim()
  .min(1, { message: '请输入搜索内容' })
  .max(LETTER_LIMITS.searchMax, { message: `搜索内容最多${LETTER_LIMITS.searchMax}个字` });

export const LetterPublicQuerySchema = CursorQuerySchema.extend({
  category: z.string().trim().min(1).max(32).optional(),
  q: SearchTextSchema.optional(),
});
export type LetterPublicQuery = z.infer<typeof LetterPublicQuerySchema>;

/** Orders of the staff letter list (`?sort=`). */
const LETTER_ADMIN_SORTS = ['submittedAt', 'dueAt'] as const;

export const LetterAdminListQuerySchema = CursorQuerySchema.extend({
  status: LetterStatusSchema.optional(),
  departmentId: ObjectIdStringSchema.optional(),
  category: z.string().trim().min(1).max(32).optional(),
  /** Open letters past (`true`) or within (`false`) the current step's deadline. */
  overdue: BooleanQuerySchema.optional(),
  /** Open letters with at most this many working days left in the current step (overdue ones included). */
  dueWithin: z.coerce.number({ error: '应为整数' }).int({ message: '应为整数' }).min(0, { message: '不能小于0' }).max(60, { message: '不能大于60' }).optional(),
  q: SearchTextSchema.optional(),
  /** `pending`: replied letters meant to be public whose public version awaits the office's confirmation. */
  publicVersion: z.enum(['pending'], { error: '只能是 pending' }).optional(),
  /**
   * `submittedAt` (default): newest first. `dueAt`: the queue by deadline — open letters by the due
   * date of their current step, earliest first, then closed letters (no deadline) newest first.
   */
  sort: z.enum(LETTER_ADMIN_SORTS, { error: '只能是 submittedAt 或 dueAt' }).default('submittedAt'),
});
export type LetterAdminListQuery = z.infer<typeof LetterAdminListQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

/** What happened to a letter, in the order it can happen. */
export const LETTER_EVENT_TYPES = [
  'submitted',
  'accepted',
  'rejected',
  'assigned',
  'reassigned',
  'drafted',
  'returned',
  'approved',
  'replied',
  'rated',
  'follow_up',
  /** A handler sent a mis-assigned letter back to the office (the reason is internal). */
  'returned_to_office',
  /** 延期: asked by the handler (internal), granted (the writer sees the reason), refused (internal). */
  'extension_requested',
  'extended',
  'extension_refused',
] as const;
export const LetterEventTypeSchema = z.enum(LETTER_EVENT_TYPES);
export type LetterEventType = z.infer<typeof LetterEventTypeSchema>;

export const LETTER_EVENT_LABELS: Record<LetterEventType, string> = {
  submitted: '提交信件',
  accepted: '受理',
  rejected: '不予受理',
  assigned: '转办',
  reassigned: '改派承办部门',
  drafted: '拟写答复',
  returned: '退回修改',
  approved: '审核通过',
  replied: '答复',
  rated: '评价',
  follow_up: '追问',
  returned_to_office: '退回办公室',
  extension_requested: '申请延期',
  extended: '延期答复',
  extension_refused: '不同意延期',
};

/** Who acted, as citizens are shown it: never a staff member's name. */
export const LETTER_WRITER_LABEL = '来信人';

/** One step of the timeline as the writer sees it. */
export const LetterTimelineEntryViewSchema = z.object({
  type: LetterEventTypeSchema,
  label: z.string(),
  at: z.iso.datetime(),
  /** Status after the step. */
  status: LetterStatusSchema,
  statusLabel: z.string(),
  /** Who acted: a department's name, 办公室, 分管领导, or 来信人. */
  by: z.string(),
  /** The department the step concerns (the handling department, or the one assigned). */
  departmentName: z.string().nullable(),
  /** Reason of a rejection, text of a follow-up, comment of a rating; internal notes are omitted. */
  note: z.string().nullable(),
});
export type LetterTimelineEntryView = z.infer<typeof LetterTimelineEntryViewSchema>;

/** A step as staff see it: with the acting account's role and id, and internal notes. */
export const LetterAdminTimelineEntryViewSchema = LetterTimelineEntryViewSchema.extend({
  actorRole: z.string().nullable(),
  actorId: z.string().nullable(),
});
export type LetterAdminTimelineEntryView = z.infer<typeof LetterAdminTimelineEntryViewSchema>;

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

export const LetterAttachmentViewSchema = z.object({
  id: z.string(),
  contentType: z.string(),
  size: z.number(),
  filename: z.string(),
});

export const LetterDeadlinesViewSchema = z.object({ accept: DeadlineViewSchema, reply: DeadlineViewSchema });

/** Answer of `POST /api/letters` (201 new, 200 a repeat of an earlier submission). */
export const LetterCreatedSchema = z.object({
  id: z.string(),
  trackingNo: z.string(),
  status: LetterStatusSchema,
  statusLabel: z.string(),
  acceptDueAt: z.iso.datetime(),
  replyDueAt: z.iso.datetime(),
  deadlines: LetterDeadlinesViewSchema,
});
export type LetterCreated = z.infer<typeof LetterCreatedSchema>;

/** A row of "my letters". */
export const LetterMineItemSchema = z.object({
  id: z.string(),
  trackingNo: z.string(),
  category: z.string(),
  categoryName: z.string(),
  subject: z.string(),
  status: LetterStatusSchema,
  statusLabel: z.string(),
  /** Derived at request time from the current step's deadline; never stored. */
  overdue: z.boolean(),
  submittedAt: z.iso.datetime(),
  /** Deadline of the current step while the letter is open, else null. */
  currentDueAt: z.iso.datetime().nullable(),
  repliedAt: z.iso.datetime().nullable(),
});
export const LetterMinePageSchema = cursorPageSchema(LetterMineItemSchema);

export const LetterReplyViewSchema = z.object({
  round: z.number().int(),
  content: z.string(),
  departmentName: z.string().nullable(),
  sentAt: z.iso.datetime(),
});
export type LetterReplyView = z.infer<typeof LetterReplyViewSchema>;

export const LetterRatingViewSchema = z.object({
  round: z.number().int(),
  score: z.number().int(),
  comment: z.string().nullable(),
  at: z.iso.datetime(),
});

export const LetterFollowUpViewSchema = z.object({ content: z.string(), at: z.iso.datetime() });

/** Whether the letter appears in the public list, as its writer is told. */
export const LETTER_PUBLIC_STATES = ['not_requested', 'pending_review', 'listed_when_replied', 'not_public'] as const;

/** A letter as its writer sees it (`GET /api/letters/:id`). */
export const LetterCitizenViewSchema = z.object({
  id: z.string(),
  trackingNo: z.string(),
  category: z.string(),
  categoryName: z.string(),
  subject: z.string(),
  content: z.string(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  publicConsent: z.boolean(),
  publicState: z.enum(LETTER_PUBLIC_STATES),
  status: LetterStatusSchema,
  statusLabel: z.string(),
  overdue: z.boolean(),
  submittedAt: z.iso.datetime(),
  deadlines: LetterDeadlinesViewSchema,
  /** Deadline of the current step (acceptance, then reply) while open, recomputed if the calendar changed. */
  currentDeadline: DeadlineViewSchema.nullable(),
  departmentName: z.string().nullable(),
  rejectReason: z.string().nullable(),
  /** The latest reply, and every reply in order (a follow-up adds a second). */
  reply: LetterReplyViewSchema.nullable(),
  replies: z.array(LetterReplyViewSchema),
  rating: LetterRatingViewSchema.nullable(),
  followUp: LetterFollowUpViewSchema.nullable(),
  canRate: z.boolean(),
  canFollowUp: z.boolean(),
  timeline: z.array(LetterTimelineEntryViewSchema),
  attachments: z.array(LetterAttachmentViewSchema),
  /** Granted extensions (延期) of the reply deadline: by how much, why, and the dates before and after. */
  extensions: z
    .array(
      z.object({
        round: z.number().int(),
        workingDays: z.number().int(),
        reason: z.string(),
        grantedAt: z.iso.datetime(),
        previousDueDate: z.string(),
        newDueDate: z.string(),
      }),
    )
    .default([]),
});
export type LetterCitizenView = z.infer<typeof LetterCitizenViewSchema>;

/** A replied letter in the public list: personal data masked, no contact fields or people's ids. */
export const LetterPublicViewSchema = z.object({
  id: z.string(),
  trackingNo: z.string(),
  category: z.string(),
  categoryName: z.string(),
  subject: z.string(),
  content: z.string(),
  departmentName: z.string().nullable(),
  submittedAt: z.iso.datetime(),
  repliedAt: z.iso.datetime(),
  replies: z.array(LetterReplyViewSchema),
  followUp: LetterFollowUpViewSchema.nullable(),
});
export type LetterPublicView = z.infer<typeof LetterPublicViewSchema>;
export const LetterPublicPageSchema = cursorPageSchema(LetterPublicViewSchema);

/** `GET /api/letters/categories`: what the submission form needs. */
export const LetterCategoriesResponseSchema = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      acceptDays: z.number().int(),
      replyDays: z.number().int(),
      /** E.g. "2个工作日内受理，15个工作日内答复（法定节假日顺延）". */
      description: z.string(),
    }),
  ),
  limits: z.object({
    subjectMin: z.number().int(),
    subjectMax: z.number().int(),
    contentMin: z.number().int(),
    contentMax: z.number().int(),
    contactNameMax: z.number().int(),
    attachmentsMax: z.number().int(),
  }),
  publicListing: z.boolean(),
});

/** The current step's deadline for staff lists: working days left are counted at request time. */
export const LetterCurrentDeadlineViewSchema = z.object({
  step: z.enum(['accept', 'reply']),
  dueAt: z.iso.datetime(),
  dueDate: z.string(),
  /** > 0 working days left (the due day included), 0 due today, < 0 overdue by that many. */
  workingDaysLeft: z.number().int(),
});

/**
 * Where a letter's public version stands: `not_confirmed` (never confirmed: not listed),
 * `confirmed` (listed with these texts), `outdated` (confirmed before a later reply was sent: the
 * confirmed texts stay listed, the new reply shows only once confirmed again).
 */
export const LETTER_PUBLIC_VERSION_STATES = ['not_confirmed', 'confirmed', 'outdated'] as const;
export type LetterPublicVersionState = (typeof LETTER_PUBLIC_VERSION_STATES)[number];

/** A row of the staff list. */
export const LetterAdminRowSchema = z.object({
  id: z.string(),
  trackingNo: z.string(),
  category: z.string(),
  categoryName: z.string(),
  subject: z.string(),
  status: LetterStatusSchema,
  statusLabel: z.string(),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
  submittedAt: z.iso.datetime(),
  currentDeadline: LetterCurrentDeadlineViewSchema.nullable(),
  overdue: z.boolean(),
  publicConsent: z.boolean(),
  followUp: z.boolean(),
  /** 公开前审核 of replied letters meant to be public; null for the others. */
  publicVersionState: z.enum(LETTER_PUBLIC_VERSION_STATES).nullable(),
});
export type LetterAdminRow = z.infer<typeof LetterAdminRowSchema>;
export const LetterAdminPageSchema = cursorPageSchema(LetterAdminRowSchema).extend({
  total: z.number().int().min(0).meta({ description: 'How many letters match the filters (all pages; the cursor and limit aside).' }),
});

/** The review state of the letter's public text (content safety). */
export const LETTER_PUBLIC_REVIEW_STATES = ['not_requested', 'not_needed', 'pending', 'approved', 'rejected'] as const;
export type LetterPublicReview = (typeof LETTER_PUBLIC_REVIEW_STATES)[number];

/** An internal note as staff see it: who wrote it (account and role) and when. */
export const LetterNoteViewSchema = z.object({
  id: z.string(),
  text: z.string(),
  at: z.iso.datetime(),
  by: z.object({ id: z.string(), username: z.string(), role: z.string(), roleLabel: z.string(), departmentName: z.string().nullable() }),
});
export type LetterNoteView = z.infer<typeof LetterNoteViewSchema>;

/** A letter as staff see it, personal data included (reading it is audited). */
export const LetterAdminViewSchema = LetterAdminRowSchema.extend({
  content: z.string(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  publicReview: z.enum(LETTER_PUBLIC_REVIEW_STATES),
  deadlines: LetterDeadlinesViewSchema,
  rejectReason: z.string().nullable(),
  draft: z
    .object({ content: z.string(), departmentName: z.string().nullable(), draftedAt: z.iso.datetime() })
    .nullable(),
  replies: z.array(LetterReplyViewSchema),
  ratings: z.array(LetterRatingViewSchema),
  followUpDetail: LetterFollowUpViewSchema.nullable(),
  timeline: z.array(LetterAdminTimelineEntryViewSchema),
  attachments: z.array(LetterAttachmentViewSchema),
  /** Internal notes, oldest first: staff who may see the letter only, never the writer or the public. */
  notes: z.array(LetterNoteViewSchema),
  /** Extension requests (延期), oldest first, whatever their outcome. */
  extensions: z
    .array(
      z.object({
        round: z.number().int(),
        workingDays: z.number().int(),
        reason: z.string(),
        status: z.enum(['pending', 'granted', 'refused']),
        requestedAt: z.iso.datetime(),
        requestedBy: z.object({ id: z.string(), username: z.string() }),
        decidedAt: z.iso.datetime().nullable(),
        decidedBy: z.object({ id: z.string(), username: z.string() }).nullable(),
        refuseReason: z.string().nullable(),
        previousDueDate: z.string().nullable(),
        newDueDate: z.string().nullable(),
      }),
    )
    .default([]),
});
export type LetterAdminView = z.infer<typeof LetterAdminViewSchema>;

// ---------------------------------------------------------------------------------------------
// Public version (公开前审核): what the public list shows, confirmed by the office
// ---------------------------------------------------------------------------------------------

/**
 * Limits of the public texts. Masking may lengthen a text a little (an e-mail user part becomes
 * `x***`), so they are looser than the submission limits.
 */
const LETTER_PUBLIC_VERSION_LIMITS = {
  subjectMax: LETTER_LIMITS.subjectMax * 2,
  contentMax: LETTER_LIMITS.contentMax * 2,
  replyMax: LETTER_LIMITS.replyMax * 2,
  followUpMax: LETTER_LIMITS.followUpMax * 2,
} as const;

/** The public text of a follow-up and of the reply answering it (letters with a second round). */
const LetterPublicFollowUpTextsSchema = z.object({
  content: boundedText('公开的追问内容', 1, LETTER_PUBLIC_VERSION_LIMITS.followUpMax),
  reply: boundedText('公开的追问答复', 1, LETTER_PUBLIC_VERSION_LIMITS.replyMax),
});

/**
 * `POST /api/admin/letters/:id/public-version`: the texts the public will see, as proposed or
 * edited by the office. `followUp` is required exactly when the letter has a follow-up (and so a
 * second reply); the service checks that against the letter.
 */
export const LetterPublicVersionInputSchema = z.object({
  subject: boundedText('公开标题', 1, LETTER_PUBLIC_VERSION_LIMITS.subjectMax),
  content: boundedText('公开内容', 1, LETTER_PUBLIC_VERSION_LIMITS.contentMax),
  reply: boundedText('公开答复', 1, LETTER_PUBLIC_VERSION_LIMITS.replyMax),
  followUp: LetterPublicFollowUpTextsSchema.nullable().optional(),
});
export type LetterPublicVersionInput = z.infer<typeof LetterPublicVersionInputSchema>;

const PublicTextsViewSchema = z.object({
  subject: z.string(),
  content: z.string(),
  reply: z.string(),
  followUp: z.object({ content: z.string(), reply: z.string() }).nullable(),
});

/**
 * `GET|POST /api/admin/letters/:id/public-version`: the public texts (the confirmed ones, else the
 * masked proposal; for an outdated version the confirmed texts plus a proposal for the new round)
 * beside the originals, and who confirmed them when.
 */
export const LetterPublicVersionViewSchema = PublicTextsViewSchema.extend({
  letterId: z.string(),
  trackingNo: z.string(),
  state: z.enum(LETTER_PUBLIC_VERSION_STATES),
  /** The stored texts, personal data included (reading them is audited). */
  original: PublicTextsViewSchema,
  confirmedAt: z.iso.datetime().nullable(),
  confirmedBy: z.object({ id: z.string(), username: z.string() }).nullable(),
  /** Whether the letter is in the public list right now (consent, content review, settings and a confirmed version). */
  listed: z.boolean(),
});
export type LetterPublicVersionView = z.infer<typeof LetterPublicVersionViewSchema>;
