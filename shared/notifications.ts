/**
 * Notifications: the citizen's in-app inbox (always written) and, for staff, the WeChat
 * subscribe-message outbox (one job per message, delivered by a background worker).
 */
import { z } from 'zod';
import { CursorQuerySchema, cursorPageSchema } from './pagination';

/**
 * Subscribe-message templates the product sends, by our key. The WeChat template id of each is
 * configured (`WECHAT_TEMPLATE_IDS`); a key without an id means inbox only.
 */
export const SUBSCRIBE_TEMPLATE_KEYS = ['letter_accepted', 'letter_replied', 'consultation_feedback', 'error_report_replied'] as const;
export type KnownSubscribeTemplateKey = (typeof SUBSCRIBE_TEMPLATE_KEYS)[number];

/** Outbox job states: `pending` (due at nextAttemptAt) → `sending` (claimed) → a final state. */
export const NOTIFICATION_JOB_STATUSES = ['pending', 'sending', 'sent', 'failed', 'refused', 'skipped'] as const;
export const NotificationJobStatusSchema = z.enum(NOTIFICATION_JOB_STATUSES, { error: '无效的发送状态' });
export type NotificationJobStatus = z.infer<typeof NotificationJobStatusSchema>;

/** Chinese labels for the back office. */
export const NOTIFICATION_JOB_STATUS_LABELS: Record<NotificationJobStatus, string> = {
  pending: '等待发送',
  sending: '发送中',
  sent: '已送达',
  failed: '发送失败',
  refused: '用户未订阅',
  skipped: '未发送（仅站内信）',
};

/** What an inbox entry points at, e.g. `{ type: 'letter', id }`; the mini-program maps the type to a page. */
export const InboxLinkSchema = z.object({ type: z.string(), id: z.string() });

export const InboxItemSchema = z.object({
  id: z.string(),
  /** What happened, e.g. `letter_replied`. */
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  link: InboxLinkSchema.nullable(),
  read: z.boolean(),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type InboxItem = z.infer<typeof InboxItemSchema>;

export const InboxQuerySchema = CursorQuerySchema;
export type InboxQuery = z.infer<typeof InboxQuerySchema>;

/** A page of the inbox, newest first, with the number of unread entries overall. */
export const InboxPageSchema = cursorPageSchema(InboxItemSchema).extend({ unreadCount: z.number().int().min(0) });
export type InboxPage = z.infer<typeof InboxPageSchema>;

export const InboxReadAllResponseSchema = z.object({
  /** Entries marked read by this call. */
  marked: z.number().int().min(0),
  unreadCount: z.number().int().min(0),
});
export type InboxReadAllResponse = z.infer<typeof InboxReadAllResponseSchema>;

/** One send attempt as recorded on the job. */
export const NotificationAttemptSchema = z.object({
  at: z.iso.datetime(),
  /** WeChat's errcode (0 on success), our own negative codes for network failures, null for internal ones. */
  errcode: z.number().int().nullable(),
  errmsg: z.string(),
});

export const AdminNotificationQuerySchema = CursorQuerySchema.extend({
  status: NotificationJobStatusSchema.optional(),
  kind: z.string().trim().min(1).max(64).optional(),
});
export type AdminNotificationQuery = z.infer<typeof AdminNotificationQuerySchema>;

/** An outbox job as staff see it (never the openid or the message data). */
export const AdminNotificationViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  template: z.string(),
  title: z.string(),
  status: NotificationJobStatusSchema,
  statusLabel: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastError: z.object({ errcode: z.number().int().nullable(), errmsg: z.string() }).nullable(),
  attemptLog: z.array(NotificationAttemptSchema),
  sentAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  link: InboxLinkSchema.nullable(),
});
export type AdminNotificationView = z.infer<typeof AdminNotificationViewSchema>;

export const AdminNotificationPageSchema = cursorPageSchema(AdminNotificationViewSchema);
