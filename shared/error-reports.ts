/**
 * 我为政府网站找错: citizens report errors on government websites; the office forwards each report
 * to the department running the site (within 1 working day of submission) and the department
 * replies (within 3 working days of submission). Fields, limits, states and request/response
 * shapes used by both the BFF and the mini-program.
 *
 * States: submitted → forwarded → replied (fixed | not_an_error | not_our_site) → closed.
 * A report on the same normalized URL and error type as an open report is linked to it as a
 * duplicate and follows its state.
 */
import { z } from 'zod';
import { DeadlineViewSchema } from './deadlines';
import { CursorQuerySchema, cursorPageSchema } from './pagination';
import { boundedText, charCount, ObjectIdStringSchema, PhoneSchema } from './text';

/** Default limits. The description bounds are configurable per deployment (see the BFF config). */
export const ERROR_REPORT_LIMITS = {
  urlMax: 2000,
  descriptionMin: 5,
  descriptionMax: 500,
  /** The most a deployment may raise the description maximum to. */
  descriptionHardMax: 2000,
  screenshotsMax: 5,
  contactMax: 100,
  replyMin: 2,
  replyMax: 1000,
  searchMax: 100,
} as const;

/** Error types of the national 我为政府网站找错 platform. */
export const ERROR_REPORT_TYPES = [
  'typo',
  'broken_link',
  'outdated',
  'broken_media',
  'empty_section',
  'poor_response',
  'useless_service',
  'other',
] as const;
export const ErrorReportTypeSchema = z.enum(ERROR_REPORT_TYPES, { error: '请选择错误类型' });
export type ErrorReportType = z.infer<typeof ErrorReportTypeSchema>;

/** Chinese labels of the error types, as the national platform names them. */
export const ERROR_REPORT_TYPE_LABELS: Record<ErrorReportType, string> = {
  typo: '错别字/内容错误',
  broken_link: '链接不可用',
  outdated: '内容未及时更新',
  broken_media: '图片或附件无法显示',
  empty_section: '栏目空白',
  poor_response: '互动回应差',
  useless_service: '服务不实用',
  other: '其他',
};

/** Report states. Overdue is never stored: it is derived from the deadlines at read time. */
export const ERROR_REPORT_STATUSES = ['submitted', 'forwarded', 'replied', 'closed'] as const;
export const ErrorReportStatusSchema = z.enum(ERROR_REPORT_STATUSES, { error: '无效的状态' });
export type ErrorReportStatus = z.infer<typeof ErrorReportStatusSchema>;

export const ERROR_REPORT_STATUS_LABELS: Record<ErrorReportStatus, string> = {
  submitted: '已提交',
  forwarded: '已转办',
  replied: '已答复',
  closed: '已办结',
};

/** States in which a report is still being handled (and can be overdue, and collects duplicates). */
export const OPEN_ERROR_REPORT_STATUSES: readonly ErrorReportStatus[] = ['submitted', 'forwarded'];

/** How a department answers a report. */
export const ERROR_REPORT_RESULTS = ['fixed', 'not_an_error', 'not_our_site'] as const;
export const ErrorReportResultSchema = z.enum(ERROR_REPORT_RESULTS, { error: '请选择处理结果' });
export type ErrorReportResult = z.infer<typeof ErrorReportResultSchema>;

/** At most 5 characters each: they go into a subscribe message `phrase` field. */
export const ERROR_REPORT_RESULT_LABELS: Record<ErrorReportResult, string> = {
  fixed: '已修复',
  not_an_error: '不属于错误',
  not_our_site: '非本站问题',
};

/** Steps of a report's timeline. */
export const ERROR_REPORT_EVENT_TYPES = ['submitted', 'linked', 'forwarded', 'replied', 'closed'] as const;
export type ErrorReportEventType = (typeof ERROR_REPORT_EVENT_TYPES)[number];

export const ERROR_REPORT_EVENT_LABELS: Record<ErrorReportEventType, string> = {
  submitted: '提交',
  linked: '合并到相同问题',
  forwarded: '转交承办部门',
  replied: '答复',
  closed: '办结',
};

// ---------------------------------------------------------------------------------------------
// URL rules
// ---------------------------------------------------------------------------------------------

/** Characters allowed in one host label: letters of any script (IDN), digits, marks, `-`, `_`. */
const HOST_LABEL = /^[\p{L}\p{N}\p{M}_](?:[\p{L}\p{N}\p{M}_-]{0,61}[\p{L}\p{N}\p{M}_])?$/u;
const IPV6_LITERAL = /^\[[0-9a-fA-F:.]+\]$/;

/**
 * Why a URL cannot be reported, as a Chinese message, or null when it is acceptable. The rules:
 * http or https only (javascript:, data: and every other scheme refused), a host is required, at
 * most {@link ERROR_REPORT_LIMITS.urlMax} characters, no user name or password in the URL, no
 * spaces or control characters. Internationalized host names (中文域名, or their punycode form)
 * are accepted. Written without the WHATWG `URL` class so the mini-program can run it too; the
 * BFF additionally parses the URL with `URL` when it normalizes it.
 */
export function errorReportUrlProblem(url: string): string | null {
  if (url.length === 0) return '请填写出错网页的网址';
  if (charCount(url) > ERROR_REPORT_LIMITS.urlMax) return `网址最多${ERROR_REPORT_LIMITS.urlMax}个字符`;
  // Control characters and spaces (a URL copied from a page never has them unencoded).
  if (/[\s\p{Cc}]/u.test(url)) return '网址中不能包含空格或控制字符';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (!scheme) return '网址须以 http:// 或 https:// 开头';
  const name = scheme[1].toLowerCase();
  if (name === 'javascript' || name === 'data' || name === 'vbscript') return '不支持 javascript: 或 data: 等脚本或数据链接，请填写网页的网址';
  if (name !== 'http' && name !== 'https') return '仅支持 http:// 或 https:// 开头的网页网址';
  const rest = url.slice(scheme[0].length);
  // Browsers read a backslash as a slash in http(s) URLs; refusing it avoids host confusion.
  if (rest.includes('\\')) return '网址格式不正确';
  if (!rest.startsWith('//')) return '网址缺少域名';
  const authority = /^[^/?#]*/.exec(rest.slice(2))?.[0] ?? '';
  if (authority.includes('@')) return '网址中不能包含用户名或密码';
  let host = authority;
  const port = /:(\d*)$/.exec(authority);
  if (port && !authority.endsWith(']')) {
    host = authority.slice(0, port.index);
    const value = port[1];
    if (value !== '' && (value.length > 5 || Number(value) < 1 || Number(value) > 65535)) return '网址中的端口号不正确';
  }
  if (host.length === 0) return '网址缺少域名';
  if (IPV6_LITERAL.test(host)) return null;
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  if (charCount(host) > 253 || labels.some((l) => !HOST_LABEL.test(l))) return '网址中的域名格式不正确';
  return null;
}

/** The reported page's URL: trimmed, then checked with {@link errorReportUrlProblem}. */
export const ErrorReportUrlSchema = z
  .string({ error: '请填写出错网页的网址' })
  .trim()
  .superRefine((url, ctx) => {
    const problem = errorReportUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

// ---------------------------------------------------------------------------------------------
// Other field rules
// ---------------------------------------------------------------------------------------------

/** True when the text has at least one letter or digit (not only spaces, punctuation or emoji). */
export function hasSubstance(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/**
 * The problem description with the default bounds; a deployment may configure other bounds (the
 * BFF checks those), within 1..{@link ERROR_REPORT_LIMITS.descriptionHardMax}.
 */
export function errorReportDescriptionSchema(min: number = ERROR_REPORT_LIMITS.descriptionMin, max: number = ERROR_REPORT_LIMITS.descriptionMax) {
  return z
    .string({ error: '请填写问题描述' })
    .trim()
    .refine((s) => s.replace(/[\u200b-\u200d\u2060\ufeff]/g, '').length > 0, { message: '请填写问题描述', abort: true })
    .refine(hasSubstance, { message: '问题描述不能只有空白或标点符号', abort: true })
    .refine((s) => charCount(s) >= min, { message: `问题描述至少${min}个字` })
    .refine((s) => charCount(s) <= max, { message: `问题描述最多${max}个字` });
}

/** What the route accepts before the deployment's own bounds are applied by the BFF. */
const DescriptionInputSchema = errorReportDescriptionSchema(1, ERROR_REPORT_LIMITS.descriptionHardMax);

const EmailSchema = z.string().regex(/^[^\s@]{1,64}@[^\s@]+\.[^\s@.]{2,}$/);

/** How the citizen may be contacted: a phone number or an email address. */
export type ErrorReportContactKind = 'phone' | 'email';

/** The kind of a contact string, or null when it is neither a phone number nor an email address. */
export function contactKindOf(contact: string): ErrorReportContactKind | null {
  if (PhoneSchema.safeParse(contact).success) return 'phone';
  if (EmailSchema.safeParse(contact).success) return 'email';
  return null;
}

/** Optional contact (personal data: staff reads are audited). An empty string counts as absent. */
export const ErrorReportContactSchema = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z
    .string({ error: '联系方式应为文字' })
    .trim()
    .max(ERROR_REPORT_LIMITS.contactMax, { message: `联系方式最多${ERROR_REPORT_LIMITS.contactMax}个字符` })
    .refine((s) => contactKindOf(s) !== null, { message: '请填写正确的手机号、带区号的固定电话或电子邮箱' })
    .optional(),
);

export const ErrorReportCreateSchema = z.object({
  url: ErrorReportUrlSchema,
  errorType: ErrorReportTypeSchema,
  description: DescriptionInputSchema,
  screenshotIds: z
    .array(ObjectIdStringSchema, { error: '截图列表格式不正确' })
    .max(ERROR_REPORT_LIMITS.screenshotsMax, { message: `截图最多${ERROR_REPORT_LIMITS.screenshotsMax}张` })
    .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, { message: '截图不能重复' })
    .optional(),
  contact: ErrorReportContactSchema,
});
export type ErrorReportCreate = z.infer<typeof ErrorReportCreateSchema>;

export const ErrorReportForwardSchema = z.object({ departmentId: ObjectIdStringSchema });
export type ErrorReportForward = z.infer<typeof ErrorReportForwardSchema>;

export const ErrorReportReplySchema = z.object({
  result: ErrorReportResultSchema,
  message: boundedText('答复内容', ERROR_REPORT_LIMITS.replyMin, ERROR_REPORT_LIMITS.replyMax),
});
export type ErrorReportReply = z.infer<typeof ErrorReportReplySchema>;

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/** A working-day deadline with how it was computed (the one view of every feature). */
export const ErrorReportDeadlineViewSchema = DeadlineViewSchema;

export const ErrorReportDeadlinesViewSchema = z.object({
  forward: ErrorReportDeadlineViewSchema,
  reply: ErrorReportDeadlineViewSchema,
});

/** A screenshot; `url` downloads it (`GET /api/uploads/:id`, for the reporter and the staff handling the report). */
export const ErrorReportScreenshotViewSchema = z.object({
  id: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  filename: z.string(),
  url: z.string(),
});

export const ErrorReportReplyViewSchema = z.object({
  result: ErrorReportResultSchema,
  resultLabel: z.string(),
  message: z.string(),
  repliedAt: z.iso.datetime(),
  departmentName: z.string().nullable(),
});

/** `POST /api/error-reports` answer. */
/**
 * `GET /api/error-reports/options`: what the report form offers and the bounds this deployment
 * applies (the description bounds are configurable), so the form checks what the server checks.
 */
export const ErrorReportFormOptionsSchema = z.object({
  types: z.array(z.object({ key: ErrorReportTypeSchema, label: z.string() })),
  limits: z.object({
    urlMax: z.number().int(),
    descriptionMin: z.number().int(),
    descriptionMax: z.number().int(),
    screenshotsMax: z.number().int(),
    contactMax: z.number().int(),
  }),
  /** Working days from submission: forwarded to the site's department, then replied. */
  deadlines: z.object({ forwardWorkingDays: z.number().int(), replyWorkingDays: z.number().int() }),
});
export type ErrorReportFormOptions = z.infer<typeof ErrorReportFormOptionsSchema>;

/** Working days from submission to each deadline (the 找错 platform's rule: forward in 1, reply in 3). */
export const ERROR_REPORT_WORKING_DAYS = { forward: 1, reply: 3 } as const;

/**
 * The form options for the given description bounds: what `GET /api/error-reports/options`
 * answers (with the deployment's bounds) and what the mini-program uses until that answer arrives
 * (with the defaults).
 */
export function errorReportFormOptions(
  descriptionMin: number = ERROR_REPORT_LIMITS.descriptionMin,
  descriptionMax: number = ERROR_REPORT_LIMITS.descriptionMax,
): ErrorReportFormOptions {
  return {
    types: ERROR_REPORT_TYPES.map((key) => ({ key, label: ERROR_REPORT_TYPE_LABELS[key] })),
    limits: {
      urlMax: ERROR_REPORT_LIMITS.urlMax,
      descriptionMin,
      descriptionMax,
      screenshotsMax: ERROR_REPORT_LIMITS.screenshotsMax,
      contactMax: ERROR_REPORT_LIMITS.contactMax,
    },
    deadlines: { forwardWorkingDays: ERROR_REPORT_WORKING_DAYS.forward, replyWorkingDays: ERROR_REPORT_WORKING_DAYS.reply },
  };
}

export const ErrorReportCreatedSchema = z.object({
  id: z.string(),
  trackingNo: z.string(),
  status: ErrorReportStatusSchema,
  statusLabel: z.string(),
  /** True when the report was linked to an earlier open report of the same problem. */
  linked: z.boolean(),
  forwardDueAt: z.iso.datetime(),
  replyDueAt: z.iso.datetime(),
  deadlines: ErrorReportDeadlinesViewSchema,
});
export type ErrorReportCreated = z.infer<typeof ErrorReportCreatedSchema>;

/** A timeline step as the citizen sees it (no staff identities). */
export const ErrorReportEventViewSchema = z.object({
  type: z.enum(ERROR_REPORT_EVENT_TYPES),
  label: z.string(),
  at: z.iso.datetime(),
  status: ErrorReportStatusSchema,
  departmentName: z.string().nullable(),
  note: z.string().nullable(),
});

/** An item of `GET /api/error-reports/mine`. */
export const MyErrorReportSummarySchema = z.object({
  id: z.string(),
  trackingNo: z.string(),
  url: z.string(),
  errorType: ErrorReportTypeSchema,
  errorTypeLabel: z.string(),
  status: ErrorReportStatusSchema,
  statusLabel: z.string(),
  submittedAt: z.iso.datetime(),
  replyDueAt: z.iso.datetime(),
  result: ErrorReportResultSchema.nullable(),
});

export const MyErrorReportQuerySchema = CursorQuerySchema;
export type MyErrorReportQuery = z.infer<typeof MyErrorReportQuerySchema>;
export const MyErrorReportPageSchema = cursorPageSchema(MyErrorReportSummarySchema);

/** `GET /api/error-reports/:id`: the citizen's own report. */
export const MyErrorReportDetailSchema = MyErrorReportSummarySchema.extend({
  description: z.string(),
  contact: z.string().nullable(),
  linked: z.boolean(),
  departmentName: z.string().nullable(),
  forwardDueAt: z.iso.datetime(),
  deadlines: ErrorReportDeadlinesViewSchema,
  screenshots: z.array(ErrorReportScreenshotViewSchema),
  reply: ErrorReportReplyViewSchema.nullable(),
  closedAt: z.iso.datetime().nullable(),
  timeline: z.array(ErrorReportEventViewSchema),
});
export type MyErrorReportDetail = z.infer<typeof MyErrorReportDetailSchema>;

/** `?overdue=` of the staff list: any overdue step, or one of them. */
export const ERROR_REPORT_OVERDUE_FILTERS = ['true', 'forward', 'reply'] as const;

const BooleanQuerySchema = z.enum(['true', 'false'], { error: '只能是 true 或 false' }).transform((v) => v === 'true');

export const AdminErrorReportQuerySchema = CursorQuerySchema.extend({
  status: ErrorReportStatusSchema.optional(),
  departmentId: ObjectIdStringSchema.optional(),
  errorType: ErrorReportTypeSchema.optional(),
  /** Open reports past a deadline now: `true` either step, `forward` not forwarded in time, `reply` not replied in time. */
  overdue: z.enum(ERROR_REPORT_OVERDUE_FILTERS, { error: '只能是 true、forward 或 reply' }).optional(),
  /** Text in the URL or the description (plain text, not a pattern). */
  q: z.string().trim().min(1, { message: '请输入搜索内容' }).max(ERROR_REPORT_LIMITS.searchMax, { message: `搜索内容最多${ERROR_REPORT_LIMITS.searchMax}个字` }).optional(),
  /** Leave out duplicates (reports linked to another). */
  primaryOnly: BooleanQuerySchema.optional(),
  /**
   * `submittedAt` (default): newest first. `dueAt`: the queue by deadline — open reports by the due
   * date of their current step (forward, then reply), earliest first, then replied and closed ones newest first.
   */
  sort: z.enum(['submittedAt', 'dueAt'], { error: '只能是 submittedAt 或 dueAt' }).default('submittedAt'),
});
export type AdminErrorReportQuery = z.infer<typeof AdminErrorReportQuerySchema>;

/** A timeline step for staff, with who acted. */
export const AdminErrorReportEventViewSchema = ErrorReportEventViewSchema.extend({
  actorKind: z.enum(['citizen', 'staff', 'system']),
  actorId: z.string().nullable(),
  actorRole: z.string().nullable(),
  departmentId: z.string().nullable(),
  late: z.boolean().nullable(),
});

/** An item of the staff list (no personal data). */
export const AdminErrorReportSummarySchema = z.object({
  id: z.string(),
  trackingNo: z.string(),
  url: z.string(),
  normalizedUrl: z.string(),
  errorType: ErrorReportTypeSchema,
  errorTypeLabel: z.string(),
  status: ErrorReportStatusSchema,
  statusLabel: z.string(),
  primary: z.boolean(),
  duplicateOf: z.string().nullable(),
  duplicateCount: z.number().int(),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
  hasContact: z.boolean(),
  submittedAt: z.iso.datetime(),
  forwardDueAt: z.iso.datetime(),
  replyDueAt: z.iso.datetime(),
  forwardedAt: z.iso.datetime().nullable(),
  forwardedLate: z.boolean().nullable(),
  repliedAt: z.iso.datetime().nullable(),
  replyLate: z.boolean().nullable(),
  result: ErrorReportResultSchema.nullable(),
  /** Derived now from the deadlines and the calendar; never stored. */
  overdue: z.object({ forward: z.boolean(), reply: z.boolean() }),
});
export const AdminErrorReportPageSchema = cursorPageSchema(AdminErrorReportSummarySchema).extend({
  total: z.number().int().min(0).meta({ description: 'How many reports match the filters (all pages; the cursor and limit aside).' }),
});

/** A report for staff, personal data included (the read is audited). */
export const AdminErrorReportDetailSchema = AdminErrorReportSummarySchema.extend({
  description: z.string(),
  contact: z.string().nullable(),
  contactKind: z.enum(['phone', 'email']).nullable(),
  deadlines: ErrorReportDeadlinesViewSchema,
  screenshots: z.array(ErrorReportScreenshotViewSchema),
  reply: ErrorReportReplyViewSchema.extend({ repliedBy: z.string(), late: z.boolean() }).nullable(),
  closedAt: z.iso.datetime().nullable(),
  /** For a primary: the reports linked to it. */
  duplicates: z.array(z.object({ id: z.string(), trackingNo: z.string(), submittedAt: z.iso.datetime() })),
  /** For a duplicate: the report it follows. */
  primaryReport: z.object({ id: z.string(), trackingNo: z.string(), status: ErrorReportStatusSchema }).nullable(),
  timeline: z.array(AdminErrorReportEventViewSchema),
});
export type AdminErrorReportDetail = z.infer<typeof AdminErrorReportDetailSchema>;
