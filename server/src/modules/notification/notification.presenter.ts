/** Inbox entries for citizens and outbox jobs for staff (never openids or message data). */
import {
  NOTIFICATION_JOB_STATUS_LABELS,
  type AdminNotificationView,
  type InboxItem,
} from '../../../../shared/notifications';
import type { InboxEntryDoc, NotificationJobDoc } from './notification.model';

export function presentInboxEntry(doc: InboxEntryDoc): InboxItem {
  return {
    id: doc._id.toHexString(),
    kind: doc.kind,
    title: doc.title,
    body: doc.body,
    link: doc.link ? { type: doc.link.type, id: doc.link.id } : null,
    read: doc.readAt !== null && doc.readAt !== undefined,
    readAt: doc.readAt ? doc.readAt.toISOString() : null,
    createdAt: doc.createdAt.toISOString(),
  };
}

export function presentNotificationJob(doc: NotificationJobDoc): AdminNotificationView {
  return {
    id: doc._id.toHexString(),
    kind: doc.kind,
    template: doc.template,
    title: doc.title,
    status: doc.status,
    statusLabel: NOTIFICATION_JOB_STATUS_LABELS[doc.status],
    attempts: doc.attempts,
    maxAttempts: doc.maxAttempts,
    nextAttemptAt: doc.nextAttemptAt ? doc.nextAttemptAt.toISOString() : null,
    lastError: doc.lastError ? { errcode: doc.lastError.errcode ?? null, errmsg: doc.lastError.errmsg } : null,
    attemptLog: (doc.attemptLog ?? []).map((a) => ({ at: a.at.toISOString(), errcode: a.errcode ?? null, errmsg: a.errmsg })),
    sentAt: doc.sentAt ? doc.sentAt.toISOString() : null,
    createdAt: doc.createdAt.toISOString(),
    link: doc.link ? { type: doc.link.type, id: doc.link.id } : null,
  };
}
