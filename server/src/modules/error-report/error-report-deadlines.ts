/**
 * Deadlines of a 找错 report. Both run from the submission (DOMAIN.md: "forward within 1 working
 * day, reply within 3 working days"; we read both as counted from the day the citizen submitted,
 * not the reply window from the forward): forward due 1 working day after the submission date,
 * reply due 3 working days after it, each the end of that working day in CST. They are stored as
 * computed, with how they were computed; readers use {@link freshDeadline}, which recomputes a
 * deadline computed with an older calendar (a new State Council notice), and overdue is decided
 * here at read time, never stored.
 */
import { ERROR_REPORT_WORKING_DAYS, OPEN_ERROR_REPORT_STATUSES } from '../../../../shared/error-reports';
import { addWorkingDays, type Deadline } from '../../lib/calendar';
import type { ErrorReportDoc } from './error-report.model';
import { freshDeadline } from '../../lib/deadline-view';

/** Working days from submission to the forward deadline. */
export const FORWARD_WORKING_DAYS = ERROR_REPORT_WORKING_DAYS.forward;
/** Working days from submission to the reply deadline. */
export const REPLY_WORKING_DAYS = ERROR_REPORT_WORKING_DAYS.reply;

/** Both deadlines of a report submitted at `submittedAt`. */
export function reportDeadlines(submittedAt: Date): { forwardDeadline: Deadline; replyDeadline: Deadline } {
  return {
    forwardDeadline: addWorkingDays(submittedAt, FORWARD_WORKING_DAYS),
    replyDeadline: addWorkingDays(submittedAt, REPLY_WORKING_DAYS),
  };
}

type DeadlineFields = Pick<ErrorReportDoc, 'status' | 'forwardDeadline' | 'replyDeadline'>;

/** Still submitted (not forwarded) after the end of the forward deadline's last working day. */
export function isForwardOverdue(report: DeadlineFields, now: Date): boolean {
  return report.status === 'submitted' && now.getTime() > freshDeadline(report.forwardDeadline).dueAt.getTime();
}

/** Still open (not replied) after the end of the reply deadline's last working day. */
export function isReplyOverdue(report: DeadlineFields, now: Date): boolean {
  return OPEN_ERROR_REPORT_STATUSES.includes(report.status) && now.getTime() > freshDeadline(report.replyDeadline).dueAt.getTime();
}

/** Whether an action at `at` comes after the deadline (late actions are allowed but recorded). */
export function isLate(deadline: Deadline, at: Date): boolean {
  return at.getTime() > freshDeadline(deadline).dueAt.getTime();
}
