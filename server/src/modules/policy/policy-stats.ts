/**
 * Monthly figures of the policy-interpretation channel for the supervision statistics (月度督查统计),
 * computed from the policies themselves, so any month can be recomputed.
 *
 * The unit of work is a published policy of a category that requires an interpretation: its
 * publication "receives" the duty to interpret it, its first published interpretation "handles"
 * it, on time when by the end of the 3rd working day after publication. Per period [from, to):
 * - `received`: such policies published in the period;
 * - `handled`: such policies whose first interpretation was published in the period (whenever the
 *   policy was); `handledOnTime`: those by their deadline; `averageWorkingDaysToHandle`: working
 *   days from the policy's publication to its first interpretation, averaged (null when none);
 * - `overdueNow`: such policies without any interpretation past their deadline at `now`;
 * - `policiesPublished` (every category), `interpretationsPublished`, and the validity marks made
 *   in the period: `repealed`, `amended`, `expired`.
 * Everything counts for the policy's 责任部门 (interpretations for their policy's department).
 */
import type { Types } from 'mongoose';
import { workingDaysBetween } from '../../lib/calendar';
import { roundTo } from '../../lib/numbers';
import { interpretationDeadline } from './policy-deadlines';
import type { InterpretationDoc, PolicyDoc } from './policy.model';

/** The figures of one department (or of the whole channel). */
export interface PolicyFigures {
  received: number;
  handled: number;
  handledOnTime: number;
  /** Null when nothing was handled in the period. */
  averageWorkingDaysToHandle: number | null;
  overdueNow: number;
  policiesPublished: number;
  interpretationsPublished: number;
  repealed: number;
  amended: number;
  expired: number;
}

export interface PolicyDepartmentFigures extends PolicyFigures {
  departmentId: string;
  departmentName: string;
}

/** Answer of `services.policies.countsForMonth`. */
export interface PolicyMonthlyFigures {
  /** `YYYY-MM` (China Standard Time). */
  month: string;
  /** Start of the month (inclusive) and of the next (exclusive), as instants. */
  from: Date;
  to: Date;
  /** When `overdueNow` was evaluated. */
  computedAt: Date;
  total: PolicyFigures;
  /** Departments with any figure, by name. */
  byDepartment: PolicyDepartmentFigures[];
}

/** The documents the figures are computed from, fetched by the service. */
export interface PolicyFigureSources {
  /** Published policies with any date of interest in the period, or still uninterpreted. */
  policies: PolicyDoc[];
  /** Interpretations published in the period. */
  interpretations: Pick<InterpretationDoc, 'departmentId' | 'publishedAt'>[];
  /** Category keys whose policies require an interpretation. */
  requiredCategories: ReadonlySet<string>;
  /** Names of departments by id (those of `policies` are known already). */
  departmentNames?: ReadonlyMap<string, string>;
}

interface Tally {
  departmentName: string;
  received: number;
  handled: number;
  handledOnTime: number;
  handleDays: number;
  overdueNow: number;
  policiesPublished: number;
  interpretationsPublished: number;
  repealed: number;
  amended: number;
  expired: number;
}

const emptyTally = (departmentName: string): Tally => ({
  departmentName,
  received: 0,
  handled: 0,
  handledOnTime: 0,
  handleDays: 0,
  overdueNow: 0,
  policiesPublished: 0,
  interpretationsPublished: 0,
  repealed: 0,
  amended: 0,
  expired: 0,
});

function figuresOf(t: Tally): PolicyFigures {
  return {
    received: t.received,
    handled: t.handled,
    handledOnTime: t.handledOnTime,
    averageWorkingDaysToHandle: t.handled > 0 ? roundTo(t.handleDays / t.handled, 2) : null,
    overdueNow: t.overdueNow,
    policiesPublished: t.policiesPublished,
    interpretationsPublished: t.interpretationsPublished,
    repealed: t.repealed,
    amended: t.amended,
    expired: t.expired,
  };
}

/** Tallies the figures of [from, to), overdue counted at `now`. */
export function computePolicyFigures(
  sources: PolicyFigureSources,
  from: Date,
  to: Date,
  now: Date,
): { total: PolicyFigures; byDepartment: PolicyDepartmentFigures[] } {
  const total = emptyTally('');
  const byDept = new Map<string, Tally>();
  const names = new Map<string, string>(sources.departmentNames ?? []);
  for (const p of sources.policies) names.set(p.departmentId.toHexString(), p.departmentName);
  const inPeriod = (d: Date | null | undefined) => d != null && d >= from && d < to;
  const both = (departmentId: Types.ObjectId, f: (t: Tally) => void) => {
    const key = departmentId.toHexString();
    let t = byDept.get(key);
    if (!t) byDept.set(key, (t = emptyTally(names.get(key) ?? '')));
    f(total);
    f(t);
  };

  for (const p of sources.policies) {
    if (p.status !== 'published' || !p.publishedAt) continue;
    const required = sources.requiredCategories.has(p.category);
    const first = p.interpretation?.firstPublishedAt ?? null;
    if (inPeriod(p.publishedAt)) {
      both(p.departmentId, (t) => t.policiesPublished++);
      if (required) both(p.departmentId, (t) => t.received++);
    }
    if (required && first && inPeriod(first)) {
      const deadline = interpretationDeadline(p.publishedAt);
      const days = Math.max(0, workingDaysBetween(p.publishedAt, first));
      both(p.departmentId, (t) => {
        t.handled++;
        t.handleDays += days;
        if (first.getTime() <= deadline.dueAt.getTime()) t.handledOnTime++;
      });
    }
    if (required && !first && now.getTime() > interpretationDeadline(p.publishedAt).dueAt.getTime()) {
      both(p.departmentId, (t) => t.overdueNow++);
    }
    if (inPeriod(p.validityChangedAt)) {
      if (p.validity === 'repealed') both(p.departmentId, (t) => t.repealed++);
      if (p.validity === 'amended') both(p.departmentId, (t) => t.amended++);
      if (p.validity === 'expired') both(p.departmentId, (t) => t.expired++);
    }
  }
  for (const i of sources.interpretations) if (inPeriod(i.publishedAt)) both(i.departmentId, (t) => t.interpretationsPublished++);

  const byDepartment = [...byDept.entries()]
    .map(([departmentId, t]) => ({ departmentId, departmentName: t.departmentName, ...figuresOf(t) }))
    .sort((a, b) => a.departmentName.localeCompare(b.departmentName, 'zh-CN'));
  return { total: figuresOf(total), byDepartment };
}
