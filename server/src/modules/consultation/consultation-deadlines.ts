/**
 * Time rules of a consultation, all in China Standard Time calendar dates:
 *
 * - **Phase** (what readers see) is derived from the stored status and the clock: an `open`
 *   consultation is `upcoming` before `startAt` and `closed` from `endAt` on, before the auto-close
 *   task has stored the change.
 * - **Minimum duration** (checked when an office opens it): the start date does not count, as for
 *   every legal period; the consultation must stay open through the whole required last day:
 *   - `days30`: the 30th calendar day after the start date (opened 2026-01-01 → through 2026-01-31);
 *   - `workdays7`: the 7th working day after the start date on the Chinese calendar, holidays and
 *     调休 make-up days included (opened 2026-09-28 → through 2026-10-13, past 国庆 2026);
 *   - `none`: no minimum.
 *   "Through the whole day" is compared to the second: an end of 23:59:59 CST on that day (or any
 *   later instant) satisfies the rule.
 * - **Feedback deadline**: the adoption report is due one calendar month after the consultation
 *   closed: the same day number in the next month, clamped to that month's last day (closed
 *   2026-01-31 → due 2026-02-28; 2026-03-31 → 2026-04-30; 2026-12-15 → 2027-01-15), due at the
 *   end of that CST day.
 */
import type { ConsultationPhase, MinDurationRule } from '../../../../shared/consultations';
import { addWorkingDays, explainDeadline } from '../../lib/calendar';
import {
  civilFromDayNumber,
  dayNumberFromCivil,
  endOfCstDay,
  formatIsoDate,
  startOfCstDay,
  toDayNumber,
  weekdayNameOf,
  type IsoDate,
} from '../../lib/calendar-dates';
import type { ConsultationDoc } from './consultation.model';

/** Days of the `days30` rule. */
export const MIN_CALENDAR_DAYS = 30;
/** Working days of the `workdays7` rule. */
export const MIN_WORKING_DAYS = 7;

/** The derived phase of a consultation at `now`. */
export function phaseOf(doc: Pick<ConsultationDoc, 'status' | 'startAt' | 'endAt'>, now: Date): ConsultationPhase {
  if (doc.status !== 'open') return doc.status;
  if (now.getTime() < doc.startAt.getTime()) return 'upcoming';
  if (now.getTime() >= doc.endAt.getTime()) return 'closed';
  return 'open';
}

/** True while responses are accepted: stored `open` and startAt ≤ now < endAt. */
export function isAcceptingResponses(doc: Pick<ConsultationDoc, 'status' | 'startAt' | 'endAt'>, now: Date): boolean {
  return phaseOf(doc, now) === 'open';
}

/** Whole CST calendar days from today to the end date (0 on the last day) while open, else null. */
export function daysLeft(doc: Pick<ConsultationDoc, 'status' | 'startAt' | 'endAt'>, now: Date): number | null {
  if (phaseOf(doc, now) !== 'open') return null;
  // The last instant responses are accepted is endAt − 1 ms.
  return toDayNumber(new Date(doc.endAt.getTime() - 1)) - toDayNumber(now);
}

/** Day number of the 1st of the month after `year`-`month`. */
function firstDayOfFollowingMonth(year: number, month: number): number {
  return month === 12 ? dayNumberFromCivil(year + 1, 1, 1) : dayNumberFromCivil(year, month + 1, 1);
}

/** The due date of the adoption report: one calendar month after closing (see the module comment). */
export function feedbackDeadline(closedAt: Date): { dueDate: IsoDate; dueAt: Date } {
  const { year, month, day } = civilFromDayNumber(toDayNumber(closedAt));
  const firstOfNext = firstDayOfFollowingMonth(year, month);
  const next = civilFromDayNumber(firstOfNext);
  // The day before the first of the month after next is the next month's last day.
  const lastDayOfNext = civilFromDayNumber(firstDayOfFollowingMonth(next.year, next.month) - 1).day;
  const dueDay = dayNumberFromCivil(next.year, next.month, Math.min(day, lastDayOfNext));
  return { dueDate: formatIsoDate(dueDay), dueAt: endOfCstDay(dueDay) };
}

/** Derived, never stored: closed (not yet reported on) and past the feedback deadline. */
export function isFeedbackOverdue(doc: Pick<ConsultationDoc, 'status' | 'startAt' | 'endAt' | 'feedbackDueAt' | 'feedbackPublishedAt'>, now: Date): boolean {
  if (doc.feedbackPublishedAt) return false;
  if (phaseOf(doc, now) !== 'closed') return false;
  // Ended by the clock but not yet closed by the task: the deadline runs from the end time.
  const due = doc.feedbackDueAt ?? feedbackDeadline(doc.endAt).dueAt;
  return now.getTime() > due.getTime();
}

/** What the minimum-duration rule requires for a consultation starting at `startAt`. */
export interface MinimumEnd {
  rule: Exclude<MinDurationRule, 'none'>;
  /** The CST date the consultation must stay open through. */
  requiredLastDate: IsoDate;
  /** End of that day (23:59:59.999 CST); endAt is compared to the second. */
  minEndAt: Date;
  /** Chinese explanation of the rule and the computation, shown when opening is refused. */
  explanation: string;
}

function fullDate(dayNumber: number): string {
  const { year, month, day } = civilFromDayNumber(dayNumber);
  return `${year}年${month}月${day}日（${weekdayNameOf(dayNumber)}）`;
}

/** The earliest allowed end for `startAt` under `rule`, or null for `none`. */
export function minimumEnd(rule: MinDurationRule, startAt: Date): MinimumEnd | null {
  if (rule === 'none') return null;
  if (rule === 'days30') {
    const startDay = toDayNumber(startAt);
    const lastDay = startDay + MIN_CALENDAR_DAYS;
    return {
      rule,
      requiredLastDate: formatIsoDate(lastDay),
      minEndAt: endOfCstDay(lastDay),
      explanation:
        `规章和重大行政决策草案公开征求意见的期限一般不少于${MIN_CALENDAR_DAYS}日：` +
        `自${fullDate(startDay)}起算（当日不计），征集须持续至${fullDate(lastDay)}24时。`,
    };
  }
  const deadline = addWorkingDays(startAt, MIN_WORKING_DAYS);
  return {
    rule,
    requiredLastDate: deadline.dueDate,
    minEndAt: deadline.dueAt,
    explanation:
      `行政规范性文件公开征求意见的期限一般不少于${MIN_WORKING_DAYS}个工作日：${explainDeadline(deadline)}` +
      `征集须持续至${fullDate(toDayNumber(deadline.dueDate))}24时。`,
  };
}

/** True when `endAt` satisfies `min` (compared to the second, so 23:59:59 of the last day is enough). */
export function meetsMinimumEnd(endAt: Date, min: MinimumEnd): boolean {
  return Math.floor(endAt.getTime() / 1000) >= Math.floor(min.minEndAt.getTime() / 1000);
}

/** Start of the CST month `YYYY-MM` and of the month after it, for monthly statistics. */
export function monthRange(month: string): { from: Date; to: Date } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new RangeError(`Expected YYYY-MM, got "${month}"`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12) throw new RangeError(`Expected YYYY-MM, got "${month}"`);
  return { from: startOfCstDay(dayNumberFromCivil(year, mon, 1)), to: startOfCstDay(firstDayOfFollowingMonth(year, mon)) };
}
