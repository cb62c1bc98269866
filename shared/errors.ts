/**
 * The stable error codes of the BFF API and the Chinese message the mini-program shows for each.
 * Codes are part of the API contract: add new ones, never rename or reuse one. The mini-program
 * maps a code to its message here, in one place, and decides by code (never by message text)
 * whether to show a toast, a full-page error or the login page.
 */
import { z } from 'zod';

/** Every error code the API can return, with the message shown to people. */
export const ERROR_MESSAGES = {
  validation_error: '提交的内容有误，请检查后重试',
  invalid_json: '请求格式错误',
  unsupported_media_type: '不支持的请求格式',
  payload_too_large: '提交的内容过大',
  unauthorized: '请先登录',
  forbidden: '没有权限进行此操作',
  not_found: '内容不存在或已删除',
  method_not_allowed: '不支持的请求方式',
  conflict: '数据已存在，请勿重复提交',
  invalid_state: '当前状态下不能进行此操作',
  rate_limited: '操作过于频繁，请稍后再试',
  internal_error: '系统繁忙，请稍后再试',
  service_unavailable: '服务暂时不可用，请稍后再试',
  invalid_code: '登录凭证无效或已过期，请重新登录',
  user_blocked: '该微信账号存在风险，暂时无法登录',
  wechat_unavailable: '微信服务暂时不可用，请稍后再试',
  invalid_credentials: '用户名或密码错误',
  account_locked: '登录失败次数过多，账号已暂时锁定，请稍后再试',
  username_taken: '用户名已被使用',
  department_name_taken: '部门名称已存在',
  department_in_use: '该部门下还有工作人员，不能删除',
  last_admin: '不能停用或降级最后一位管理员',
  wrong_password: '当前密码不正确',
  // Platform services: uploads and content safety.
  unsupported_file_type: '仅支持上传 JPG、PNG、GIF、WebP 图片或 PDF 文件',
  invalid_attachment: '附件无效或已被使用，请重新上传',
  content_risky: '内容含有违法违规信息，请修改后重新提交',
  // Director's mailbox (主任信箱).
  idempotency_key_reused: '该请求编号已用于另一次提交，请勿重复使用',
  already_rated: '您已评价过该答复',
  follow_up_used: '每封信件只能追问一次',
  // Opinion collection (意见征集).
  already_responded: '您已参与过本次意见征集，每人只能提交一次',
  consultation_not_open: '当前不在意见征集时间内',
  consultation_window_too_short: '征集期限短于规定的最短期限',
  consultation_results_not_available: '征集结束后才能查看结果',
  opinions_undecided: '还有意见未作出采纳决定，不能发布采纳情况',
  // Policy reading (政策解读).
  category_key_taken: '类别代码已存在',
  category_name_taken: '类别名称已存在',
  category_in_use: '该类别下还有政策文件，不能删除',
  // Staff console (issue 9).
  letter_notes_full: '该信件的内部备注已达上限',
  reply_template_title_taken: '已有同名的常用语',
} as const;

/** A stable snake_case error code. */
export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** Every error code, in declaration order. */
export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];

/** The code as a schema, for response documents and client-side parsing. */
export const ErrorCodeSchema = z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]);

/** One problem with one field of the input; `path` is dot-separated (`items.0.name`). */
export const ValidationIssueSchema = z.object({
  /** Where the field was: path parameter, query string, JSON body or request header. */
  in: z.enum(['params', 'query', 'body', 'headers']).optional(),
  path: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

/**
 * Every error response: `{ error: { code, message, details? } }`. `message` is Chinese and safe to
 * show; `details` depends on the code (validation issues for `validation_error`, `retryAfter`
 * seconds for `rate_limited` and `account_locked`).
 */
export const ErrorResponseSchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** The Chinese message for a code; unknown codes (from a newer server) get the generic one. */
export function errorMessage(code: string): string {
  return (ERROR_MESSAGES as Record<string, string>)[code] ?? ERROR_MESSAGES.internal_error;
}
