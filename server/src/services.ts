/**
 * The service registry. Every feature's business logic lives in `create<Feature>Service(deps)`
 * factories returning plain async functions `doThing(actor, input)`; route handlers reach them
 * as `services.<feature>`. Services call each other through `deps.services` (resolved at call
 * time, so the order of creation does not matter and two services may call each other), never
 * through another feature's model.
 *
 * To add a feature: write `modules/<feature>/<feature>.service.ts` with an exported interface
 * and factory, add it to {@link Services} and to {@link createServices}.
 */
import type { Connection } from 'mongoose';
import type { Config } from './config';
import type { Clock } from './lib/clock';
import type { DatabaseKind } from './lib/db';
import type { Logger } from './lib/logger';
import type { WechatClient } from './lib/wechat';
import type { Models } from './models';
import { createAuditService, type AuditService } from './modules/audit/audit.service';
import { createAuthService, type AuthService } from './modules/auth/auth.service';
import { createDepartmentService, type DepartmentService } from './modules/department/department.service';
import { createHealthService, type HealthService } from './modules/health/health.service';
import { createRateLimitService, type RateLimitService } from './modules/rate-limit/rate-limit.service';
import { createStaffService, type StaffService } from './modules/staff/staff.service';
import { createUserService, type UserService } from './modules/user/user.service';

/** Every service, by feature. */
export interface Services {
  audit: AuditService;
  auth: AuthService;
  departments: DepartmentService;
  health: HealthService;
  rateLimits: RateLimitService;
  staff: StaffService;
  users: UserService;
}

/** What every service factory receives. */
export interface ServiceDeps {
  models: Models;
  /** The database the models live on (for health checks and transactions). */
  db: { kind: DatabaseKind; connection: Connection };
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Null when WeChat credentials are not configured (development with dev login). */
  wechat: WechatClient | null;
  /** The other services; use them only inside service functions, not in the factory body. */
  services: Services;
}

/** Creates every service on the given models. */
export function createServices(base: Omit<ServiceDeps, 'services'>): Services {
  // Filled right below; factories only capture the object and use it later, at call time.
  const services = {} as Services;
  const deps: ServiceDeps = { ...base, services };
  const all: Services = {
    audit: createAuditService(deps),
    auth: createAuthService(deps),
    departments: createDepartmentService(deps),
    health: createHealthService(deps),
    rateLimits: createRateLimitService(deps),
    staff: createStaffService(deps),
    users: createUserService(deps),
  };
  return Object.assign(services, all);
}
