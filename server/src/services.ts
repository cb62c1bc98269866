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
import { createConsultationService, type ConsultationService } from './modules/consultation/consultation.service';
import { createContentSafetyService, type ContentSafetyService } from './modules/content-safety/content-safety.service';
import { createDepartmentService, type DepartmentService } from './modules/department/department.service';
import { createReplyTemplateService, type ReplyTemplateService } from './modules/reply-template/reply-template.service';
import { createErrorReportService, type ErrorReportService } from './modules/error-report/error-report.service';
import { createHealthService, type HealthService } from './modules/health/health.service';
import { createLeaseService, type LeaseService } from './modules/lease/lease.service';
import { createLetterService, type LetterService } from './modules/letter/letter.service';
import { createNotificationService, type NotificationService } from './modules/notification/notification.service';
import { createPolicyService, type PolicyService } from './modules/policy/policy.service';
import { createRateLimitService, type RateLimitService } from './modules/rate-limit/rate-limit.service';
import { createStaffService, type StaffService } from './modules/staff/staff.service';
import { createStatsService, type StatsService } from './modules/stats/stats.service';
import { createUploadService, type UploadService } from './modules/upload/upload.service';
import { createUserService, type UserService } from './modules/user/user.service';

/** Every service, by feature. */
export interface Services {
  audit: AuditService;
  auth: AuthService;
  /** 意见征集 consultations; `monthlyStatistics` gives the channel's supervision figures. */
  consultations: ConsultationService;
  /** Platform: msgSecCheck and the human review queue. */
  contentSafety: ContentSafetyService;
  departments: DepartmentService;
  /** 我为政府网站找错 reports; `countsForMonth` gives the channel's supervision figures. */
  errorReports: ErrorReportService;
  health: HealthService;
  /** Platform: named leases in MongoDB (exclusive background tasks). */
  leases: LeaseService;
  letters: LetterService;
  /** Platform: in-app inbox and the WeChat subscribe-message outbox. */
  notifications: NotificationService;
  /** 政策解读 policies, interpretations and categories; `countsForMonth` gives the channel's supervision figures. */
  policies: PolicyService;
  rateLimits: RateLimitService;
  /** 常用语: reply templates kept by the office. */
  replyTemplates: ReplyTemplateService;
  staff: StaffService;
  /** 月度督查统计: every channel's monthly figures on one row schema (staff table, CSV, public totals). */
  stats: StatsService;
  /** Platform: GridFS uploads, attachment ownership and access. */
  uploads: UploadService;
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
  /**
   * The other services; use them only inside service functions, not in the factory body — except
   * the platform services (contentSafety, leases, notifications, uploads), which exist before any
   * feature factory runs, so hooks (`registerAccess`, `onDecision`) can be registered there.
   */
  services: Services;
  /** Names this instance in leases and outbox claims; default: a random id per service. */
  instanceId?: string;
}

/** Creates every service on the given models. */
export function createServices(base: Omit<ServiceDeps, 'services'>): Services {
  // Filled right below; factories only capture the object and use it later, at call time.
  const services = {} as Services;
  const deps: ServiceDeps = { ...base, services };
  // Platform services first and registered at once, so a feature's factory body may already
  // register hooks with them (`deps.services.uploads.registerAccess(…)`,
  // `deps.services.contentSafety.onDecision(…)`); every other service is there only at call time.
  const platform = {
    contentSafety: createContentSafetyService(deps),
    leases: createLeaseService(deps),
    notifications: createNotificationService(deps),
    uploads: createUploadService(deps),
  };
  Object.assign(services, platform);
  const all: Services = {
    ...platform,
    audit: createAuditService(deps),
    auth: createAuthService(deps),
    consultations: createConsultationService(deps),
    departments: createDepartmentService(deps),
    errorReports: createErrorReportService(deps),
    health: createHealthService(deps),
    letters: createLetterService(deps),
    policies: createPolicyService(deps),
    rateLimits: createRateLimitService(deps),
    replyTemplates: createReplyTemplateService(deps),
    staff: createStaffService(deps),
    stats: createStatsService(deps),
    users: createUserService(deps),
  };
  return Object.assign(services, all);
}
