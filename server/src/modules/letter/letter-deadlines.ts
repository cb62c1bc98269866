/**
 * Deadlines of a letter as read at request time. Stored deadlines keep how they were computed; if
 * the working-day calendar has changed since (a new State Council notice), the deadline is
 * recomputed from its start date and working days, so a reader never sees a stale due date.
 * Whether a letter is overdue is derived here, from the current time, and never stored.
 */
import type { LetterStatus } from '../../../../shared/letters';
import { OPEN_LETTER_STATUSES } from '../../../../shared/letters';
import { workingDaysBetween, type Deadline } from '../../lib/calendar';
import type { LetterDoc } from './letter.model';
import { freshDeadline } from '../../lib/deadline-view';

/** True while the letter is being handled (it has a current deadline). */
export function isOpen(status: LetterStatus): boolean {
  return OPEN_LETTER_STATUSES.includes(status);
}

/** Which deadline governs the letter's current step, or null once it is closed. */
export function currentStep(letter: Pick<LetterDoc, 'status'>): 'accept' | 'reply' | null {
  if (!isOpen(letter.status)) return null;
  return letter.status === 'submitted' ? 'accept' : 'reply';
}

/** The current step's deadline (fresh), or null once the letter is closed. */
export function currentDeadline(letter: Pick<LetterDoc, 'status' | 'acceptDeadline' | 'replyDeadline'>): Deadline | null {
  const step = currentStep(letter);
  if (step === null) return null;
  return freshDeadline(step === 'accept' ? letter.acceptDeadline : letter.replyDeadline);
}

/** Overdue: open and past the end of the current step's last working day. */
export function isOverdue(letter: Pick<LetterDoc, 'status' | 'acceptDeadline' | 'replyDeadline'>, now: Date): boolean {
  const d = currentDeadline(letter);
  return d !== null && now.getTime() > d.dueAt.getTime();
}

/** Working days left in the current step (the due day included; negative when overdue). */
export function workingDaysLeft(deadline: Deadline, now: Date): number {
  return workingDaysBetween(now, deadline.dueDate);
}
