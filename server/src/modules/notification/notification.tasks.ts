/** The subscribe-message outbox worker, as a background task (see background-tasks.ts). */
import type { BackgroundTask } from '../../lib/background';

/** How often each instance looks for due messages. */
export const OUTBOX_INTERVAL_MS = 10_000;

/**
 * Sends due subscribe messages. Runs on every instance: jobs are claimed one by one with a lease,
 * so instances share the work without sending a message twice.
 */
export const notificationOutboxTask: BackgroundTask = {
  name: 'notification-outbox',
  intervalMs: OUTBOX_INTERVAL_MS,
  async run({ services }) {
    await services.notifications.deliverDue();
  },
};
