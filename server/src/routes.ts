/**
 * Every feature's route module, in the order they appear in the OpenAPI document. Add a new
 * feature's module here (the OpenAPI route module is added by app.ts, which builds the document).
 */
import type { RouteModule } from './lib/route';
import { auditRoutes } from './modules/audit/audit.routes';
import { authRoutes } from './modules/auth/auth.routes';
import { departmentRoutes } from './modules/department/department.routes';
import { healthRoutes } from './modules/health/health.routes';
import { staffRoutes } from './modules/staff/staff.routes';

export const ROUTE_MODULES: readonly RouteModule[] = [healthRoutes, authRoutes, staffRoutes, departmentRoutes, auditRoutes];
