/** Deleting unattached uploads once they expire, as a background task (see background-tasks.ts). */
import type { BackgroundTask } from '../../lib/background';

/**
 * Deletes uploads never attached to an item, 24 hours after upload. Exclusive: one instance of
 * the fleet sweeps per hour (the deletes are conditional, so an overlap would still be harmless).
 */
export const uploadCleanupTask: BackgroundTask = {
  name: 'upload-cleanup',
  intervalMs: 3600_000,
  exclusive: true,
  async run({ services }) {
    await services.uploads.deleteExpired();
  },
};
