/** Liveness and database reachability, for the load balancer and operators. */
import { pingDatabase, type DatabaseKind } from '../../lib/db';
import { AppError } from '../../lib/errors';
import type { ServiceDeps } from '../../services';

export interface HealthReport {
  status: 'ok';
  db: DatabaseKind;
}

export interface HealthService {
  /** @throws service_unavailable when the database does not answer a ping. */
  check(): Promise<HealthReport>;
}

export function createHealthService({ db, logger }: ServiceDeps): HealthService {
  return {
    async check() {
      if (!(await pingDatabase(db.connection))) {
        logger.error({ db: db.kind }, 'health check: the database did not answer');
        throw new AppError('service_unavailable', { details: { db: db.kind } });
      }
      return { status: 'ok', db: db.kind };
    },
  };
}
