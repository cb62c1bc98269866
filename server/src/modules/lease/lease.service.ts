/**
 * Leases in MongoDB: "at most one instance does this until then". Taking a lease is one atomic
 * conditional upsert, so instances behind the load balancer never both hold it; a crashed
 * holder's lease simply runs out. See ADR 022.
 */
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import type { ServiceDeps } from '../../services';

export interface LeaseService {
  /**
   * Takes the lease `name` for `holder` until now + `ttlMs` when it is free, expired or already
   * held by `holder` (which extends it). Returns whether `holder` now holds it.
   */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up early if `holder` still holds it. */
  release(name: string, holder: string): Promise<void>;
}

export function createLeaseService({ models, clock }: ServiceDeps): LeaseService {
  return {
    async tryAcquire(name, holder, ttlMs) {
      const now = new Date(clock());
      try {
        // Matches only a free, expired or own lease; when the document exists but is held by
        // someone else the upsert's insert hits the _id index instead, which means "taken".
        await models.Lease.updateOne(
          { _id: name, $or: [{ leaseUntil: { $lte: now } }, { holder }] },
          { $set: { holder, leaseUntil: new Date(now.getTime() + ttlMs), acquiredAt: now } },
          { upsert: true },
        );
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },

    async release(name, holder) {
      await models.Lease.updateOne({ _id: name, holder }, { $set: { leaseUntil: new Date(clock()) } });
    },
  };
}
