/** 找错 background work, as background tasks (see background-tasks.ts). */
import type { BackgroundTask } from '../../lib/background';

/** How often open reports' deadlines are checked against the calendar version. */
export const ERROR_REPORT_DEADLINE_RECOMPUTE_INTERVAL_MS = 60 * 60_000;

/**
 * After the working-day calendar changes (a new State Council notice, a `chinese-days` upgrade),
 * rewrites the stored deadlines of open reports so the stored due dates used by the overdue filter
 * and the monthly figures match what readers see (readers already recompute on the fly).
 * Idempotent, and exclusive: one instance per interval.
 */
export const errorReportDeadlineRecomputeTask: BackgroundTask = {
  name: 'error-report-deadline-recompute',
  intervalMs: ERROR_REPORT_DEADLINE_RECOMPUTE_INTERVAL_MS,
  exclusive: true,
  async run({ services, logger }) {
    const changed = await services.errorReports.recomputeOpenDeadlines();
    if (changed > 0) logger.info({ changed }, 'recomputed the deadlines of open error reports after a calendar change');
  },
};
