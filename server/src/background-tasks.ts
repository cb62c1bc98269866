/**
 * The background-task registry: every periodic task the BFF runs (see lib/background.ts for the
 * rules a task must follow on a fleet of instances). To add one, export a {@link BackgroundTask}
 * from `modules/<feature>/<feature>.tasks.ts` and list it below.
 */
import type { BackgroundTask } from './lib/background';
import { consultationAutoCloseTask } from './modules/consultation/consultation.tasks';
import { errorReportDeadlineRecomputeTask } from './modules/error-report/error-report.tasks';
import { letterDeadlineRecomputeTask } from './modules/letter/letter.tasks';
import { notificationOutboxTask } from './modules/notification/notification.tasks';
import { policyExpiryTask } from './modules/policy/policy.tasks';
import { uploadCleanupTask } from './modules/upload/upload.tasks';

/** Every background task, in start order. */
export function createBackgroundTasks(): BackgroundTask[] {
  return [notificationOutboxTask, uploadCleanupTask, consultationAutoCloseTask, letterDeadlineRecomputeTask, errorReportDeadlineRecomputeTask, policyExpiryTask];
}
