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
import {
  consultationOpinionSchema,
  consultationResponseSchema,
  consultationSchema,
  type ConsultationDoc,
  type ConsultationOpinionDoc,
  type ConsultationResponseDoc,
} from './modules/consultation/consultation.model';
import { contentReviewSchema, type ContentReviewDoc } from './modules/content-safety/content-review.model';
import { departmentSchema, type DepartmentDoc } from './modules/department/department.model';
import { replyTemplateSchema, type ReplyTemplateDoc } from './modules/reply-template/reply-template.model';
import { errorReportCounterSchema, errorReportSchema, type ErrorReportCounterDoc, type ErrorReportDoc } from './modules/error-report/error-report.model';
import {
  letterCounterSchema,
  letterLockSchema,
  letterSchema,
  letterSettingsSchema,
  type LetterCounterDoc,
  type LetterDoc,
  type LetterLockDoc,
  type LetterSettingsDoc,
} from './modules/letter/letter.model';
import { leaseSchema, type LeaseDoc } from './modules/lease/lease.model';
import {
  inboxEntrySchema,
  notificationJobSchema,
  type InboxEntryDoc,
  type NotificationJobDoc,
} from './modules/notification/notification.model';
import {
  interpretationSchema,
  policyCatalogStateSchema,
  policyCategorySchema,
  policySchema,
  type InterpretationDoc,
  type PolicyCatalogStateDoc,
  type PolicyCategoryDoc,
  type PolicyDoc,
} from './modules/policy/policy.model';
import { rateLimitWindowSchema, type RateLimitWindowDoc } from './modules/rate-limit/rate-limit.model';
import { staffGuardSchema, staffSchema, type StaffDoc, type StaffGuardDoc } from './modules/staff/staff.model';
import { uploadChunkSchema, uploadFileSchema, type UploadChunkDoc, type UploadFileDoc } from './modules/upload/upload.model';
import { userSchema, type UserDoc } from './modules/user/user.model';
import { wechatTokenSchema, type WechatTokenDoc } from './modules/wechat/wechat-token.model';

/** Every model, by name. */
export interface Models {
  User: Model<UserDoc>;
  Staff: Model<StaffDoc>;
  Department: Model<DepartmentDoc>;
  AuditEntry: Model<AuditEntryDoc>;
  RateLimitWindow: Model<RateLimitWindowDoc>;
  LoginThrottle: Model<LoginThrottleDoc>;
  // Platform services.
  InboxEntry: Model<InboxEntryDoc>;
  NotificationJob: Model<NotificationJobDoc>;
  ContentReview: Model<ContentReviewDoc>;
  UploadFile: Model<UploadFileDoc>;
  UploadChunk: Model<UploadChunkDoc>;
  WechatToken: Model<WechatTokenDoc>;
  Lease: Model<LeaseDoc>;
  Letter: Model<LetterDoc>;
  LetterCounter: Model<LetterCounterDoc>;
  LetterLock: Model<LetterLockDoc>;
  LetterSettings: Model<LetterSettingsDoc>;
  ErrorReport: Model<ErrorReportDoc>;
  ErrorReportCounter: Model<ErrorReportCounterDoc>;
  Consultation: Model<ConsultationDoc>;
  ConsultationResponse: Model<ConsultationResponseDoc>;
  ConsultationOpinion: Model<ConsultationOpinionDoc>;
  // Policy reading (政策解读).
  Policy: Model<PolicyDoc>;
  Interpretation: Model<InterpretationDoc>;
  PolicyCategory: Model<PolicyCategoryDoc>;
  PolicyCatalogState: Model<PolicyCatalogStateDoc>;
  // Accounts: the guard that serialises changes taking an admin away.
  StaffGuard: Model<StaffGuardDoc>;
  /** 常用语 for letter replies. */
  ReplyTemplate: Model<ReplyTemplateDoc>;
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
    InboxEntry: bind(connection, 'InboxEntry', inboxEntrySchema),
    NotificationJob: bind(connection, 'NotificationJob', notificationJobSchema),
    ContentReview: bind(connection, 'ContentReview', contentReviewSchema),
    UploadFile: bind(connection, 'UploadFile', uploadFileSchema),
    UploadChunk: bind(connection, 'UploadChunk', uploadChunkSchema),
    WechatToken: bind(connection, 'WechatToken', wechatTokenSchema),
    Lease: bind(connection, 'Lease', leaseSchema),
    Letter: bind(connection, 'Letter', letterSchema),
    LetterCounter: bind(connection, 'LetterCounter', letterCounterSchema),
    LetterLock: bind(connection, 'LetterLock', letterLockSchema),
    LetterSettings: bind(connection, 'LetterSettings', letterSettingsSchema),
    ErrorReport: bind(connection, 'ErrorReport', errorReportSchema),
    ErrorReportCounter: bind(connection, 'ErrorReportCounter', errorReportCounterSchema),
    Consultation: bind(connection, 'Consultation', consultationSchema),
    ConsultationResponse: bind(connection, 'ConsultationResponse', consultationResponseSchema),
    ConsultationOpinion: bind(connection, 'ConsultationOpinion', consultationOpinionSchema),
    Policy: bind(connection, 'Policy', policySchema),
    Interpretation: bind(connection, 'Interpretation', interpretationSchema),
    PolicyCategory: bind(connection, 'PolicyCategory', policyCategorySchema),
    PolicyCatalogState: bind(connection, 'PolicyCatalogState', policyCatalogStateSchema),
    StaffGuard: bind(connection, 'StaffGuard', staffGuardSchema),
    ReplyTemplate: bind(connection, 'ReplyTemplate', replyTemplateSchema),
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
