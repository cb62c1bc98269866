/** How each feature's states read as tags (see components/status-tag). */
import type { ConsultationPhase, OpinionResult } from '@shared/consultations';
import type { ErrorReportResult, ErrorReportStatus } from '@shared/error-reports';
import type { LetterStatus } from '@shared/letters';
import type { StatusTone } from '../components/status-tag';

/** Letters: refused when not accepted, done once replied. */
export const LETTER_TONE: Record<LetterStatus, StatusTone> = {
  submitted: 'progress',
  accepted: 'progress',
  assigned: 'progress',
  drafted: 'progress',
  approved: 'progress',
  rejected: 'refused',
  replied: 'done',
  rated: 'done',
};

/** Error reports: done once replied. */
export const ERROR_REPORT_TONE: Record<ErrorReportStatus, StatusTone> = {
  submitted: 'progress',
  forwarded: 'progress',
  replied: 'done',
  closed: 'done',
};

/** Error-report results: only a fix is a success; the other two answers are neutral. */
export const ERROR_REPORT_RESULT_TONE: Record<ErrorReportResult, StatusTone> = {
  fixed: 'done',
  not_an_error: 'neutral',
  not_our_site: 'neutral',
};

/**
 * Whether an open error report is past a deadline, with the server's rule (error-report-deadlines:
 * not forwarded after the forward deadline, or not replied after the reply deadline). The citizen
 * views carry the deadlines but no `overdue` flag, so it is derived here from the phone's clock.
 */
export function isErrorReportOverdue(report: { status: ErrorReportStatus; replyDueAt: string; forwardDueAt?: string }, now = Date.now()): boolean {
  // The open states of OPEN_ERROR_REPORT_STATUSES, spelled out: a value import of the shared module
  // would pull it into the main package's common chunk (this file is shared by subpackages).
  if (report.status !== 'submitted' && report.status !== 'forwarded') return false;
  if (now > Date.parse(report.replyDueAt)) return true;
  return report.status === 'submitted' && report.forwardDueAt !== undefined && now > Date.parse(report.forwardDueAt);
}

/** Consultations: open ones stand out; closed ones are neutral until the adoption report. */
export const CONSULTATION_TONE: Record<ConsultationPhase, StatusTone> = {
  draft: 'neutral',
  upcoming: 'neutral',
  open: 'progress',
  closed: 'neutral',
  feedback_published: 'done',
};

/** Adoption of an opinion (采纳情况): adopted is done, partly adopted partial, not adopted neutral. */
export const OPINION_RESULT_TONE: Record<OpinionResult, StatusTone> = {
  adopted: 'done',
  partly_adopted: 'partial',
  not_adopted: 'neutral',
};
