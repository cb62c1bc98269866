/**
 * The audit log as the back office reads it: who did what to which record, from where, and the
 * request id that ties the entry to the server logs.
 */
import { z } from 'zod';
import { CursorQuerySchema, cursorPageSchema } from './pagination';

export const AuditActorSchema = z.object({
  kind: z.enum(['staff', 'citizen', 'anonymous', 'system']),
  id: z.string().nullable(),
  /** Staff username at the time (kept even if the account is renamed or removed). */
  username: z.string().nullable(),
  role: z.string().nullable(),
});

export const AuditEntryViewSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: AuditActorSchema,
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof AuditEntryViewSchema>;

export const AuditQuerySchema = CursorQuerySchema.extend({
  actorId: z.string().trim().min(1).max(64).optional(),
  action: z.string().trim().min(1).max(64).optional(),
  targetType: z.string().trim().min(1).max(64).optional(),
  targetId: z.string().trim().min(1).max(64).optional(),
  /** Entries at or after this instant. */
  from: z.iso.datetime({ offset: true, error: '时间格式应为 ISO 8601' }).optional(),
  /** Entries strictly before this instant. */
  to: z.iso.datetime({ offset: true, error: '时间格式应为 ISO 8601' }).optional(),
}).refine((q) => {
  // zod runs refinements even when a field failed a format check: judge valid dates only.
  const from = q.from ? Date.parse(q.from) : NaN;
  const to = q.to ? Date.parse(q.to) : NaN;
  return Number.isNaN(from) || Number.isNaN(to) || from < to;
}, {
  message: '开始时间必须早于结束时间',
  path: ['to'],
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditPageSchema = cursorPageSchema(AuditEntryViewSchema);
