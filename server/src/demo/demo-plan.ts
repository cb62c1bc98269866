/** What the demo's planners share: time helpers and the plan they add events to. */
import type { Services } from '../services';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** An instant `ago` days before `now`, at `hour` CST. */
export function cstDayAt(now: number, ago: number, hour: number): number {
  const cstMidnight = Math.floor((now + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
  return cstMidnight - ago * DAY + hour * HOUR;
}

/** What the planners share. */
export interface Plan {
  /** Adds a step to the lane, run with the lane's clock at `when` (which must be in the past). */
  at: (when: number, run: () => Promise<void>) => void;
  now: number;
  dept: (key: string) => string;
  services: Services;
}
