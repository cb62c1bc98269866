/** Consultation background work, as a background task (see background-tasks.ts). */
import type { BackgroundTask } from '../../lib/background';

/** How often each instance looks for consultations whose end has passed. */
export const CONSULTATION_AUTO_CLOSE_INTERVAL_MS = 60_000;

/**
 * Closes consultations whose end time has passed (conditional `updateMany`s: idempotent and safe
 * on every instance at once, ADR 050), then resumes respondent notifications of adoption reports
 * whose publication was interrupted (deduplicated per respondent, so nobody is notified twice).
 */
export const consultationAutoCloseTask: BackgroundTask = {
  name: 'consultation-auto-close',
  intervalMs: CONSULTATION_AUTO_CLOSE_INTERVAL_MS,
  async run({ now, services, logger }) {
    const closed = await services.consultations.closeEndedConsultations(now);
    const notified = await services.consultations.resumeFeedbackNotifications();
    if (closed > 0 || notified > 0) logger.info({ closed, notified }, 'consultations closed / respondents notified');
  },
};
