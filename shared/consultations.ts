/**
 * Opinion collection (意见征集): consultations with survey questions, one response per citizen,
 * and the adoption report (采纳情况). Fields, limits, states and request/response shapes shared by
 * the BFF and the mini-program.
 *
 * The answer validator is built FROM a consultation's question list ({@link buildAnswersSchema}),
 * so the mini-program's form and the server check a response with the very same rules and
 * Chinese messages. Issues are keyed by question (`answers.<questionId>`), so a form can show
 * each message under its question.
 */
import { z } from 'zod';
import { CursorQuerySchema, cursorPageSchema } from './pagination';
import { boundedText, charCount, ObjectIdStringSchema } from './text';

/** Field limits. */
export const CONSULTATION_LIMITS = {
  titleMin: 5,
  titleMax: 100,
  summaryMax: 500,
  /** Sanitized rich text (HTML) of the draft (征求意见稿). */
  draftHtmlMax: 200_000,
  /** Sanitized rich text (HTML) of the drafting notes and basis (起草说明/依据). */
  basisHtmlMax: 100_000,
  attachmentsMax: 10,
  questionsMax: 50,
  questionTitleMax: 200,
  optionsMin: 2,
  optionsMax: 30,
  optionMax: 100,
  /** Upper bound for a text question's `maxLength`. */
  textAnswerMax: 2000,
  reasonMin: 2,
  reasonMax: 500,
  feedbackSummaryMin: 10,
  feedbackSummaryMax: 5000,
  mergeMax: 200,
} as const;

/** Rating questions are answered 1 (lowest) … 5 (highest). */
export const RATING_MIN = 1;
export const RATING_MAX = 5;

// ---------------------------------------------------------------------------------------------
// States and rules
// ---------------------------------------------------------------------------------------------

/** Stored states: draft → open → closed → feedback_published. */
export const CONSULTATION_STATUSES = ['draft', 'open', 'closed', 'feedback_published'] as const;
export const ConsultationStatusSchema = z.enum(CONSULTATION_STATUSES);
export type ConsultationStatus = z.infer<typeof ConsultationStatusSchema>;

/**
 * What a reader sees, derived from the stored status and the clock: an `open` consultation is
 * `upcoming` before `startAt` and `closed` from `endAt` on, even before the auto-close task has
 * stored the change.
 */
export const CONSULTATION_PHASES = ['draft', 'upcoming', 'open', 'closed', 'feedback_published'] as const;
export const ConsultationPhaseSchema = z.enum(CONSULTATION_PHASES);
export type ConsultationPhase = z.infer<typeof ConsultationPhaseSchema>;

export const CONSULTATION_PHASE_LABELS: Record<ConsultationPhase, string> = {
  draft: '草稿',
  upcoming: '未开始',
  open: '征集中',
  closed: '已结束',
  feedback_published: '已公布采纳情况',
};

/**
 * Minimum consultation length (DOMAIN.md): `days30` ≥ 30 days (regulations, major decisions,
 * 国令第713号), `workdays7` ≥ 7 working days (normative documents), `none` no minimum.
 */
export const MIN_DURATION_RULES = ['days30', 'workdays7', 'none'] as const;
export const MinDurationRuleSchema = z.enum(MIN_DURATION_RULES, { error: '请选择征集期限规则' });
export type MinDurationRule = z.infer<typeof MinDurationRuleSchema>;

export const MIN_DURATION_RULE_LABELS: Record<MinDurationRule, string> = {
  days30: '不少于30日（规章、重大行政决策）',
  workdays7: '不少于7个工作日（行政规范性文件）',
  none: '不限',
};

/** Adoption of one opinion. */
export const OPINION_RESULTS = ['adopted', 'partly_adopted', 'not_adopted'] as const;
export const OpinionResultSchema = z.enum(OPINION_RESULTS, { error: '请选择采纳情况' });
export type OpinionResult = z.infer<typeof OpinionResultSchema>;

export const OPINION_RESULT_LABELS: Record<OpinionResult, string> = {
  adopted: '采纳',
  partly_adopted: '部分采纳',
  not_adopted: '不予采纳',
};

// ---------------------------------------------------------------------------------------------
// Questions
// ---------------------------------------------------------------------------------------------

export const QUESTION_TYPES = ['single', 'multiple', 'text', 'rating'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const QUESTION_TYPE_LABELS: Record<QuestionType, string> = {
  single: '单选题',
  multiple: '多选题',
  text: '意见建议（文字）',
  rating: '评分题（1–5分）',
};

/** A stable question id: kept when the draft is edited, referenced by answers and exports. */
export const QuestionIdSchema = z
  .string({ error: '请填写问题编号' })
  .regex(/^[A-Za-z0-9_-]{1,32}$/, { message: '问题编号只能包含字母、数字、下划线和连字符（最多32个）' });

const questionBase = {
  /** Omit on create to have the server assign one. */
  id: QuestionIdSchema.optional(),
  title: boundedText('问题', 1, CONSULTATION_LIMITS.questionTitleMax),
  required: z.boolean().default(false),
};

const OptionsSchema = z
  .array(boundedText('选项', 1, CONSULTATION_LIMITS.optionMax))
  .min(CONSULTATION_LIMITS.optionsMin, { message: `至少设置${CONSULTATION_LIMITS.optionsMin}个选项` })
  .max(CONSULTATION_LIMITS.optionsMax, { message: `最多设置${CONSULTATION_LIMITS.optionsMax}个选项` })
  .refine((os) => new Set(os).size === os.length, { message: '选项不能重复' });

const SingleQuestionSchema = z.object({ type: z.literal('single'), ...questionBase, options: OptionsSchema });

const MultipleQuestionSchema = z
  .object({
    type: z.literal('multiple'),
    ...questionBase,
    options: OptionsSchema,
    minSelect: z.number().int().min(0).optional(),
    maxSelect: z.number().int().min(1).optional(),
  })
  .superRefine((q, ctx) => {
    const min = q.minSelect ?? 0;
    const max = q.maxSelect ?? q.options.length;
    if (max > q.options.length) ctx.addIssue({ code: 'custom', path: ['maxSelect'], message: '最多可选项数不能超过选项数' });
    if (min > max) ctx.addIssue({ code: 'custom', path: ['minSelect'], message: '最少可选项数不能大于最多可选项数' });
  });

const TextQuestionSchema = z
  .object({
    type: z.literal('text'),
    ...questionBase,
    minLength: z.number().int().min(0).default(0),
    maxLength: z
      .number()
      .int()
      .min(1)
      .max(CONSULTATION_LIMITS.textAnswerMax, { message: `字数上限不能超过${CONSULTATION_LIMITS.textAnswerMax}` })
      .default(500),
  })
  .refine((q) => q.minLength <= q.maxLength, { path: ['minLength'], message: '字数下限不能大于上限' });

const RatingQuestionSchema = z.object({ type: z.literal('rating'), ...questionBase });

/** A question as staff write it. */
export const QuestionInputSchema = z.discriminatedUnion(
  'type',
  [SingleQuestionSchema, MultipleQuestionSchema, TextQuestionSchema, RatingQuestionSchema],
  { error: '请选择题型' },
);
export type QuestionInput = z.input<typeof QuestionInputSchema>;

/** A stored question: every field resolved, the id assigned. */
export type Question =
  | { id: string; type: 'single'; title: string; required: boolean; options: string[] }
  | { id: string; type: 'multiple'; title: string; required: boolean; options: string[]; minSelect: number; maxSelect: number }
  | { id: string; type: 'text'; title: string; required: boolean; minLength: number; maxLength: number }
  | { id: string; type: 'rating'; title: string; required: boolean };

export const QuestionViewSchema = z.discriminatedUnion('type', [
  z.object({ id: z.string(), type: z.literal('single'), title: z.string(), required: z.boolean(), options: z.array(z.string()) }),
  z.object({
    id: z.string(),
    type: z.literal('multiple'),
    title: z.string(),
    required: z.boolean(),
    options: z.array(z.string()),
    minSelect: z.number().int(),
    maxSelect: z.number().int(),
  }),
  z.object({ id: z.string(), type: z.literal('text'), title: z.string(), required: z.boolean(), minLength: z.number().int(), maxLength: z.number().int() }),
  z.object({ id: z.string(), type: z.literal('rating'), title: z.string(), required: z.boolean() }),
]);

const QuestionListSchema = z
  .array(QuestionInputSchema)
  .max(CONSULTATION_LIMITS.questionsMax, { message: `问题最多${CONSULTATION_LIMITS.questionsMax}个` })
  .superRefine((qs, ctx) => {
    const seen = new Set<string>();
    qs.forEach((q, i) => {
      if (q.id === undefined) return;
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: '问题编号不能重复' });
      seen.add(q.id);
    });
  });

// ---------------------------------------------------------------------------------------------
// Answers: the validator built from the question list
// ---------------------------------------------------------------------------------------------

/** An answer as the client sends it: an option (single), options (multiple), text, or 1–5 (rating). */
export const AnswerInputSchema = z.object({
  questionId: z.string({ error: '请指明问题' }).min(1).max(64),
  value: z.union([z.string().max(20_000), z.array(z.string().max(1000)).max(100), z.number()], { error: '答案格式不正确' }),
});
export type AnswerInput = z.infer<typeof AnswerInputSchema>;

/** The body of `POST /api/consultations/:id/responses` before it is checked against the questions. */
export const ResponseSubmitSchema = z.object({
  answers: z.array(AnswerInputSchema).max(CONSULTATION_LIMITS.questionsMax * 2, { message: '答案过多' }),
});
export type ResponseSubmit = z.infer<typeof ResponseSubmitSchema>;

/** A checked answer: text trimmed, options in the question's order; unanswered optional questions are left out. */
export type Answer =
  | { questionId: string; type: 'single'; value: string }
  | { questionId: string; type: 'multiple'; value: string[] }
  | { questionId: string; type: 'text'; value: string }
  | { questionId: string; type: 'rating'; value: number };

/** One problem with one question's answer. */
export interface AnswerIssue {
  questionId: string;
  message: string;
}

/**
 * Checks answers against the questions. Every rule: unknown question ids, a question answered
 * twice, missing required answers (an empty text or an empty selection counts as missing),
 * options not in the list, too few / too many selections, text too short / too long (counted in
 * characters), ratings outside 1–5 or not whole numbers, and values of the wrong type.
 */
export function checkAnswers(questions: readonly Question[], answers: readonly AnswerInput[]): { answers: Answer[]; issues: AnswerIssue[] } {
  const issues: AnswerIssue[] = [];
  const byId = new Map(questions.map((q) => [q.id, q]));
  const given = new Map<string, AnswerInput['value']>();
  for (const a of answers) {
    if (!byId.has(a.questionId)) {
      issues.push({ questionId: a.questionId, message: '问题不存在' });
    } else if (given.has(a.questionId)) {
      issues.push({ questionId: a.questionId, message: '同一问题只能回答一次' });
    } else {
      given.set(a.questionId, a.value);
    }
  }
  const out: Answer[] = [];
  for (const q of questions) {
    const raw = given.get(q.id);
    const fail = (message: string) => issues.push({ questionId: q.id, message });
    const missing = () => {
      if (q.required) fail('此题为必答题');
    };
    if (raw === undefined) {
      missing();
      continue;
    }
    switch (q.type) {
      case 'single': {
        if (typeof raw !== 'string') {
          fail('请选择一个选项');
        } else if (raw === '') {
          missing();
        } else if (!q.options.includes(raw)) {
          fail('所选选项不在列表中');
        } else {
          out.push({ questionId: q.id, type: 'single', value: raw });
        }
        break;
      }
      case 'multiple': {
        if (!Array.isArray(raw)) {
          fail('请选择选项');
          break;
        }
        if (raw.length === 0) {
          // Nothing selected is no answer: an error only when the question is required.
          missing();
          break;
        }
        const unknown = raw.filter((o) => !q.options.includes(o));
        if (unknown.length > 0) {
          fail('所选选项不在列表中');
          break;
        }
        if (new Set(raw).size !== raw.length) {
          fail('选项不能重复选择');
          break;
        }
        if (raw.length < q.minSelect) fail(`至少选择${q.minSelect}项`);
        else if (raw.length > q.maxSelect) fail(`最多选择${q.maxSelect}项`);
        else out.push({ questionId: q.id, type: 'multiple', value: q.options.filter((o) => raw.includes(o)) });
        break;
      }
      case 'text': {
        if (typeof raw !== 'string') {
          fail('请填写文字');
          break;
        }
        const text = raw.trim();
        if (text === '') {
          missing();
          break;
        }
        const n = charCount(text);
        if (n < q.minLength) fail(`至少填写${q.minLength}个字`);
        else if (n > q.maxLength) fail(`最多填写${q.maxLength}个字`);
        else out.push({ questionId: q.id, type: 'text', value: text });
        break;
      }
      case 'rating': {
        if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < RATING_MIN || raw > RATING_MAX) {
          fail(`评分为${RATING_MIN}至${RATING_MAX}分的整数`);
        } else {
          out.push({ questionId: q.id, type: 'rating', value: raw });
        }
        break;
      }
    }
  }
  return { answers: out, issues };
}

/**
 * The answers validator for one consultation: parses the `answers` array and yields the checked
 * {@link Answer}s, or fails with one issue per problem at path `<questionId>` (so
 * `answers.<questionId>` in the response body).
 */
export function buildAnswersSchema(questions: readonly Question[]) {
  return z.array(AnswerInputSchema).transform((raw, ctx): Answer[] => {
    const { answers, issues } = checkAnswers(questions, raw);
    for (const issue of issues) ctx.issues.push({ code: 'custom', message: issue.message, path: [issue.questionId], input: raw });
    return answers;
  });
}

// ---------------------------------------------------------------------------------------------
// Staff: create, edit, decide, publish
// ---------------------------------------------------------------------------------------------

const InstantSchema = z.iso.datetime({ offset: true, message: '请填写正确的时间（ISO 8601，含时区）' });

const consultationFields = {
  title: boundedText('标题', CONSULTATION_LIMITS.titleMin, CONSULTATION_LIMITS.titleMax),
  summary: boundedText('简介', 0, CONSULTATION_LIMITS.summaryMax),
  /** Rich text (HTML); sanitized by the server with the rich-text allowlist. */
  draftHtml: z.string().max(CONSULTATION_LIMITS.draftHtmlMax, { message: '征求意见稿内容过长' }),
  basisHtml: z.string().max(CONSULTATION_LIMITS.basisHtmlMax, { message: '起草说明内容过长' }),
  attachmentIds: z
    .array(ObjectIdStringSchema)
    .max(CONSULTATION_LIMITS.attachmentsMax, { message: `附件最多${CONSULTATION_LIMITS.attachmentsMax}个` }),
  /** Required for `office`; a `handler` always creates for their own department. */
  departmentId: ObjectIdStringSchema,
  startAt: InstantSchema,
  /** Exclusive: responses are accepted while startAt ≤ now < endAt. */
  endAt: InstantSchema,
  questions: QuestionListSchema,
  /** Whether the aggregated results are public after the consultation closes. */
  showResults: z.boolean(),
  minDurationRule: MinDurationRuleSchema,
};

const windowOrder = (c: { startAt?: string; endAt?: string }) =>
  c.startAt === undefined || c.endAt === undefined || Date.parse(c.endAt) > Date.parse(c.startAt);
/** Checked even when other fields have problems (`when`), so every issue is reported at once. */
const WINDOW_ISSUE = {
  path: ['endAt'],
  message: '截止时间必须晚于开始时间',
  when: (payload: { value: unknown }) => {
    const v = payload.value as { startAt?: unknown; endAt?: unknown } | null;
    return typeof v?.startAt === 'string' && typeof v.endAt === 'string' && !Number.isNaN(Date.parse(v.startAt)) && !Number.isNaN(Date.parse(v.endAt));
  },
};

/** `POST /api/admin/consultations`. */
export const ConsultationCreateSchema = z
  .object({
    ...consultationFields,
    summary: consultationFields.summary.default(''),
    basisHtml: consultationFields.basisHtml.default(''),
    attachmentIds: consultationFields.attachmentIds.default([]),
    departmentId: consultationFields.departmentId.optional(),
    questions: consultationFields.questions.default([]),
    showResults: consultationFields.showResults.default(false),
    minDurationRule: consultationFields.minDurationRule.default('days30'),
  })
  .refine(windowOrder, WINDOW_ISSUE);
export type ConsultationCreate = z.infer<typeof ConsultationCreateSchema>;
/** What a client sends (defaults not yet applied). */
export type ConsultationCreateInput = z.input<typeof ConsultationCreateSchema>;

/** `PATCH /api/admin/consultations/:id` (drafts only): the fields given replace the stored ones. */
export const ConsultationUpdateSchema = z
  .object({
    title: consultationFields.title.optional(),
    summary: consultationFields.summary.optional(),
    draftHtml: consultationFields.draftHtml.optional(),
    basisHtml: consultationFields.basisHtml.optional(),
    attachmentIds: consultationFields.attachmentIds.optional(),
    departmentId: consultationFields.departmentId.optional(),
    startAt: InstantSchema.optional(),
    endAt: InstantSchema.optional(),
    questions: consultationFields.questions.optional(),
    showResults: consultationFields.showResults.optional(),
    minDurationRule: consultationFields.minDurationRule.optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), { message: '没有需要修改的内容' })
  .refine(windowOrder, WINDOW_ISSUE);
export type ConsultationUpdate = z.infer<typeof ConsultationUpdateSchema>;

/** `POST .../opinions/:opinionId/decision`. */
export const OpinionDecisionSchema = z.object({
  result: OpinionResultSchema,
  reason: boundedText('理由', CONSULTATION_LIMITS.reasonMin, CONSULTATION_LIMITS.reasonMax),
});
export type OpinionDecision = z.infer<typeof OpinionDecisionSchema>;

/** `POST .../opinions/merge`: the listed opinions join `into`'s group and share its decision. */
export const OpinionMergeSchema = z.object({
  opinionIds: z
    .array(ObjectIdStringSchema)
    .min(1, { message: '请选择要合并的意见' })
    .max(CONSULTATION_LIMITS.mergeMax, { message: `一次最多合并${CONSULTATION_LIMITS.mergeMax}条意见` }),
  into: ObjectIdStringSchema,
});
export type OpinionMerge = z.infer<typeof OpinionMergeSchema>;

/** `POST .../feedback/publish`. */
export const FeedbackPublishSchema = z.object({
  summary: boundedText('采纳情况说明', CONSULTATION_LIMITS.feedbackSummaryMin, CONSULTATION_LIMITS.feedbackSummaryMax),
});
export type FeedbackPublish = z.infer<typeof FeedbackPublishSchema>;

export const StaffConsultationListQuerySchema = CursorQuerySchema.extend({
  status: ConsultationStatusSchema.optional(),
  departmentId: ObjectIdStringSchema.optional(),
});
export type StaffConsultationListQuery = z.infer<typeof StaffConsultationListQuerySchema>;

export const OpinionListQuerySchema = CursorQuerySchema.extend({
  questionId: z.string().max(64).optional(),
  decided: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export type OpinionListQuery = z.infer<typeof OpinionListQuerySchema>;

export const ExportQuerySchema = z.object({ format: z.literal('csv', { error: '仅支持导出CSV格式' }).default('csv') });

// ---------------------------------------------------------------------------------------------
// Public queries
// ---------------------------------------------------------------------------------------------

export const PublicConsultationListQuerySchema = CursorQuerySchema.extend({
  status: z.enum(['open', 'closed'], { error: '状态只能是 open 或 closed' }).optional(),
});
export type PublicConsultationListQuery = z.infer<typeof PublicConsultationListQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

export const AttachmentViewSchema = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  /** Download address (`GET /api/uploads/:id`). */
  url: z.string(),
});

/** The timing a reader needs: window, derived phase, and the feedback deadline once closed. */
const timingFields = {
  startAt: z.iso.datetime(),
  endAt: z.iso.datetime(),
  phase: ConsultationPhaseSchema,
  phaseLabel: z.string(),
  /** Whole calendar days left before `endAt` (0 on the last day) while open, else null. */
  daysLeft: z.number().int().nullable(),
  closedAt: z.iso.datetime().nullable(),
  /** closedAt + 1 calendar month (end of that CST day); null until closed. */
  feedbackDueAt: z.iso.datetime().nullable(),
  feedbackDueDate: z.string().nullable(),
  feedbackPublishedAt: z.iso.datetime().nullable(),
};

export const ConsultationSummaryViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  departmentName: z.string(),
  ...timingFields,
  showResults: z.boolean(),
});
export type ConsultationSummaryView = z.infer<typeof ConsultationSummaryViewSchema>;

export const ConsultationPublicListResponseSchema = cursorPageSchema(ConsultationSummaryViewSchema);

export const ConsultationPublicViewSchema = ConsultationSummaryViewSchema.extend({
  draftHtml: z.string(),
  basisHtml: z.string(),
  attachments: z.array(AttachmentViewSchema),
  questions: z.array(QuestionViewSchema),
  minDurationRule: MinDurationRuleSchema,
  minDurationRuleLabel: z.string(),
  /** Null when not signed in as a citizen. */
  myResponse: z.object({ submitted: z.boolean(), submittedAt: z.iso.datetime().nullable() }).nullable(),
});
export type ConsultationPublicView = z.infer<typeof ConsultationPublicViewSchema>;

export const ConsultationStaffViewSchema = ConsultationPublicViewSchema.omit({ myResponse: true }).extend({
  status: ConsultationStatusSchema,
  departmentId: z.string(),
  responseCount: z.number().int(),
  opinionCount: z.number().int(),
  undecidedCount: z.number().int(),
  /** Derived at read time: closed, feedback not published, and past the feedback deadline. */
  feedbackOverdue: z.boolean(),
  /** When an office opened it (null while a draft). */
  openedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ConsultationStaffView = z.infer<typeof ConsultationStaffViewSchema>;

export const ConsultationStaffSummaryViewSchema = ConsultationSummaryViewSchema.extend({
  status: ConsultationStatusSchema,
  departmentId: z.string(),
  feedbackOverdue: z.boolean(),
  createdAt: z.iso.datetime(),
});
export const ConsultationStaffListResponseSchema = cursorPageSchema(ConsultationStaffSummaryViewSchema);

/** `POST /api/consultations/:id/responses` → 201. */
export const ResponseReceiptSchema = z.object({
  id: z.string(),
  consultationId: z.string(),
  submittedAt: z.iso.datetime(),
  /** Free-text opinions held for content review (not quoted publicly until approved). */
  opinionsUnderReview: z.number().int(),
});

const AnswerViewSchema = z.object({
  questionId: z.string(),
  value: z.union([z.string(), z.array(z.string()), z.number()]),
});

/** A response as staff see it: the respondent is an opaque number, never an openid or user id. */
export const StaffResponseViewSchema = z.object({
  id: z.string(),
  respondentNo: z.number().int(),
  submittedAt: z.iso.datetime(),
  answers: z.array(AnswerViewSchema),
});
export const StaffResponseListSchema = cursorPageSchema(StaffResponseViewSchema);

export const OpinionDecisionViewSchema = z.object({
  result: OpinionResultSchema,
  resultLabel: z.string(),
  reason: z.string(),
  decidedAt: z.iso.datetime(),
});

export const StaffOpinionViewSchema = z.object({
  id: z.string(),
  respondentNo: z.number().int(),
  questionId: z.string(),
  text: z.string(),
  /** Content safety: pass, review (held), approved or rejected by a reviewer. */
  safety: z.enum(['pass', 'review', 'approved', 'rejected']),
  /** The group leader's id; equals `id` for an opinion that was not merged into another. */
  groupId: z.string(),
  decision: OpinionDecisionViewSchema.nullable(),
  submittedAt: z.iso.datetime(),
});
export const StaffOpinionListSchema = cursorPageSchema(StaffOpinionViewSchema);

export const MergeResultSchema = z.object({ groupId: z.string(), size: z.number().int(), decision: OpinionDecisionViewSchema.nullable() });

/** `GET /api/consultations/mine`. */
export const MyResponseViewSchema = z.object({
  id: z.string(),
  consultation: z.object({ id: z.string(), title: z.string(), phase: ConsultationPhaseSchema, phaseLabel: z.string() }),
  submittedAt: z.iso.datetime(),
  opinions: z.array(
    z.object({
      id: z.string(),
      questionId: z.string(),
      questionTitle: z.string(),
      text: z.string(),
      /** Null until the adoption report is published. */
      decision: z.object({ result: OpinionResultSchema, resultLabel: z.string(), reason: z.string() }).nullable(),
    }),
  ),
});
export const MyResponseListSchema = cursorPageSchema(MyResponseViewSchema);

/** `GET /api/consultations/:id/results`. Percentages have one decimal. */
export const ConsultationResultsSchema = z.object({
  consultationId: z.string(),
  responseCount: z.number().int(),
  questions: z.array(
    z.discriminatedUnion('type', [
      z.object({
        questionId: z.string(),
        title: z.string(),
        type: z.enum(['single', 'multiple']),
        /** Respondents who answered this question; percentages are of this number. */
        answered: z.number().int(),
        options: z.array(z.object({ option: z.string(), count: z.number().int(), percent: z.number() })),
      }),
      z.object({
        questionId: z.string(),
        title: z.string(),
        type: z.literal('rating'),
        answered: z.number().int(),
        distribution: z.array(z.object({ score: z.number().int(), count: z.number().int(), percent: z.number() })),
        /** Two decimals; null with no answers. */
        average: z.number().nullable(),
      }),
      z.object({
        questionId: z.string(),
        title: z.string(),
        type: z.literal('text'),
        answered: z.number().int(),
        /** Adopted and partly adopted opinions (masked), once the adoption report is published. */
        adoptedQuotes: z.array(z.object({ text: z.string(), count: z.number().int(), result: OpinionResultSchema, resultLabel: z.string() })),
      }),
    ]),
  ),
});
export type ConsultationResults = z.infer<typeof ConsultationResultsSchema>;

/** `GET /api/consultations/:id/feedback`: the published adoption report. */
export const ConsultationFeedbackSchema = z.object({
  consultationId: z.string(),
  title: z.string(),
  summary: z.string(),
  publishedAt: z.iso.datetime(),
  closedAt: z.iso.datetime(),
  feedbackDueAt: z.iso.datetime(),
  counts: z.object({ total: z.number().int(), adopted: z.number().int(), partlyAdopted: z.number().int(), notAdopted: z.number().int() }),
  /** One entry per group of merged duplicates (`count` opinions), adopted first. */
  opinions: z.array(
    z.object({
      questionId: z.string(),
      questionTitle: z.string(),
      /** Masked text; null when no opinion of the group may be quoted (content review). */
      text: z.string().nullable(),
      count: z.number().int(),
      result: OpinionResultSchema,
      resultLabel: z.string(),
      reason: z.string(),
    }),
  ),
});
export type ConsultationFeedback = z.infer<typeof ConsultationFeedbackSchema>;
