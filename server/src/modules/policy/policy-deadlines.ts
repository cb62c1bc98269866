/**
 * The interpretation deadline (文件与解读同步发布): a policy's interpretation is due at the end of
 * the 3rd working day after the policy's publication date (Chinese calendar, holidays and 调休
 * make-up days included). It is computed at read time from `publishedAt`, so a calendar change
 * (a new State Council notice) is picked up without recomputing stored values.
 */
import { INTERPRETATION_DUE_WORKING_DAYS } from '../../../../shared/policies';
import { addWorkingDays, workingDaysBetween, type Deadline } from '../../lib/calendar';
import type { PolicyDoc } from './policy.model';

/** When the interpretation of a policy published at `publishedAt` is due, with how it was computed. */
export function interpretationDeadline(publishedAt: Date): Deadline {
  return addWorkingDays(publishedAt, INTERPRETATION_DUE_WORKING_DAYS);
}

/** A published policy whose interpretation is missing or came out after the deadline. */
export interface InterpretationGap {
  policy: PolicyDoc;
  gap: 'missing' | 'late';
  deadline: Deadline;
  firstInterpretationAt: Date | null;
  /** Late, or missing with the deadline passed at `now`. */
  overdue: boolean;
  /** Working days after the due date: to the first interpretation (late) or to now (overdue missing). */
  workingDaysLate: number | null;
}

/**
 * The gap of a published policy at `now`, or null when its first interpretation came out by the
 * deadline.
 */
export function interpretationGapOf(policy: PolicyDoc, now: Date): InterpretationGap | null {
  if (!policy.publishedAt) return null;
  const deadline = interpretationDeadline(policy.publishedAt);
  const first = policy.interpretation?.firstPublishedAt ?? null;
  if (first) {
    if (first.getTime() <= deadline.dueAt.getTime()) return null;
    return { policy, gap: 'late', deadline, firstInterpretationAt: first, overdue: true, workingDaysLate: workingDaysBetween(deadline.dueDate, first) };
  }
  const overdue = now.getTime() > deadline.dueAt.getTime();
  return {
    policy,
    gap: 'missing',
    deadline,
    firstInterpretationAt: null,
    overdue,
    workingDaysLate: overdue ? workingDaysBetween(deadline.dueDate, now) : null,
  };
}

