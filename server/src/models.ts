/**
 * The model registry: every mongoose model, bound to one connection. `createApp` builds it from
 * the connection in its deps (tests pass their per-file connection), and services reach models
 * only through `deps.models`, never through the global mongoose connection.
 *
 * To add a model: define its schema in `modules/<feature>/<feature>.model.ts` (with
 * `autoIndex: false`; indexes are created by {@link ensureIndexes} at boot, and never TTL indexes:
 * the embedded engine refuses them), then add it below.
 */
import type { Connection, Model, Schema } from 'mongoose';
import { auditEntrySchema, type AuditEntryDoc } from './modules/audit/audit.model';
import { loginThrottleSchema, type LoginThrottleDoc } from './modules/auth/login-throttle.model';
import { departmentSchema, type DepartmentDoc } from './modules/department/department.model';
import { rateLimitWindowSchema, type RateLimitWindowDoc } from './modules/rate-limit/rate-limit.model';
import { staffSchema, type StaffDoc } from './modules/staff/staff.model';
import { userSchema, type UserDoc } from './modules/user/user.model';

/** Every model, by name. */
export interface Models {
  User: Model<UserDoc>;
  Staff: Model<StaffDoc>;
  Department: Model<DepartmentDoc>;
  AuditEntry: Model<AuditEntryDoc>;
  RateLimitWindow: Model<RateLimitWindowDoc>;
  LoginThrottle: Model<LoginThrottleDoc>;
}

/** Binds a schema to the connection once; later calls (a second app on the same connection) reuse it. */
function bind<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  const existing = connection.models[name] as Model<T> | undefined;
  return existing ?? connection.model<T>(name, schema);
}

/** Builds the registry on `connection`. */
export function createModels(connection: Connection): Models {
  return {
    User: bind(connection, 'User', userSchema),
    Staff: bind(connection, 'Staff', staffSchema),
    Department: bind(connection, 'Department', departmentSchema),
    AuditEntry: bind(connection, 'AuditEntry', auditEntrySchema),
    RateLimitWindow: bind(connection, 'RateLimitWindow', rateLimitWindowSchema),
    LoginThrottle: bind(connection, 'LoginThrottle', loginThrottleSchema),
  };
}

/**
 * Creates every declared index (idempotent). Run at boot before serving: unique indexes back
 * correctness (usernames, openids, the first-admin bootstrap), not just speed.
 */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models) as Model<unknown>[]) {
    await model.createIndexes();
  }
}
