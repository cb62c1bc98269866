/**
 * Monthly figures of the mailbox for the supervision statistics (月度督查统计), computed from the
 * letters themselves (nothing is counted in advance, so figures can be recomputed for any month).
 *
 * Definitions, per period [from, to):
 * - `received`: letters submitted in the period.
 * - `replied`: replies sent in the period (a follow-up's second reply counts on its own);
 *   `repliedOnTime`: those sent by the end of their round's reply deadline; `averageReplyWorkingDays`:
 *   working days from the round's start (submission or follow-up) to the reply, averaged.
 * - `rejected`: letters rejected (不予受理) in the period; `handled` = replied + rejected.
 * - `overdueNow`: open letters past their current step's deadline at `now` (not tied to the period).
 * - `rated`, `averageScore`, `satisfied` (score ≥ 4) and `satisfactionRate` over ratings given in the period.
 *
 * Per department: replies and ratings count for the department that replied, received and
 * overdue letters for the department currently handling them, rejections for none (`null`: the
 * office, before any assignment).
 */
import { Types } from 'mongoose';
import { workingDaysBetween } from '../../lib/calendar';
import { roundTo } from '../../lib/numbers';
import type { LetterDoc } from './letter.model';
import { isOverdue } from './letter-deadlines';

/** The figures of one department (or of the whole mailbox). */
export interface LetterFigures {
  received: number;
  handled: number;
  rejected: number;
  replied: number;
  repliedOnTime: number;
  /** Null when nothing was replied in the period. */
  averageReplyWorkingDays: number | null;
  overdueNow: number;
  rated: number;
  /** Null when nothing was rated in the period. */
  averageScore: number | null;
  /** Ratings of 4 or 5. */
  satisfied: number;
  /** satisfied / rated, 0–1, or null when nothing was rated. */
  satisfactionRate: number | null;
}

/** Figures of one department; `departmentId: null` gathers letters no department holds. */
export interface LetterDepartmentFigures extends LetterFigures {
  departmentId: string | null;
  departmentName: string | null;
}

/** Answer of `services.letters.countsForMonth`. */
export interface LetterMonthlyFigures {
  /** Which channel of the supervision statistics these figures are. */
  channel: 'letters';
  /** `YYYY-MM` (China Standard Time). */
  month: string;
  /** Start of the month (inclusive) and of the next (exclusive), as instants. */
  from: Date;
  to: Date;
  /** When `overdueNow` was evaluated. */
  computedAt: Date;
  total: LetterFigures;
  /** Departments with any figure, by name (the `null` bucket last). */
  byDepartment: LetterDepartmentFigures[];
}

interface Tally {
  departmentName: string | null;
  received: number;
  rejected: number;
  replied: number;
  repliedOnTime: number;
  replyDays: number;
  overdueNow: number;
  rated: number;
  scoreSum: number;
  satisfied: number;
}

const emptyTally = (departmentName: string | null): Tally => ({
  departmentName,
  received: 0,
  rejected: 0,
  replied: 0,
  repliedOnTime: 0,
  replyDays: 0,
  overdueNow: 0,
  rated: 0,
  scoreSum: 0,
  satisfied: 0,
});

function figuresOf(t: Tally): LetterFigures {
  return {
    received: t.received,
    handled: t.replied + t.rejected,
    rejected: t.rejected,
    replied: t.replied,
    repliedOnTime: t.repliedOnTime,
    averageReplyWorkingDays: t.replied > 0 ? roundTo(t.replyDays / t.replied, 2) : null,
    overdueNow: t.overdueNow,
    rated: t.rated,
    averageScore: t.rated > 0 ? roundTo(t.scoreSum / t.rated, 2) : null,
    satisfied: t.satisfied,
    satisfactionRate: t.rated > 0 ? roundTo(t.satisfied / t.rated, 2) : null,
  };
}

/** The letters the figures are computed from, fetched by the service. */
export interface FigureSources {
  received: LetterDoc[];
  rejected: LetterDoc[];
  replied: LetterDoc[];
  rated: LetterDoc[];
  open: LetterDoc[];
}

/** Tallies the figures of [from, to), overdue counted at `now`. */
export function computeFigures(sources: FigureSources, from: Date, to: Date, now: Date): { total: LetterFigures; byDepartment: LetterDepartmentFigures[] } {
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
  const both = (id: Types.ObjectId | null, name: string | null, f: (t: Tally) => void) => {
    f(total);
    f(bucket(id, name));
  };

  for (const l of sources.received) if (inPeriod(l.submittedAt)) both(l.departmentId, l.departmentName, (t) => t.received++);
  for (const l of sources.rejected) if (inPeriod(l.rejectedAt)) both(null, null, (t) => t.rejected++);
  for (const l of sources.replied) {
    for (const r of l.replies) {
      if (!inPeriod(r.sentAt)) continue;
      const days = Math.max(0, workingDaysBetween(r.startedAt, r.sentAt));
      both(r.departmentId, r.departmentName, (t) => {
        t.replied++;
        t.replyDays += days;
        if (r.sentAt.getTime() <= r.dueAt.getTime()) t.repliedOnTime++;
      });
    }
  }
  for (const l of sources.rated) {
    for (const rating of l.ratings) {
      if (!inPeriod(rating.at)) continue;
      const reply = l.replies.find((r) => r.round === rating.round);
      both(reply?.departmentId ?? null, reply?.departmentName ?? null, (t) => {
        t.rated++;
        t.scoreSum += rating.score;
        if (rating.score >= 4) t.satisfied++;
      });
    }
  }
  for (const l of sources.open) if (isOverdue(l, now)) both(l.departmentId, l.departmentName, (t) => t.overdueNow++);

  const byDepartment = [...byDept.entries()]
    .map(([key, t]) => ({ departmentId: key || null, departmentName: t.departmentName, ...figuresOf(t) }))
    .sort((a, b) => {
      if (a.departmentId === null) return 1;
      if (b.departmentId === null) return -1;
      return (a.departmentName ?? '').localeCompare(b.departmentName ?? '', 'zh-CN');
    });
  return { total: figuresOf(total), byDepartment };
}
