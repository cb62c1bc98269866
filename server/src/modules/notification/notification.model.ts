/**
 * Notifications: the in-app inbox (collection `inbox_entries`, one entry per notification, the
 * fallback every citizen sees) and the subscribe-message outbox (collection `notification_jobs`,
 * one job per WeChat message, delivered by the outbox worker). Both carry the caller's
 * `dedupeKey` under a unique index, so repeating a notification is a no-op.
 *
 * Times are written from the injected clock, not mongoose timestamps, so tests can move them.
 */
import { Schema, type Types } from 'mongoose';
import type { NotificationJobStatus } from '../../../../shared/notifications';

export interface InboxLinkDoc {
  type: string;
  id: string;
}

export interface InboxEntryDoc {
  _id: Types.ObjectId;
  /** The citizen (`users._id`). */
  userId: Types.ObjectId;
  kind: string;
  title: string;
  body: string;
  link: InboxLinkDoc | null;
  readAt: Date | null;
  dedupeKey?: string;
  createdAt: Date;
}

const linkSchema = new Schema<InboxLinkDoc>({ type: { type: String, required: true }, id: { type: String, required: true } }, { _id: false });

export const inboxEntrySchema = new Schema<InboxEntryDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, default: '' },
    link: { type: linkSchema, default: null },
    readAt: { type: Date, default: null },
    dedupeKey: { type: String },
    createdAt: { type: Date, required: true },
  },
  { collection: 'inbox_entries', autoIndex: false, versionKey: false },
);
inboxEntrySchema.index({ userId: 1, createdAt: -1, _id: -1 });
inboxEntrySchema.index({ userId: 1, readAt: 1 });
inboxEntrySchema.index({ dedupeKey: 1 }, { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } });

/** One send attempt. */
export interface NotificationAttemptDoc {
  at: Date;
  /** WeChat's errcode (0: sent), the client's negative codes for network failures, null for internal ones. */
  errcode: number | null;
  errmsg: string;
  /** The instance that made the attempt. */
  instance: string;
}

export interface NotificationJobDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  inboxEntryId: Types.ObjectId | null;
  kind: string;
  /** Copy of the inbox title, for the back office list. */
  title: string;
  link: InboxLinkDoc | null;
  /** Our template key (`letter_replied`). */
  template: string;
  /** The WeChat template id configured for the key when the job was created. */
  templateId: string;
  page: string | null;
  /** Template data as sent: `{ thing1: { value } }`, already checked against WeChat's field rules. */
  data: Record<string, { value: string }>;
  status: NotificationJobStatus;
  /** Attempts started so far (a claim counts as one). */
  attempts: number;
  maxAttempts: number;
  /** When a pending job is due. */
  nextAttemptAt: Date | null;
  /** A `sending` job belongs to `claimedBy` until then; afterwards any instance may reclaim it. */
  leaseUntil: Date | null;
  claimedBy: string | null;
  attemptLog: NotificationAttemptDoc[];
  /**
   * The latest failed attempt's error (kept after a later success, for the record); absent until
   * an attempt fails.
   */
  lastError?: { errcode: number | null; errmsg: string };
  sentAt: Date | null;
  msgid: number | null;
  dedupeKey?: string;
  createdAt: Date;
  updatedAt: Date;
}

const attemptSchema = new Schema<NotificationAttemptDoc>(
  {
    at: { type: Date, required: true },
    errcode: { type: Number, default: null },
    errmsg: { type: String, default: '' },
    instance: { type: String, default: '' },
  },
  { _id: false },
);

export const notificationJobSchema = new Schema<NotificationJobDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    inboxEntryId: { type: Schema.Types.ObjectId, default: null },
    kind: { type: String, required: true },
    title: { type: String, default: '' },
    link: { type: linkSchema, default: null },
    template: { type: String, required: true },
    templateId: { type: String, required: true },
    page: { type: String, default: null },
    data: { type: Schema.Types.Mixed, default: () => ({}) },
    status: { type: String, required: true, enum: ['pending', 'sending', 'sent', 'failed', 'refused', 'skipped'] },
    attempts: { type: Number, default: 0 },
    maxAttempts: { type: Number, required: true },
    nextAttemptAt: { type: Date, default: null },
    leaseUntil: { type: Date, default: null },
    claimedBy: { type: String, default: null },
    attemptLog: { type: [attemptSchema], default: [] },
    // No default: absent until set (the embedded engine cannot `$set` an object over a null).
    lastError: { type: new Schema({ errcode: { type: Number, default: null }, errmsg: { type: String, default: '' } }, { _id: false }) },
    sentAt: { type: Date, default: null },
    msgid: { type: Number, default: null },
    dedupeKey: { type: String },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'notification_jobs', autoIndex: false, versionKey: false, minimize: false },
);
// The worker's two claim queries: due pending jobs, and sending jobs whose lease ran out.
notificationJobSchema.index({ status: 1, nextAttemptAt: 1 });
notificationJobSchema.index({ status: 1, leaseUntil: 1 });
// The back office list, newest first, optionally by status.
notificationJobSchema.index({ createdAt: -1, _id: -1 });
notificationJobSchema.index({ status: 1, createdAt: -1, _id: -1 });
notificationJobSchema.index({ dedupeKey: 1 }, { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } });
