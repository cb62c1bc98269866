/**
 * Every feature's route module, in the order they appear in the OpenAPI document. Add a new
 * feature's module here (the OpenAPI route module is added by app.ts, which builds the document).
 */
import type { RouteModule } from './lib/route';
import { auditRoutes } from './modules/audit/audit.routes';
import { authRoutes } from './modules/auth/auth.routes';
import { contentSafetyRoutes } from './modules/content-safety/content-safety.routes';
import { departmentRoutes } from './modules/department/department.routes';
import { errorReportRoutes } from './modules/error-report/error-report.routes';
import { healthRoutes } from './modules/health/health.routes';
import { adminLetterRoutes, letterRoutes } from './modules/letter/letter.routes';
import { consultationRoutes } from './modules/consultation/consultation.routes';
import { notificationRoutes } from './modules/notification/notification.routes';
import { replyTemplateRoutes } from './modules/reply-template/reply-template.routes';
import { adminPolicyRoutes, policyRoutes } from './modules/policy/policy.routes';
import { staffRoutes } from './modules/staff/staff.routes';
import { statsRoutes } from './modules/stats/stats.routes';
import { uploadRoutes } from './modules/upload/upload.routes';
import { userRoutes } from './modules/user/user.routes';

export const ROUTE_MODULES: readonly RouteModule[] = [healthRoutes, authRoutes, staffRoutes, departmentRoutes, auditRoutes, letterRoutes, adminLetterRoutes, uploadRoutes, notificationRoutes, contentSafetyRoutes, errorReportRoutes, consultationRoutes, policyRoutes, adminPolicyRoutes, statsRoutes, userRoutes, replyTemplateRoutes];
