/**
 * 找错 reports as the citizen and as staff see them. Deadlines are shown with the current calendar
 * and their Chinese explanation; overdue flags are derived at `now`, never read from storage.
 * The citizen sees no staff identities; the staff list carries no personal data (the contact is
 * only in the audited detail).
 */
import {
  ERROR_REPORT_EVENT_LABELS,
  ERROR_REPORT_RESULT_LABELS,
  ERROR_REPORT_STATUS_LABELS,
  ERROR_REPORT_TYPE_LABELS,
  type AdminErrorReportDetail,
  type ErrorReportCreated,
  type MyErrorReportDetail,
} from '../../../../shared/error-reports';
import type { z } from 'zod';
import type { AdminErrorReportSummarySchema, MyErrorReportSummarySchema } from '../../../../shared/error-reports';
import { freshDeadline, presentDeadline } from '../../lib/deadline-view';
import { isForwardOverdue, isReplyOverdue } from './error-report-deadlines';
import type { ErrorReportDoc, ErrorReportEventDoc, ErrorReportReplyDoc, ErrorReportScreenshotDoc } from './error-report.model';
import type { ErrorReportStaffView } from './error-report.service';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function deadlines(doc: ErrorReportDoc) {
  return { forward: presentDeadline(doc.forwardDeadline), reply: presentDeadline(doc.replyDeadline) };
}

function presentScreenshot(s: ErrorReportScreenshotDoc) {
  return { id: s.id, contentType: s.contentType, size: s.size, filename: s.filename, url: `/api/uploads/${s.id}` };
}

function citizenEvent(e: ErrorReportEventDoc) {
  return { type: e.type, label: ERROR_REPORT_EVENT_LABELS[e.type], at: e.at.toISOString(), status: e.status, departmentName: e.departmentName, note: e.note };
}

function replyView(reply: ErrorReportReplyDoc) {
  return {
    result: reply.result,
    resultLabel: ERROR_REPORT_RESULT_LABELS[reply.result],
    message: reply.message,
    repliedAt: reply.repliedAt.toISOString(),
    departmentName: reply.departmentName,
  };
}

/** `POST /api/error-reports` answer. */
export function presentCreated(doc: ErrorReportDoc): ErrorReportCreated {
  return {
    id: doc._id.toHexString(),
    trackingNo: doc.trackingNo,
    status: doc.status,
    statusLabel: ERROR_REPORT_STATUS_LABELS[doc.status],
    linked: !doc.primary,
    forwardDueAt: freshDeadline(doc.forwardDeadline).dueAt.toISOString(),
    replyDueAt: freshDeadline(doc.replyDeadline).dueAt.toISOString(),
    deadlines: deadlines(doc),
  };
}

/** An item of the citizen's own list. */
export function presentMySummary(doc: ErrorReportDoc): z.input<typeof MyErrorReportSummarySchema> {
  return {
    id: doc._id.toHexString(),
    trackingNo: doc.trackingNo,
    url: doc.url,
    errorType: doc.errorType,
    errorTypeLabel: ERROR_REPORT_TYPE_LABELS[doc.errorType],
    status: doc.status,
    statusLabel: ERROR_REPORT_STATUS_LABELS[doc.status],
    submittedAt: doc.submittedAt.toISOString(),
    replyDueAt: freshDeadline(doc.replyDeadline).dueAt.toISOString(),
    result: doc.reply?.result ?? null,
  };
}

/** The citizen's own report in full (their own contact included). */
export function presentMyDetail(doc: ErrorReportDoc): MyErrorReportDetail {
  return {
    ...presentMySummary(doc),
    description: doc.description,
    contact: doc.contact,
    linked: !doc.primary,
    departmentName: doc.departmentName,
    forwardDueAt: freshDeadline(doc.forwardDeadline).dueAt.toISOString(),
    deadlines: deadlines(doc),
    screenshots: doc.screenshots.map(presentScreenshot),
    reply: doc.reply ? replyView(doc.reply) : null,
    closedAt: iso(doc.closedAt),
    timeline: doc.timeline.map(citizenEvent),
  };
}

/** An item of the staff list, with overdue derived at `now`. */
export function presentStaffSummary(doc: ErrorReportDoc, now: Date): z.input<typeof AdminErrorReportSummarySchema> {
  return {
    id: doc._id.toHexString(),
    trackingNo: doc.trackingNo,
    url: doc.url,
    normalizedUrl: doc.normalizedUrl,
    errorType: doc.errorType,
    errorTypeLabel: ERROR_REPORT_TYPE_LABELS[doc.errorType],
    status: doc.status,
    statusLabel: ERROR_REPORT_STATUS_LABELS[doc.status],
    primary: doc.primary,
    duplicateOf: doc.duplicateOf?.toHexString() ?? null,
    duplicateCount: doc.duplicateCount,
    departmentId: doc.departmentId?.toHexString() ?? null,
    departmentName: doc.departmentName,
    hasContact: doc.contact !== null,
    submittedAt: doc.submittedAt.toISOString(),
    forwardDueAt: freshDeadline(doc.forwardDeadline).dueAt.toISOString(),
    replyDueAt: freshDeadline(doc.replyDeadline).dueAt.toISOString(),
    forwardedAt: iso(doc.forwardedAt),
    forwardedLate: doc.forwardedLate,
    repliedAt: iso(doc.repliedAt),
    replyLate: doc.reply ? doc.reply.late : null,
    result: doc.reply?.result ?? null,
    overdue: { forward: isForwardOverdue(doc, now), reply: isReplyOverdue(doc, now) },
  };
}

/**
 * The answer to a staff action (forward, reply, close): the summary as of the action, whose time is
 * the latest timeline step. No personal data, so no audited read is implied.
 */
export function presentStaffActionResult(doc: ErrorReportDoc): z.input<typeof AdminErrorReportSummarySchema> {
  const last = doc.timeline[doc.timeline.length - 1];
  return presentStaffSummary(doc, last ? last.at : doc.submittedAt);
}

/** A report for staff in full (personal data included: the service audited the read). */
export function presentStaffDetail(view: ErrorReportStaffView): AdminErrorReportDetail {
  const doc = view.report;
  return {
    ...presentStaffSummary(doc, view.asOf),
    description: doc.description,
    contact: doc.contact,
    contactKind: doc.contactKind,
    deadlines: deadlines(doc),
    screenshots: doc.screenshots.map(presentScreenshot),
    reply: doc.reply ? { ...replyView(doc.reply), repliedBy: doc.reply.repliedBy, late: doc.reply.late } : null,
    closedAt: iso(doc.closedAt),
    duplicates: view.duplicates.map((d) => ({ id: d._id.toHexString(), trackingNo: d.trackingNo, submittedAt: d.submittedAt.toISOString() })),
    primaryReport: view.primaryReport
      ? { id: view.primaryReport._id.toHexString(), trackingNo: view.primaryReport.trackingNo, status: view.primaryReport.status }
      : null,
    timeline: doc.timeline.map((e) => ({
      ...citizenEvent(e),
      actorKind: e.actorKind,
      actorId: e.actorId,
      actorRole: e.actorRole,
      departmentId: e.departmentId?.toHexString() ?? null,
      late: e.late,
    })),
  };
}
