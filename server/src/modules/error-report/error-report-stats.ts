/**
 * Monthly figures of the 找错 channel for the supervision statistics (月度督查统计), computed from
 * the reports themselves (nothing is counted in advance, so any month can be recomputed). Field
 * names follow the mailbox's figures (letter-stats.ts) so the cross-channel statistics can sum them.
 *
 * Definitions, per period [from, to):
 * - `received`: reports submitted in the period, duplicates included; `duplicates`: those of them
 *   linked to an earlier report of the same problem.
 * - `forwarded`: primaries forwarded in the period; `forwardedOnTime`: by the end of their forward
 *   deadline (1 working day after submission).
 * - `replied` (= `handled` for this channel): primaries replied in the period; `repliedOnTime`: by
 *   the end of their reply deadline (3 working days after submission); `averageReplyWorkingDays`:
 *   working days from submission to reply, averaged.
 * - `overdueNow`: open primaries past the deadline of their current step at `now` (not tied to the
 *   period): not forwarded past the forward deadline, or not replied past the reply deadline.
 *
 * Duplicates count as received only: their handling is their primary's, and counting it again
 * would inflate the on-time figures.
 *
 * Per department: received and overdue reports count for the department now holding them
 * (`departmentId: null` gathers reports not yet forwarded), forwards and replies for the
 * department they went to.
 */
import type { Types } from 'mongoose';
import { workingDaysBetween } from '../../lib/calendar';
import { roundTo } from '../../lib/numbers';
import { isForwardOverdue, isReplyOverdue } from './error-report-deadlines';
import type { ErrorReportDoc } from './error-report.model';

/** The figures of one department (or of the whole channel). */
export interface ErrorReportFigures {
  received: number;
  duplicates: number;
  forwarded: number;
  forwardedOnTime: number;
  /** Equal to `replied`: a reply is how a report is handled. */
  handled: number;
  replied: number;
  repliedOnTime: number;
  /** Null when nothing was replied in the period. */
  averageReplyWorkingDays: number | null;
  overdueNow: number;
}

/** Figures of one department; `departmentId: null` gathers reports not yet forwarded. */
export interface ErrorReportDepartmentFigures extends ErrorReportFigures {
  departmentId: string | null;
  departmentName: string | null;
}

/** Answer of `services.errorReports.countsForMonth`. */
export interface ErrorReportMonthlyFigures {
  channel: 'error_reports';
  /** `YYYY-MM` (China Standard Time). */
  month: string;
  /** Start of the month (inclusive) and of the next (exclusive), as instants. */
  from: Date;
  to: Date;
  /** When `overdueNow` was evaluated. */
  computedAt: Date;
  total: ErrorReportFigures;
  /** Departments with any figure, by name (the `null` bucket last). */
  byDepartment: ErrorReportDepartmentFigures[];
}

/** The fields the figures are computed from. */
export type ReportForFigures = Pick<
  ErrorReportDoc,
  | '_id'
  | 'status'
  | 'primary'
  | 'departmentId'
  | 'departmentName'
  | 'submittedAt'
  | 'forwardedAt'
  | 'forwardedLate'
  | 'repliedAt'
  | 'reply'
  | 'forwardDeadline'
  | 'replyDeadline'
>;

/** The reports the figures are computed from, fetched by the service. */
export interface FigureSources {
  received: ReportForFigures[];
  forwarded: ReportForFigures[];
  replied: ReportForFigures[];
  open: ReportForFigures[];
}

interface Tally {
  departmentName: string | null;
  received: number;
  duplicates: number;
  forwarded: number;
  forwardedOnTime: number;
  replied: number;
  repliedOnTime: number;
  replyDays: number;
  overdueNow: number;
}

const emptyTally = (departmentName: string | null): Tally => ({
  departmentName,
  received: 0,
  duplicates: 0,
  forwarded: 0,
  forwardedOnTime: 0,
  replied: 0,
  repliedOnTime: 0,
  replyDays: 0,
  overdueNow: 0,
});

function figuresOf(t: Tally): ErrorReportFigures {
  return {
    received: t.received,
    duplicates: t.duplicates,
    forwarded: t.forwarded,
    forwardedOnTime: t.forwardedOnTime,
    handled: t.replied,
    replied: t.replied,
    repliedOnTime: t.repliedOnTime,
    averageReplyWorkingDays: t.replied > 0 ? roundTo(t.replyDays / t.replied, 2) : null,
    overdueNow: t.overdueNow,
  };
}

/** Tallies the figures of [from, to), overdue counted at `now`. */
export function computeFigures(
  sources: FigureSources,
  from: Date,
  to: Date,
  now: Date,
): { total: ErrorReportFigures; byDepartment: ErrorReportDepartmentFigures[] } {
  const total = emptyTally(null);
  const byDept = new Map<string, Tally>();
  const inPeriod = (d: Date | null | undefined) => d != null && d >= from && d < to;
  const bucket = (id: Types.ObjectId | null, name: string | null): Tally => {
    const key = id ? id.toHexString() : '';
    let t = byDept.get(key);
    if (!t) byDept.set(key, (t = emptyTally(id ? name : null)));
    else if (id && name && !t.departmentName) t.departmentName = name;
    return t;
  };
  const both = (r: ReportForFigures, f: (t: Tally) => void) => {
    f(total);
    f(bucket(r.departmentId, r.departmentName));
  };

  for (const r of sources.received) {
    if (!inPeriod(r.submittedAt)) continue;
    both(r, (t) => {
      t.received++;
      if (!r.primary) t.duplicates++;
    });
  }
  for (const r of sources.forwarded) {
    if (!r.primary || !inPeriod(r.forwardedAt)) continue;
    both(r, (t) => {
      t.forwarded++;
      if (r.forwardedLate === false) t.forwardedOnTime++;
    });
  }
  for (const r of sources.replied) {
    if (!r.primary || !r.reply || !inPeriod(r.reply.repliedAt)) continue;
    const reply = r.reply;
    const days = Math.max(0, workingDaysBetween(r.submittedAt, reply.repliedAt));
    both(r, (t) => {
      t.replied++;
      t.replyDays += days;
      if (!reply.late) t.repliedOnTime++;
    });
  }
  for (const r of sources.open) {
    if (r.primary && (isForwardOverdue(r, now) || isReplyOverdue(r, now))) both(r, (t) => t.overdueNow++);
  }

  const byDepartment = [...byDept.entries()]
    .map(([key, t]) => ({ departmentId: key || null, departmentName: t.departmentName, ...figuresOf(t) }))
    .sort((a, b) => {
      if (a.departmentId === null) return 1;
      if (b.departmentId === null) return -1;
      return (a.departmentName ?? '').localeCompare(b.departmentName ?? '', 'zh-CN');
    });
  return { total: figuresOf(total), byDepartment };
}
