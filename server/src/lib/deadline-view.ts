/**
 * Stored working-day deadlines (`Deadline` from calendar.ts) as features keep and show them: one
 * mongoose sub-schema for storage, and the API view with its Chinese explanation, recomputed when
 * the calendar changed since the deadline was stored.
 */
import { Schema } from 'mongoose';
import type { DeadlineView } from '../../../shared/deadlines';
import { explainDeadline, needsRecompute, recomputeDeadline, type Deadline } from './calendar';

/** The mongoose sub-schema of a stored {@link Deadline} (no `_id`). */
export const deadlineSchema = new Schema<Deadline>(
  {
    dueAt: { type: Date, required: true },
    workingDays: { type: Number, required: true },
    startDate: { type: String, required: true },
    dueDate: { type: String, required: true },
    skipped: { type: [{ _id: false, date: String, reason: String, name: String }], default: [] },
    makeupWorkdays: { type: [String], default: [] },
    basis: { type: String, required: true },
    calendarVersion: { type: String, required: true },
  },
  { _id: false },
);

/** The deadline under the current calendar (recomputed when it was computed with another version). */
export function freshDeadline(deadline: Deadline): Deadline {
  return needsRecompute(deadline) ? recomputeDeadline(deadline) : deadline;
}

/** A deadline as the API shows it, with its Chinese explanation. */
export function presentDeadline(deadline: Deadline): DeadlineView {
  const d = freshDeadline(deadline);
  return {
    dueAt: d.dueAt.toISOString(),
    workingDays: d.workingDays,
    startDate: d.startDate,
    dueDate: d.dueDate,
    basis: d.basis,
    explanation: explainDeadline(d),
  };
}
