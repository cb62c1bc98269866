/** Marking policies past their expiry date as expired, as a background task (see background-tasks.ts). */
import type { BackgroundTask } from '../../lib/background';

/**
 * Marks published policies whose 失效日期 has passed (CST) as 已失效, so the public list never shows
 * an expired document as 现行有效. Exclusive (one instance per hour); every mark is a conditional
 * update, so an overlap or a concurrent office mark would still be harmless.
 */
export const policyExpiryTask: BackgroundTask = {
  name: 'policy-expiry',
  intervalMs: 3600_000,
  exclusive: true,
  async run({ services, logger }) {
    const expired = await services.policies.expireDuePolicies();
    if (expired > 0) logger.info({ expired }, 'marked policies past their expiry date as expired');
  },
};
