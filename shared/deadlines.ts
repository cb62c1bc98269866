/** How a working-day deadline is shown, in every feature (mailbox, error reports, policies). */
import { z } from 'zod';

/** A working-day deadline with how it was computed, as the citizen and staff are shown it. */
export const DeadlineViewSchema = z.object({
  dueAt: z.iso.datetime(),
  workingDays: z.number().int(),
  /** CST date the count starts from (it does not count itself). */
  startDate: z.string(),
  dueDate: z.string(),
  basis: z.enum(['chinese-days', 'override', 'weekends-only']),
  /** Plain Chinese: which holidays and 调休 days were taken into account, e.g. "自2026年9月30日起算3个工作日（当日不计），跳过国庆节假期…". */
  explanation: z.string(),
});
export type DeadlineView = z.infer<typeof DeadlineViewSchema>;
