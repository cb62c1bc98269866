/**
 * 找错 reports (collection `error_reports`) and their per-day tracking-number counters
 * (`error_report_counters`).
 *
 * Duplicates: `primary` marks the report that carries a problem (URL + error type); `open` is true
 * while the report is submitted or forwarded. The partial unique index on
 * `{ normalizedUrl, errorType }` over `{ primary: true, open: true }` lets at most one open primary
 * exist per problem, so two concurrent submissions of the same problem cannot both become
 * primaries: the loser gets E11000 and is linked to the winner (ADR 060). A duplicate stores
 * `duplicateOf` and copies its primary's state on every transition.
 *
 * Deadlines are stored as computed (`Deadline`, with how they were computed); overdue is never
 * stored, it is derived from them and the calendar at read time.
 */
import { Schema, type Types } from 'mongoose';
import {
  ERROR_REPORT_EVENT_TYPES,
  ERROR_REPORT_RESULTS,
  ERROR_REPORT_STATUSES,
  ERROR_REPORT_TYPES,
  type ErrorReportContactKind,
  type ErrorReportEventType,
  type ErrorReportResult,
  type ErrorReportStatus,
  type ErrorReportType,
} from '../../../../shared/error-reports';
import type { StaffRole } from '../../../../shared/staff';
import type { Deadline } from '../../lib/calendar';
import { deadlineSchema } from '../../lib/deadline-view';

/** One step of the timeline. `actorId` (staff or user id) is shown to staff only. */
export interface ErrorReportEventDoc {
  type: ErrorReportEventType;
  at: Date;
  /** Status after the step. */
  status: ErrorReportStatus;
  actorKind: 'citizen' | 'staff' | 'system';
  actorRole: StaffRole | null;
  actorId: string | null;
  departmentId: Types.ObjectId | null;
  departmentName: string | null;
  note: string | null;
  /** For `forwarded` and `replied`: whether the step came after its deadline. */
  late: boolean | null;
}

/** An attached screenshot, as the uploads service described it when it was claimed. */
export interface ErrorReportScreenshotDoc {
  id: string;
  contentType: string;
  size: number;
  filename: string;
}

/** The department's answer (copied onto every linked duplicate). */
export interface ErrorReportReplyDoc {
  result: ErrorReportResult;
  message: string;
  repliedAt: Date;
  /** Staff id. */
  repliedBy: string;
  repliedByRole: StaffRole;
  departmentId: Types.ObjectId | null;
  departmentName: string | null;
  /** Replied after the reply deadline of the primary. */
  late: boolean;
}

/** A stored 找错 report. */
export interface ErrorReportDoc {
  _id: Types.ObjectId;
  /** `ZC20260930-0001`: unique, shown to the citizen. */
  trackingNo: string;
  userId: Types.ObjectId;
  /** As submitted (trimmed). */
  url: string;
  /** Duplicate key: see normalizeReportUrl. */
  normalizedUrl: string;
  errorType: ErrorReportType;
  description: string;
  /** Personal data: staff reads are audited. */
  contact: string | null;
  contactKind: ErrorReportContactKind | null;
  screenshots: ErrorReportScreenshotDoc[];
  status: ErrorReportStatus;
  /** status is submitted or forwarded. */
  open: boolean;
  /** False for a duplicate linked to another report. */
  primary: boolean;
  duplicateOf: Types.ObjectId | null;
  /** On a primary: how many reports were linked to it. */
  duplicateCount: number;
  departmentId: Types.ObjectId | null;
  /** The department's name when the report was forwarded. */
  departmentName: string | null;
  /** Forward within 1 working day of submission. */
  forwardDeadline: Deadline;
  /** Reply within 3 working days of submission. */
  replyDeadline: Deadline;
  forwardedAt: Date | null;
  forwardedBy: string | null;
  /** Forwarded after the forward deadline (allowed, but recorded). Null until forwarded. */
  forwardedLate: boolean | null;
  /**
   * Absent until replied. Never stored as null: the embedded engine fails a `$set` of an embedded
   * document over a null value (see the 找错 report on the engine), so the field stays missing.
   */
  reply?: ErrorReportReplyDoc;
  repliedAt: Date | null;
  closedAt: Date | null;
  timeline: ErrorReportEventDoc[];
  /** The citizen's `Idempotency-Key`, when sent, and a hash of the request it came with. */
  idempotencyKey?: string;
  requestHash?: string;
  submittedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Per-day sequence behind tracking numbers (`_id` = `YYYYMMDD` in CST). */
export interface ErrorReportCounterDoc {
  _id: string;
  seq: number;
}

const eventSchema = new Schema<ErrorReportEventDoc>(
  {
    type: { type: String, required: true, enum: ERROR_REPORT_EVENT_TYPES },
    at: { type: Date, required: true },
    status: { type: String, required: true, enum: ERROR_REPORT_STATUSES },
    actorKind: { type: String, required: true, enum: ['citizen', 'staff', 'system'] },
    actorRole: { type: String, default: null },
    actorId: { type: String, default: null },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    departmentName: { type: String, default: null },
    note: { type: String, default: null },
    late: { type: Boolean, default: null },
  },
  { _id: false },
);

const replySchema = new Schema<ErrorReportReplyDoc>(
  {
    result: { type: String, required: true, enum: ERROR_REPORT_RESULTS },
    message: { type: String, required: true },
    repliedAt: { type: Date, required: true },
    repliedBy: { type: String, required: true },
    repliedByRole: { type: String, required: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    departmentName: { type: String, default: null },
    late: { type: Boolean, required: true },
  },
  { _id: false },
);

/** Schema of `error_reports`; indexes below (created at boot by ensureIndexes). */
export const errorReportSchema = new Schema<ErrorReportDoc>(
  {
    trackingNo: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    url: { type: String, required: true },
    normalizedUrl: { type: String, required: true },
    errorType: { type: String, required: true, enum: ERROR_REPORT_TYPES },
    description: { type: String, required: true },
    contact: { type: String, default: null },
    contactKind: { type: String, default: null, enum: ['phone', 'email', null] },
    screenshots: { type: [{ _id: false, id: String, contentType: String, size: Number, filename: String }], default: [] },
    status: { type: String, required: true, enum: ERROR_REPORT_STATUSES },
    open: { type: Boolean, required: true },
    primary: { type: Boolean, required: true },
    duplicateOf: { type: Schema.Types.ObjectId, default: null },
    duplicateCount: { type: Number, required: true, default: 0 },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    departmentName: { type: String, default: null },
    forwardDeadline: { type: deadlineSchema, required: true },
    replyDeadline: { type: deadlineSchema, required: true },
    forwardedAt: { type: Date, default: null },
    forwardedBy: { type: String, default: null },
    forwardedLate: { type: Boolean, default: null },
    reply: { type: replySchema, default: undefined },
    repliedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    timeline: { type: [eventSchema], default: [] },
    submittedAt: { type: Date, required: true },
    idempotencyKey: { type: String },
    requestHash: { type: String },
  },
  { collection: 'error_reports', timestamps: true, autoIndex: false },
);
// At most one open primary per problem: the race-free duplicate rule (ADR 060).
errorReportSchema.index(
  { normalizedUrl: 1, errorType: 1 },
  { unique: true, partialFilterExpression: { primary: true, open: true }, name: 'one_open_primary_per_problem' },
);
errorReportSchema.index({ trackingNo: 1 }, { unique: true });
// One report per citizen and Idempotency-Key (only reports sent with a key carry the field).
errorReportSchema.index({ userId: 1, idempotencyKey: 1 }, { unique: true, partialFilterExpression: { idempotencyKey: { $exists: true } } });
errorReportSchema.index({ userId: 1, submittedAt: -1, _id: -1 });
errorReportSchema.index({ submittedAt: -1, _id: -1 });
errorReportSchema.index({ status: 1, submittedAt: -1 });
errorReportSchema.index({ departmentId: 1, submittedAt: -1 });
errorReportSchema.index({ duplicateOf: 1 });

/** Schema of `error_report_counters`: one document per CST day, `$inc`-ed atomically. */
export const errorReportCounterSchema = new Schema<ErrorReportCounterDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'error_report_counters', autoIndex: false, versionKey: false },
);
