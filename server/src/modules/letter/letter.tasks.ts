/** Mailbox background work, as background tasks (see background-tasks.ts). */
import type { BackgroundTask } from '../../lib/background';

/** How often open letters' deadlines are checked against the calendar version. */
export const DEADLINE_RECOMPUTE_INTERVAL_MS = 60 * 60_000;

/**
 * After the working-day calendar changes (a new State Council notice in the overrides file, or a
 * `chinese-days` upgrade), rewrites the stored deadlines of open letters so `openDueAt` filters
 * (overdue, due soon) use the new dates. Readers already recompute on the fly; this keeps the
 * stored values and the filters in line. Also drops submission locks past any duplicate window.
 * Idempotent, and exclusive: one instance per interval.
 */
export const letterDeadlineRecomputeTask: BackgroundTask = {
  name: 'letter-deadline-recompute',
  intervalMs: DEADLINE_RECOMPUTE_INTERVAL_MS,
  exclusive: true,
  async run({ services, logger }) {
    const changed = await services.letters.recomputeOpenDeadlines();
    if (changed > 0) logger.info({ changed }, 'recomputed the deadlines of open letters after a calendar change');
    await services.letters.sweepSubmissionLocks();
  },
};
