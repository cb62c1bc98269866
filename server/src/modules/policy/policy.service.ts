/**
 * Policy reading (政策解读): policy documents and their interpretations, reviewed before release
 * (先审后发), and the category catalog.
 *
 *   draft ──submit──▶ in_review ──approve (保密审查 required)──▶ approved ──publish──▶ published
 *     ▲                  │ return(reason)                                              │
 *   returned ◀───────────┘  (edit only while draft or returned)          repeal / amend / expire
 *                                                                          (validity marks, both sides linked)
 *
 * - Office (办公室) and handlers (承办人员, only with their own department as 责任部门) create, edit and
 *   submit; reviewers (分管领导) approve with a recorded confidentiality review or return with a
 *   reason; the office publishes and marks validity. Handlers see only their department's items.
 * - Every step is a conditional update on the status read (two staff acting at once cannot both
 *   succeed; the loser gets 409 `invalid_state`), committed in one transaction with its history
 *   entry, its audit entry and any linked writes (the other side of a relation, the policy's
 *   interpretation summary, attachment claims).
 * - Only `published` items are ever visible to the public. Publishing a policy publishes its
 *   approved interpretations with it (同步发布); an interpretation can be published later, but only
 *   once its policy is published. Interpretations are due within 3 working days of the policy
 *   (see policy-deadlines.ts); the gap list shows the policies that missed it.
 * - Rich text is sanitized when saved (lib/rich-text.ts). Attachments and our own images in the
 *   body are claimed from the uploads service for the item; anyone may download those of
 *   published items, staff (with the same department scope) those of the others.
 * See ADR 040.
 */
import { isValidObjectId, Types, type ClientSession, type mongo } from 'mongoose';
import {
  DEFAULT_POLICY_CATALOG,
  EDITABLE_POLICY_STATUSES,
  interpretationContentIssues,
  MARKABLE_VALIDITIES,
  REQUIRED_CATALOG_TEXT,
  type CategoryCreate,
  type CategoryUpdate,
  type InterpretationAdminQuery,
  type InterpretationCreate,
  type InterpretationGapQuery,
  type InterpretationKind,
  type InterpretationUpdate,
  type PolicyAdminQuery,
  type PolicyApprove,
  type PolicyCatalogInput,
  type PolicyCreate,
  type PolicyMark,
  type PolicyPublicQuery,
  type PolicyPublish,
  type PolicyStatus,
  type PolicyUpdate,
  type PolicyValidity,
  type QaPair,
} from '../../../../shared/policies';
import type { Actor, StaffActor, SystemActor } from '../../lib/actor';
import { toCstDate } from '../../lib/calendar';
import { changesOf } from '../../lib/changes';
import { afterCursorFilter, decodeCursor, encodeCursor, pageOf } from '../../lib/cursor';
import { forbidden, invalidState, isAppError, notFound, validationError, type ValidationIssue } from '../../lib/errors';
import { isRichTextEmpty, sanitizeRichText, uploadImageIds } from '../../lib/rich-text';
import { cstMonthRange } from '../../lib/calendar-dates';
import type { ServiceDeps } from '../../services';
import type { UploadInfo } from '../upload/upload.service';
import { createViewCounter } from './policy-views';
import { createCategoryOps, type CategoryWithCounts } from './policy-categories';
import { interpretationGapOf, type InterpretationGap } from './policy-deadlines';
import { computePolicyFigures, type PolicyMonthlyFigures } from './policy-stats';
import type {
  ConfidentialityReviewDoc,
  InterpretationDoc,
  PolicyCatalogDoc,
  PolicyCategoryDoc,
  PolicyDoc,
  PolicyHistoryDoc,
} from './policy.model';
import { containsText } from '../../lib/regex';

export type { CategoryWithCounts } from './policy-categories';
export type { InterpretationGap } from './policy-deadlines';
export type { PolicyMonthlyFigures } from './policy-stats';

/** Owner type of policy attachments (and body images) in the uploads service. */
export const POLICY_OWNER_TYPE = 'policy';
/** Owner type of interpretation images and attachments in the uploads service. */
export const INTERPRETATION_OWNER_TYPE = 'interpretation';
/** Component name of the expiry sweep in history and audit entries. */
export const EXPIRY_COMPONENT = 'policy-expiry';

/** Rows scanned per batch while collecting interpretation gaps. */
const GAP_SCAN_BATCH = 200;
/** Publication instants may be this far ahead of the server clock (client clocks drift). */
const FUTURE_TOLERANCE_MS = 60_000;

/** Policy fields other documents show about a related one. */
export type RelatedPolicy = Pick<PolicyDoc, '_id' | 'title' | 'documentNumber' | 'publishedAt' | 'validity' | 'status'>;

/** Related documents in both directions. */
export interface PolicyRelated {
  replaces: RelatedPolicy[];
  replacedBy: RelatedPolicy[];
  amends: RelatedPolicy[];
  amendedBy: RelatedPolicy[];
}

/** An interpretation with its files. */
export interface InterpretationDetail {
  interpretation: InterpretationDoc;
  images: UploadInfo[];
  attachments: UploadInfo[];
}

/** A policy with everything its detail pages show. */
export interface PolicyDetail {
  policy: PolicyDoc;
  /** The policy's category (null only if it was removed outside the API). */
  category: PolicyCategoryDoc | null;
  attachments: UploadInfo[];
  related: PolicyRelated;
  /** Public: published interpretations with their files. Staff: every interpretation (files empty). */
  interpretations: InterpretationDetail[];
  now: Date;
}

/** An interpretation with its policy, for the back office. */
export interface StaffInterpretationDetail extends InterpretationDetail {
  policy: Pick<PolicyDoc, '_id' | 'title' | 'status' | 'publishedAt'>;
}

/** A page of policies with the categories needed to show them. */
export interface PolicyPage {
  policies: PolicyDoc[];
  categories: Map<string, PolicyCategoryDoc>;
  nextCursor: string | null;
}

export interface InterpretationPage {
  interpretations: InterpretationDoc[];
  nextCursor: string | null;
}

export interface InterpretationGapPage {
  gaps: InterpretationGap[];
  categories: Map<string, PolicyCategoryDoc>;
  nextCursor: string | null;
}

export interface PolicyService {
  // ---- public ----
  /** Published policies, newest first (publishedAt, then _id), filtered; `q` matches title and 文号 literally. */
  listPublicPolicies(actor: Actor, query: PolicyPublicQuery): Promise<PolicyPage>;
  /**
   * A published policy with its published interpretations, related documents and attachments.
   * `viewCount` includes the views this instance has not stored yet, and this one unless the reader
   * is staff; the route counts the view itself ({@link recordView}). @throws not_found (also for unpublished)
   */
  getPublicPolicy(actor: Actor, id: string): Promise<PolicyDetail>;
  /** Counts one public view of a policy in this instance's memory (see policy-views.ts). */
  recordView(id: string): void;
  /** Stores the view counts gathered so far (main.ts: every few seconds and at shutdown); resolves with the number of views. */
  flushViews(): Promise<number>;
  /** The catalog with counts. */
  listCategories(): Promise<CategoryWithCounts[]>;

  // ---- staff: policies ----
  listPolicies(actor: StaffActor, query: PolicyAdminQuery): Promise<PolicyPage>;
  /** @throws not_found (also another department's, for handlers) */
  getPolicy(actor: StaffActor, id: string): Promise<PolicyDetail>;
  /** @throws validation_error, forbidden (a handler naming another department), invalid_attachment */
  createPolicy(actor: StaffActor, input: PolicyCreate): Promise<PolicyDetail>;
  /** Drafts and returned policies only. @throws not_found, invalid_state, validation_error, forbidden, invalid_attachment */
  updatePolicy(actor: StaffActor, id: string, input: PolicyUpdate): Promise<PolicyDetail>;
  /** draft | returned → in_review; the catalog must be complete (and the 文号 given where required). */
  submitPolicy(actor: StaffActor, id: string): Promise<PolicyDetail>;
  /** in_review → approved, recording the confidentiality review. */
  approvePolicy(actor: StaffActor, id: string, input: PolicyApprove): Promise<PolicyDetail>;
  /** in_review → returned with the reason. */
  returnPolicy(actor: StaffActor, id: string, reason: string): Promise<PolicyDetail>;
  /** approved → published (with its approved interpretations unless `withInterpretations` is false). */
  publishPolicy(actor: StaffActor, id: string, input: PolicyPublish): Promise<PolicyDetail>;
  /** Published, valid or amended → repealed; links the replacing document (which must be published). */
  repealPolicy(actor: StaffActor, id: string, input: PolicyMark): Promise<PolicyDetail>;
  /** Published, valid or amended → amended; links the amending document (which must be published). */
  amendPolicy(actor: StaffActor, id: string, input: PolicyMark): Promise<PolicyDetail>;
  /** Published, valid or amended → expired. */
  expirePolicy(actor: StaffActor, id: string, input: { note?: string }): Promise<PolicyDetail>;
  /** Published policies (of categories requiring interpretation) whose interpretation is missing or was late. */
  listInterpretationGaps(actor: StaffActor, query: InterpretationGapQuery): Promise<InterpretationGapPage & { now: Date }>;

  // ---- staff: interpretations ----
  listInterpretations(actor: StaffActor, query: InterpretationAdminQuery): Promise<InterpretationPage>;
  getInterpretation(actor: StaffActor, id: string): Promise<StaffInterpretationDetail>;
  /** @throws validation_error (policy unknown to the actor, content by kind), invalid_attachment */
  createInterpretation(actor: StaffActor, input: InterpretationCreate): Promise<StaffInterpretationDetail>;
  updateInterpretation(actor: StaffActor, id: string, input: InterpretationUpdate): Promise<StaffInterpretationDetail>;
  submitInterpretation(actor: StaffActor, id: string): Promise<StaffInterpretationDetail>;
  approveInterpretation(actor: StaffActor, id: string, input: PolicyApprove): Promise<StaffInterpretationDetail>;
  returnInterpretation(actor: StaffActor, id: string, reason: string): Promise<StaffInterpretationDetail>;
  /** approved → published; the policy must be published. */
  publishInterpretation(actor: StaffActor, id: string, input: { publishedAt?: string }): Promise<StaffInterpretationDetail>;

  // ---- staff: categories (admin) ----
  createCategory(actor: StaffActor, input: CategoryCreate): Promise<CategoryWithCounts>;
  updateCategory(actor: StaffActor, id: string, input: CategoryUpdate): Promise<CategoryWithCounts>;
  deleteCategory(actor: StaffActor, id: string): Promise<void>;
  /** Seeds the default catalog once per database (also done lazily on first use). */
  ensureDefaultCategories(): Promise<void>;
  /** Recomputes the categories' usage counters from the policies (after bulk loads such as the bench fixture). */
  recountCategories(): Promise<void>;

  // ---- other features ----
  /**
   * The channel's figures for a CST month `YYYY-MM` (supervision statistics): received (policies
   * needing interpretation published), handled, handled on time, overdue now, average working
   * days to handle, plus publications and validity marks — in total and per 责任部门. See
   * policy-stats.ts for the exact definitions. @throws RangeError for another month format
   */
  countsForMonth(month: string): Promise<PolicyMonthlyFigures>;
  /** Marks published policies whose expiry date has passed as expired; returns how many. Idempotent. */
  expireDuePolicies(): Promise<number>;
}

/** What a workflow step changes, computed from the item as read. */
interface StepPlan {
  set: Record<string, unknown>;
  addToSet?: Record<string, unknown>;
  toStatus: PolicyStatus;
  validity?: PolicyValidity | null;
  note?: string | null;
  audit?: Record<string, unknown>;
  /** Runs in the transaction after the update (linked writes). */
  after?: (session: ClientSession) => Promise<void>;
}

type Reviewed = { _id: Types.ObjectId; status: PolicyStatus; departmentId: Types.ObjectId };

/** The model operations a workflow step needs, for policies or interpretations. */
interface WorkflowTarget<T extends Reviewed> {
  targetType: 'policy' | 'interpretation';
  load(actor: StaffActor, id: string, session?: ClientSession): Promise<T>;
  update(filter: Record<string, unknown>, update: Record<string, unknown>, session: ClientSession): Promise<T | null>;
  auditDetails(doc: T): Record<string, unknown>;
}

interface StepSpec<T extends Reviewed> {
  action: string;
  from: readonly PolicyStatus[];
  /** Further condition on the item as read (validity marks); false → invalid_state. */
  allowed?: (doc: T) => boolean;
  plan: (doc: T, at: Date) => StepPlan | Promise<StepPlan>;
}

const oid = (id: string) => new Types.ObjectId(id);
const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function createPolicyService(deps: ServiceDeps): PolicyService {
  const { models, db, clock, services } = deps;
  const categoryOps = createCategoryOps(deps);
  const views = createViewCounter(models.Policy.collection as unknown as mongo.Collection, deps.logger.child({ component: 'policy-views' }));
  registerPolicyFileAccess(deps);
  const now = () => new Date(clock());

  // ---------------------------------------------------------------- scope and loading

  /** Handlers see only their department's items. */
  const staffScope = (actor: StaffActor): Record<string, unknown> => {
    if (actor.role !== 'handler') return {};
    return actor.departmentId ? { departmentId: oid(actor.departmentId) } : { _id: { $exists: false } };
  };

  const loadPolicy = async (actor: StaffActor, id: string, session?: ClientSession): Promise<PolicyDoc> => {
    const doc = isValidObjectId(id)
      ? await models.Policy.findOne({ _id: oid(id), ...staffScope(actor) })
          .session(session ?? null)
          .lean<PolicyDoc>()
      : null;
    if (!doc) throw notFound();
    return doc;
  };

  const loadInterpretation = async (actor: StaffActor, id: string, session?: ClientSession): Promise<InterpretationDoc> => {
    const doc = isValidObjectId(id)
      ? await models.Interpretation.findOne({ _id: oid(id), ...staffScope(actor) })
          .session(session ?? null)
          .lean<InterpretationDoc>()
      : null;
    if (!doc) throw notFound();
    return doc;
  };

  const categoryMap = async (): Promise<Map<string, PolicyCategoryDoc>> =>
    new Map((await categoryOps.allCategories()).map((c) => [c.key, c]));

  const requireCategory = async (key: string): Promise<PolicyCategoryDoc> => {
    const category = (await categoryMap()).get(key);
    if (!category) throw validationError([{ in: 'body', path: 'category', message: '所选类别不存在' }]);
    return category;
  };

  /** The 责任部门 for a write: handlers only their own; others must name an existing one. */
  const resolveDepartment = async (actor: StaffActor, requested: string | undefined): Promise<{ id: Types.ObjectId; name: string }> => {
    let id = requested;
    if (actor.role === 'handler') {
      if (!actor.departmentId || (requested !== undefined && requested !== actor.departmentId)) throw forbidden();
      id = actor.departmentId;
    }
    if (!id) throw validationError([{ in: 'body', path: 'departmentId', message: '请选择责任部门' }]);
    try {
      const dept = await services.departments.getDepartment(actor, id);
      return { id: dept._id, name: dept.name };
    } catch (err) {
      if (isAppError(err, 'not_found')) throw validationError([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
      throw err;
    }
  };

  // ---------------------------------------------------------------- history and workflow

  const staffHistory = (actor: StaffActor, at: Date, action: string, fromStatus: PolicyStatus | null, toStatus: PolicyStatus, validity: PolicyValidity | null, note: string | null): PolicyHistoryDoc => ({
    action,
    at,
    fromStatus,
    toStatus,
    validity,
    actorKind: 'staff',
    actorId: actor.staffId,
    actorUsername: actor.username,
    actorRole: actor.role,
    note,
  });

  const systemHistory = (actor: SystemActor, at: Date, action: string, status: PolicyStatus, validity: PolicyValidity, note: string | null): PolicyHistoryDoc => ({
    action,
    at,
    fromStatus: status,
    toStatus: status,
    validity,
    actorKind: 'system',
    actorId: actor.component,
    actorUsername: '系统',
    actorRole: 'system',
    note,
  });

  /**
   * Runs one workflow step: visibility (404), expected state (409 invalid_state with the current
   * status), then one transaction with the conditional update, its history and audit entries and
   * the plan's linked writes. Losing a race to another step answers 409 with the new state.
   */
  const runStep = async <T extends Reviewed & { validity?: PolicyValidity }>(
    target: WorkflowTarget<T>,
    actor: StaffActor,
    id: string,
    spec: StepSpec<T>,
  ): Promise<T> => {
    const before = await target.load(actor, id);
    const stateOf = (d: T) => ({ status: d.status, ...(d.validity === undefined ? {} : { validity: d.validity }) });
    if (!spec.from.includes(before.status) || (spec.allowed && !spec.allowed(before))) throw invalidState(stateOf(before));
    const at = now();
    const plan = await spec.plan(before, at);
    const validity = plan.validity === undefined ? (before.validity ?? null) : plan.validity;
    const updated = await db.connection.transaction(async (session) => {
      const filter: Record<string, unknown> = { _id: before._id, status: before.status, ...staffScope(actor) };
      if (before.validity !== undefined) filter.validity = before.validity;
      const update: Record<string, unknown> = {
        $set: plan.set,
        $push: { history: staffHistory(actor, at, spec.action, before.status, plan.toStatus, validity, plan.note ?? null) },
      };
      if (plan.addToSet) update.$addToSet = plan.addToSet;
      const doc = await target.update(filter, update, session);
      if (!doc) return null;
      await services.audit.recordAudit({
        actor,
        action: `${target.targetType}.${spec.action}`,
        targetType: target.targetType,
        targetId: before._id,
        details: { ...target.auditDetails(before), from: before.status, to: plan.toStatus, ...plan.audit },
        session,
      });
      if (plan.after) await plan.after(session);
      return doc;
    });
    if (updated) return updated;
    const current = await target.load(actor, id);
    throw invalidState(stateOf(current));
  };

  const policyTarget: WorkflowTarget<PolicyDoc> = {
    targetType: 'policy',
    load: loadPolicy,
    update: (filter, update, session) =>
      models.Policy.findOneAndUpdate(filter, update, { session, returnDocument: 'after' }).lean<PolicyDoc>(),
    auditDetails: (p) => ({ title: p.title, documentNumber: p.documentNumber }),
  };

  const interpretationTarget: WorkflowTarget<InterpretationDoc> = {
    targetType: 'interpretation',
    load: loadInterpretation,
    update: (filter, update, session) =>
      models.Interpretation.findOneAndUpdate(filter, update, { session, returnDocument: 'after' }).lean<InterpretationDoc>(),
    auditDetails: (i) => ({ policyId: i.policyId.toHexString(), kind: i.kind, title: i.title }),
  };

  // ---------------------------------------------------------------- rich text and files

  /** Sanitized rich text; 400 on `path` when nothing visible is left. */
  const cleanRichText = (html: string, path: string, label: string): string => {
    const clean = sanitizeRichText(html);
    if (isRichTextEmpty(clean)) throw validationError([{ in: 'body', path, message: `${label}不能为空（仅含不允许的内容）` }]);
    return clean;
  };

  /**
   * Claims the files an item now uses and releases those it no longer uses, in the transaction.
   * `kinds` per group: images must be images, attachments images or PDFs.
   */
  const syncFiles = async (
    actor: StaffActor,
    owner: { type: string; id: string },
    groups: { ids: readonly string[]; kinds: ('image' | 'pdf')[] }[],
    previouslyUsed: readonly string[],
    session: ClientSession,
  ): Promise<void> => {
    const used = new Set<string>();
    for (const g of groups) {
      const fresh = g.ids.filter((id) => !previouslyUsed.includes(id));
      if (fresh.length > 0) await services.uploads.claimForAttachment(actor, fresh, owner, { session, kinds: g.kinds });
      for (const id of g.ids) used.add(id);
    }
    const dropped = previouslyUsed.filter((id) => !used.has(id));
    if (dropped.length > 0) await services.uploads.releaseAttachments(owner, dropped, { session });
  };

  const filesOf = async (type: string, id: Types.ObjectId, ordered: readonly string[]): Promise<UploadInfo[]> => {
    if (ordered.length === 0) return [];
    const infos = await services.uploads.listForOwner({ type, id: id.toHexString() });
    const byId = new Map(infos.map((i) => [i.id, i]));
    return ordered.flatMap((fileId) => byId.get(fileId) ?? []);
  };

  const unique = (ids: readonly string[] | undefined) => [...new Set((ids ?? []).map((id) => id.toLowerCase()))];

  // ---------------------------------------------------------------- detail builders

  const relatedOf = async (policy: PolicyDoc, publishedOnly: boolean): Promise<PolicyRelated> => {
    const r = policy.relations ?? { replaces: [], replacedBy: [], amends: [], amendedBy: [] };
    const ids = [...r.replaces, ...r.replacedBy, ...r.amends, ...r.amendedBy];
    if (ids.length === 0) return { replaces: [], replacedBy: [], amends: [], amendedBy: [] };
    const docs = await models.Policy.find(
      { _id: { $in: ids }, ...(publishedOnly ? { status: 'published' } : {}) },
      { title: 1, documentNumber: 1, publishedAt: 1, validity: 1, status: 1 },
    ).lean<RelatedPolicy[]>();
    const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
    const pick = (list: Types.ObjectId[]) => list.flatMap((id) => byId.get(id.toHexString()) ?? []);
    return { replaces: pick(r.replaces), replacedBy: pick(r.replacedBy), amends: pick(r.amends), amendedBy: pick(r.amendedBy) };
  };

  const interpretationFiles = async (i: InterpretationDoc): Promise<InterpretationDetail> => {
    if (i.imageIds.length === 0 && i.attachmentIds.length === 0) return { interpretation: i, images: [], attachments: [] };
    const infos = await services.uploads.listForOwner({ type: INTERPRETATION_OWNER_TYPE, id: i._id.toHexString() });
    const byId = new Map(infos.map((f) => [f.id, f]));
    return {
      interpretation: i,
      images: i.imageIds.flatMap((id) => byId.get(id) ?? []),
      attachments: i.attachmentIds.flatMap((id) => byId.get(id) ?? []),
    };
  };

  const policyDetail = async (policy: PolicyDoc, audience: 'public' | 'staff'): Promise<PolicyDetail> => {
    const isPublic = audience === 'public';
    const [categories, attachments, related, interpretations] = await Promise.all([
      categoryMap(),
      filesOf(POLICY_OWNER_TYPE, policy._id, policy.attachmentIds),
      relatedOf(policy, isPublic),
      models.Interpretation.find({ policyId: policy._id, ...(isPublic ? { status: 'published' } : {}) })
        .sort(isPublic ? { publishedAt: 1, _id: 1 } : { createdAt: 1, _id: 1 })
        .lean<InterpretationDoc[]>(),
    ]);
    return {
      policy,
      category: categories.get(policy.category) ?? null,
      attachments,
      related,
      interpretations: isPublic
        ? await Promise.all(interpretations.map(interpretationFiles))
        : interpretations.map((interpretation) => ({ interpretation, images: [], attachments: [] })),
      now: now(),
    };
  };

  const staffInterpretationDetail = async (i: InterpretationDoc): Promise<StaffInterpretationDetail> => {
    const policy = await models.Policy.findById(i.policyId, { title: 1, status: 1, publishedAt: 1 }).lean<StaffInterpretationDetail['policy']>();
    return {
      ...(await interpretationFiles(i)),
      policy: policy ?? { _id: i.policyId, title: '', status: 'draft', publishedAt: null },
    };
  };

  // ---------------------------------------------------------------- lists

  const pageOfPolicies = async (
    filters: Record<string, unknown>[],
    query: { cursor?: string; limit: number },
    field: 'publishedAt' | 'createdAt',
  ): Promise<PolicyPage> => {
    const all = [...filters];
    if (query.cursor) all.push(afterCursorFilter(field, decodeCursor(query.cursor)));
    const [rows, categories] = await Promise.all([
      models.Policy.find(all.length > 0 ? { $and: all } : {}, { history: 0, body: 0 })
        .sort({ [field]: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<PolicyDoc[]>(),
      categoryMap(),
    ]);
    const page = pageOf(rows, query.limit, (r) => r[field] as Date);
    return { policies: page.rows, categories, nextCursor: page.nextCursor };
  };

  const textFilter = (q: string, fields: readonly string[]) => {
    const pattern = containsText(q);
    return { $or: fields.map((f) => ({ [f]: pattern })) };
  };

  // ---------------------------------------------------------------- policy writes

  const catalogFrom = (input: PolicyCatalogInput | undefined, base: PolicyCatalogDoc): PolicyCatalogDoc => {
    const merged: PolicyCatalogDoc = { ...base };
    if (input) for (const [k, v] of Object.entries(input)) if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
    return merged;
  };

  const createPolicy: PolicyService['createPolicy'] = async (actor, input) => {
    const category = await requireCategory(input.category);
    const department = await resolveDepartment(actor, input.departmentId);
    const body = cleanRichText(input.body, 'body', '正文');
    const bodyImageIds = uploadImageIds(body);
    const attachmentIds = unique(input.attachmentIds);
    const catalog = catalogFrom(input.catalog, {
      summary: '',
      subject: input.issuingBody,
      websiteColumn: category.name,
      ...DEFAULT_POLICY_CATALOG,
    });
    const at = now();
    const id = new Types.ObjectId();
    const doc: Omit<PolicyDoc, 'createdAt' | 'updatedAt'> = {
      _id: id,
      title: input.title,
      documentNumber: input.documentNumber ?? null,
      issuingBody: input.issuingBody,
      category: category.key,
      departmentId: department.id,
      departmentName: department.name,
      catalog,
      effectiveDate: input.effectiveDate ?? null,
      expiryDate: input.expiryDate ?? null,
      body,
      attachmentIds,
      bodyImageIds,
      status: 'draft',
      validity: 'valid',
      validityChangedAt: null,
      validityNote: null,
      relations: { replaces: [], replacedBy: [], amends: [], amendedBy: [] },
      confidentialityReview: null,
      returnReason: null,
      publishedAt: null,
      interpretation: { count: 0, kinds: [], firstPublishedAt: null },
      viewCount: 0,
      history: [staffHistory(actor, at, 'create', null, 'draft', null, null)],
      createdBy: actor.staffId,
    };
    await db.connection.transaction(async (session) => {
      await models.Policy.create([doc], { session });
      await categoryOps.bumpCounts(category.key, { policies: 1 }, session);
      await syncFiles(
        actor,
        { type: POLICY_OWNER_TYPE, id: id.toHexString() },
        [
          { ids: attachmentIds, kinds: ['image', 'pdf'] },
          { ids: bodyImageIds, kinds: ['image'] },
        ],
        [],
        session,
      );
      await services.audit.recordAudit({
        actor,
        action: 'policy.create',
        targetType: 'policy',
        targetId: id,
        details: { title: doc.title, documentNumber: doc.documentNumber, category: doc.category, departmentId: department.id.toHexString() },
        session,
      });
    });
    return policyDetail(await loadPolicy(actor, id.toHexString()), 'staff');
  };

  const updatePolicy: PolicyService['updatePolicy'] = async (actor, id, input) => {
    const before = await loadPolicy(actor, id);
    if (!EDITABLE_POLICY_STATUSES.includes(before.status)) throw invalidState({ status: before.status });
    const set: Partial<PolicyDoc> = {};
    if (input.title !== undefined) set.title = input.title;
    if (input.documentNumber !== undefined) set.documentNumber = input.documentNumber;
    if (input.issuingBody !== undefined) set.issuingBody = input.issuingBody;
    if (input.category !== undefined) set.category = (await requireCategory(input.category)).key;
    if (input.departmentId !== undefined) {
      // Handlers may only keep their own department (they cannot see other departments' drafts).
      const department = await resolveDepartment(actor, input.departmentId);
      set.departmentId = department.id;
      set.departmentName = department.name;
    }
    if (input.catalog !== undefined) set.catalog = catalogFrom(input.catalog, before.catalog);
    if (input.effectiveDate !== undefined) set.effectiveDate = input.effectiveDate;
    if (input.expiryDate !== undefined) set.expiryDate = input.expiryDate;
    const effective = set.effectiveDate !== undefined ? set.effectiveDate : before.effectiveDate;
    const expiry = set.expiryDate !== undefined ? set.expiryDate : before.expiryDate;
    if (effective && expiry && expiry <= effective) throw validationError([{ in: 'body', path: 'expiryDate', message: '失效日期应晚于生效日期' }]);
    if (input.body !== undefined) {
      set.body = cleanRichText(input.body, 'body', '正文');
      set.bodyImageIds = uploadImageIds(set.body);
    }
    if (input.attachmentIds !== undefined) set.attachmentIds = unique(input.attachmentIds);

    const attachmentIds = set.attachmentIds ?? before.attachmentIds;
    const bodyImageIds = set.bodyImageIds ?? before.bodyImageIds;
    const filesChanged = !sameIds(attachmentIds, before.attachmentIds) || !sameIds(bodyImageIds, before.bodyImageIds);
    const changedFields = Object.keys(set).filter((k) => k !== 'bodyImageIds' && k !== 'departmentName');
    const at = now();
    const updated = await db.connection.transaction(async (session) => {
      const doc = await models.Policy.findOneAndUpdate(
        { _id: before._id, status: before.status, ...staffScope(actor) },
        { $set: set, $push: { history: staffHistory(actor, at, 'update', before.status, before.status, null, null) } },
        { session, returnDocument: 'after' },
      ).lean<PolicyDoc>();
      if (!doc) return null;
      if (set.category !== undefined && set.category !== before.category) {
        await categoryOps.bumpCounts(before.category, { policies: -1 }, session);
        await categoryOps.bumpCounts(set.category, { policies: 1 }, session);
      }
      if (set.departmentId && !set.departmentId.equals(before.departmentId)) {
        // Interpretations follow their policy's 责任部门 (handler scoping reads it from them).
        await models.Interpretation.updateMany({ policyId: before._id }, { $set: { departmentId: set.departmentId } }, { session });
      }
      if (filesChanged) {
        await syncFiles(
          actor,
          { type: POLICY_OWNER_TYPE, id: before._id.toHexString() },
          [
            { ids: attachmentIds, kinds: ['image', 'pdf'] },
            { ids: bodyImageIds, kinds: ['image'] },
          ],
          [...before.attachmentIds, ...before.bodyImageIds],
          session,
        );
      }
      await services.audit.recordAudit({
        actor,
        action: 'policy.update',
        targetType: 'policy',
        targetId: before._id,
        details: {
          fields: changedFields,
          changes: changesOf(before, doc, ['title', 'documentNumber', 'issuingBody', 'category', 'departmentId', 'effectiveDate', 'expiryDate', 'attachmentIds']),
        },
        session,
      });
      return doc;
    });
    if (!updated) throw invalidState({ status: (await loadPolicy(actor, id)).status });
    return policyDetail(updated, 'staff');
  };

  /** What a policy still lacks before it can go to review. */
  const submissionIssues = async (p: PolicyDoc): Promise<ValidationIssue[]> => {
    const issues: ValidationIssue[] = [];
    const category = (await categoryMap()).get(p.category);
    if (!category) issues.push({ path: 'category', message: '所选类别不存在' });
    else if (category.requiresDocumentNumber && !p.documentNumber) issues.push({ path: 'documentNumber', message: `${category.name}须填写文号` });
    const labels: Record<string, string> = {
      summary: '内容摘要',
      basis: '公开依据',
      subject: '公开主体',
      timeLimit: '公开时限',
      audience: '公开对象',
      channel: '公开渠道',
      method: '公开方式',
      websiteColumn: '网站栏目',
    };
    for (const f of REQUIRED_CATALOG_TEXT) {
      const value = (p.catalog as unknown as Record<string, string | undefined>)[f];
      if (!value || value.trim() === '') issues.push({ path: `catalog.${f}`, message: `提交审核前请填写${labels[f]}` });
    }
    return issues;
  };

  /** The confidentiality review as stored; 400 when dated in the future. */
  const confidentialityReviewOf = (actor: StaffActor, input: PolicyApprove, at: Date): ConfidentialityReviewDoc => {
    const r = input.confidentialityReview;
    const checkedAt = r.checkedAt ? new Date(r.checkedAt) : at;
    if (checkedAt.getTime() > at.getTime() + FUTURE_TOLERANCE_MS) {
      throw validationError([{ in: 'body', path: 'confidentialityReview.checkedAt', message: '审查时间不能晚于当前时间' }]);
    }
    return { reviewerId: actor.staffId, reviewerUsername: actor.username, checkedAt, result: r.result, note: r.note ?? '' };
  };

  /** A publication instant from the request (default now); 400 when in the future or before `notBefore`. */
  const publicationInstant = (raw: string | undefined, at: Date, notBefore?: { at: Date; message: string }): Date => {
    const when = raw ? new Date(raw) : at;
    if (when.getTime() > at.getTime() + FUTURE_TOLERANCE_MS) throw validationError([{ in: 'body', path: 'publishedAt', message: '发布时间不能晚于当前时间' }]);
    if (notBefore && when.getTime() < notBefore.at.getTime()) throw validationError([{ in: 'body', path: 'publishedAt', message: notBefore.message }]);
    return when;
  };

  /**
   * Publishes an approved interpretation inside `session` at `at` and updates its policy's
   * summary. Returns false when it was no longer approved (a concurrent step won).
   */
  const publishInterpretationIn = async (
    actor: StaffActor,
    i: InterpretationDoc,
    publishedAt: Date,
    at: Date,
    session: ClientSession,
    note: string | null,
  ): Promise<boolean> => {
    const res = await models.Interpretation.updateOne(
      { _id: i._id, status: 'approved' },
      {
        $set: { status: 'published', publishedAt },
        $push: { history: staffHistory(actor, at, 'publish', 'approved', 'published', null, note) },
      },
      { session },
    );
    if (res.modifiedCount === 0) return false;
    await models.Policy.updateOne(
      { _id: i.policyId },
      { $inc: { 'interpretation.count': 1 }, $addToSet: { 'interpretation.kinds': i.kind } },
      { session, timestamps: false },
    );
    // `$min` would keep a stored null (null sorts before dates), so set the first date conditionally.
    await models.Policy.updateOne(
      { _id: i.policyId, $or: [{ 'interpretation.firstPublishedAt': null }, { 'interpretation.firstPublishedAt': { $gt: publishedAt } }] },
      { $set: { 'interpretation.firstPublishedAt': publishedAt } },
      { session, timestamps: false },
    );
    await services.audit.recordAudit({
      actor,
      action: 'interpretation.publish',
      targetType: 'interpretation',
      targetId: i._id,
      details: { policyId: i.policyId.toHexString(), kind: i.kind, title: i.title, from: 'approved', to: 'published', publishedAt: publishedAt.toISOString() },
      session,
    });
    return true;
  };

  /** The published document named as replacing/amending `policy`. */
  const replacementFor = async (policy: PolicyDoc, replacedById: string | undefined): Promise<PolicyDoc | null> => {
    if (!replacedById) return null;
    if (replacedById === policy._id.toHexString()) throw validationError([{ in: 'body', path: 'replacedById', message: '不能选择本文件' }]);
    const other = await models.Policy.findById(replacedById).lean<PolicyDoc>();
    if (!other) throw validationError([{ in: 'body', path: 'replacedById', message: '所选文件不存在' }]);
    if (other.status !== 'published') throw invalidState({ replacedBy: { id: replacedById, status: other.status } });
    return other;
  };

  /** repeal / amend / expire: a validity mark on a published policy, linking the other side. */
  const markValidity = (
    actor: StaffActor,
    id: string,
    action: 'repeal' | 'amend' | 'expire',
    validity: PolicyValidity,
    input: { replacedById?: string; note?: string },
  ) =>
    runStep(policyTarget, actor, id, {
      action,
      from: ['published'],
      allowed: (p) => MARKABLE_VALIDITIES.includes(p.validity),
      plan: async (p, at) => {
        const other = action === 'expire' ? null : await replacementFor(p, input.replacedById);
        const mine = action === 'repeal' ? 'relations.replacedBy' : 'relations.amendedBy';
        const theirs = action === 'repeal' ? 'relations.replaces' : 'relations.amends';
        const note = input.note ? input.note : null;
        return {
          set: { validity, validityChangedAt: at, validityNote: note },
          ...(other ? { addToSet: { [mine]: other._id } } : {}),
          toStatus: 'published',
          validity,
          note,
          audit: { validity: { from: p.validity, to: validity }, ...(other ? { relatedId: other._id.toHexString() } : {}) },
          after: other
            ? async (session) => {
                await models.Policy.updateOne(
                  { _id: other._id },
                  {
                    $addToSet: { [theirs]: p._id },
                    $push: {
                      history: staffHistory(actor, at, action === 'repeal' ? 'link_replaces' : 'link_amends', 'published', 'published', other.validity, p.title),
                    },
                  },
                  { session },
                );
              }
            : undefined,
        };
      },
    });

  // ---------------------------------------------------------------- interpretation writes

  const kindIssues = (i: { kind: InterpretationKind; body: string | null; qa: QaPair[]; videoUrl: string | null; imageIds: string[] }) => {
    const issues = interpretationContentIssues(i);
    if (issues.length > 0) throw validationError(issues.map((x) => ({ in: 'body' as const, ...x })));
  };

  const createInterpretation: PolicyService['createInterpretation'] = async (actor, input) => {
    let policy: PolicyDoc;
    try {
      policy = await loadPolicy(actor, input.policyId);
    } catch (err) {
      if (isAppError(err, 'not_found')) throw validationError([{ in: 'body', path: 'policyId', message: '所选政策文件不存在' }]);
      throw err;
    }
    const body = input.body ? cleanRichText(input.body, 'body', '解读内容') : null;
    const fields = {
      kind: input.kind,
      body,
      qa: input.qa ?? [],
      videoUrl: input.videoUrl ?? null,
      imageIds: unique(input.imageIds),
    };
    kindIssues(fields);
    const attachmentIds = unique(input.attachmentIds);
    const bodyImageIds = body ? uploadImageIds(body) : [];
    const at = now();
    const id = new Types.ObjectId();
    const doc: Omit<InterpretationDoc, 'createdAt' | 'updatedAt'> = {
      _id: id,
      policyId: policy._id,
      departmentId: policy.departmentId,
      title: input.title,
      ...fields,
      attachmentIds,
      bodyImageIds,
      author: input.author ?? '',
      source: input.source ?? '',
      status: 'draft',
      confidentialityReview: null,
      returnReason: null,
      publishedAt: null,
      history: [staffHistory(actor, at, 'create', null, 'draft', null, null)],
      createdBy: actor.staffId,
    };
    await db.connection.transaction(async (session) => {
      await models.Interpretation.create([doc], { session });
      await syncFiles(
        actor,
        { type: INTERPRETATION_OWNER_TYPE, id: id.toHexString() },
        [
          { ids: fields.imageIds, kinds: ['image'] },
          { ids: attachmentIds, kinds: ['image', 'pdf'] },
          { ids: bodyImageIds, kinds: ['image'] },
        ],
        [],
        session,
      );
      await services.audit.recordAudit({
        actor,
        action: 'interpretation.create',
        targetType: 'interpretation',
        targetId: id,
        details: { policyId: policy._id.toHexString(), kind: doc.kind, title: doc.title },
        session,
      });
    });
    return staffInterpretationDetail(await loadInterpretation(actor, id.toHexString()));
  };

  const updateInterpretation: PolicyService['updateInterpretation'] = async (actor, id, input) => {
    const before = await loadInterpretation(actor, id);
    if (!EDITABLE_POLICY_STATUSES.includes(before.status)) throw invalidState({ status: before.status });
    const set: Partial<InterpretationDoc> = {};
    if (input.kind !== undefined) set.kind = input.kind;
    if (input.title !== undefined) set.title = input.title;
    if (input.body !== undefined) {
      set.body = input.body === null ? null : cleanRichText(input.body, 'body', '解读内容');
      set.bodyImageIds = set.body ? uploadImageIds(set.body) : [];
    }
    if (input.qa !== undefined) set.qa = input.qa;
    if (input.videoUrl !== undefined) set.videoUrl = input.videoUrl;
    if (input.imageIds !== undefined) set.imageIds = unique(input.imageIds);
    if (input.attachmentIds !== undefined) set.attachmentIds = unique(input.attachmentIds);
    if (input.author !== undefined) set.author = input.author;
    if (input.source !== undefined) set.source = input.source;
    const merged = { ...before, ...set };
    kindIssues(merged);
    const filesChanged =
      !sameIds(merged.imageIds, before.imageIds) || !sameIds(merged.attachmentIds, before.attachmentIds) || !sameIds(merged.bodyImageIds, before.bodyImageIds);
    const at = now();
    const updated = await db.connection.transaction(async (session) => {
      const doc = await models.Interpretation.findOneAndUpdate(
        { _id: before._id, status: before.status, ...staffScope(actor) },
        { $set: set, $push: { history: staffHistory(actor, at, 'update', before.status, before.status, null, null) } },
        { session, returnDocument: 'after' },
      ).lean<InterpretationDoc>();
      if (!doc) return null;
      if (filesChanged) {
        await syncFiles(
          actor,
          { type: INTERPRETATION_OWNER_TYPE, id: before._id.toHexString() },
          [
            { ids: merged.imageIds, kinds: ['image'] },
            { ids: merged.attachmentIds, kinds: ['image', 'pdf'] },
            { ids: merged.bodyImageIds, kinds: ['image'] },
          ],
          [...before.imageIds, ...before.attachmentIds, ...before.bodyImageIds],
          session,
        );
      }
      await services.audit.recordAudit({
        actor,
        action: 'interpretation.update',
        targetType: 'interpretation',
        targetId: before._id,
        details: {
          policyId: before.policyId.toHexString(),
          fields: Object.keys(set).filter((k) => k !== 'bodyImageIds'),
          changes: changesOf(before, doc, ['kind', 'title', 'videoUrl', 'author', 'source', 'imageIds', 'attachmentIds']),
        },
        session,
      });
      return doc;
    });
    if (!updated) throw invalidState({ status: (await loadInterpretation(actor, id)).status });
    return staffInterpretationDetail(updated);
  };

  // ---------------------------------------------------------------- the service

  return {
    // ---- public ----

    async listPublicPolicies(_actor, query) {
      const filters: Record<string, unknown>[] = [{ status: 'published' }];
      if (query.category) filters.push({ category: query.category });
      if (query.validity) filters.push({ validity: query.validity });
      if (query.q) filters.push(textFilter(query.q, ['title', 'documentNumber']));
      return pageOfPolicies(filters, query, 'publishedAt');
    },

    async getPublicPolicy(actor, id) {
      if (!isValidObjectId(id)) throw notFound();
      const policy = await models.Policy.findOne({ _id: oid(id), status: 'published' }).lean<PolicyDoc>();
      if (!policy) throw notFound();
      // Staff previews are not views; anyone else's is counted by the route once answered.
      const viewCount = policy.viewCount + views.pending(id) + (actor.kind === 'staff' ? 0 : 1);
      return policyDetail({ ...policy, viewCount }, 'public');
    },

    recordView: (id) => views.record(id),
    flushViews: () => views.flush(),

    listCategories: () => categoryOps.categoriesWithCounts(),

    // ---- staff: policies ----

    async listPolicies(actor, query) {
      const filters: Record<string, unknown>[] = [];
      const scope = staffScope(actor);
      if (Object.keys(scope).length > 0) filters.push(scope);
      if (query.status) filters.push({ status: query.status });
      if (query.category) filters.push({ category: query.category });
      if (query.departmentId) filters.push({ departmentId: oid(query.departmentId) });
      if (query.validity) filters.push({ status: 'published', validity: query.validity });
      if (query.q) filters.push(textFilter(query.q, ['title', 'documentNumber', 'issuingBody']));
      return pageOfPolicies(filters, query, 'createdAt');
    },

    async getPolicy(actor, id) {
      return policyDetail(await loadPolicy(actor, id), 'staff');
    },

    createPolicy,
    updatePolicy,

    async submitPolicy(actor, id) {
      const updated = await runStep(policyTarget, actor, id, {
        action: 'submit',
        from: ['draft', 'returned'],
        plan: async (p) => {
          const issues = await submissionIssues(p);
          if (issues.length > 0) throw validationError(issues);
          return { set: { status: 'in_review', returnReason: null }, toStatus: 'in_review' };
        },
      });
      return policyDetail(updated, 'staff');
    },

    async approvePolicy(actor, id, input) {
      const updated = await runStep(policyTarget, actor, id, {
        action: 'approve',
        from: ['in_review'],
        plan: (_p, at) => {
          const review = confidentialityReviewOf(actor, input, at);
          return {
            set: { status: 'approved', confidentialityReview: review },
            toStatus: 'approved',
            note: review.note || null,
            audit: { confidentialityReview: { result: review.result, checkedAt: review.checkedAt.toISOString() } },
          };
        },
      });
      return policyDetail(updated, 'staff');
    },

    async returnPolicy(actor, id, reason) {
      const updated = await runStep(policyTarget, actor, id, {
        action: 'return',
        from: ['in_review'],
        plan: () => ({ set: { status: 'returned', returnReason: reason, confidentialityReview: null }, toStatus: 'returned', note: reason, audit: { reason } }),
      });
      return policyDetail(updated, 'staff');
    },

    async publishPolicy(actor, id, input) {
      const updated = await runStep(policyTarget, actor, id, {
        action: 'publish',
        from: ['approved'],
        plan: async (p, at) => {
          const publishedAt = publicationInstant(input.publishedAt, at);
          const effectiveDate = input.effectiveDate ?? p.effectiveDate ?? toCstDate(publishedAt);
          if (p.expiryDate && p.expiryDate <= effectiveDate) {
            throw validationError([{ in: 'body', path: 'effectiveDate', message: '生效日期应早于失效日期' }]);
          }
          const approved = input.withInterpretations
            ? await models.Interpretation.find({ policyId: p._id, status: 'approved' }).sort({ createdAt: 1 }).lean<InterpretationDoc[]>()
            : [];
          return {
            set: { status: 'published', publishedAt, effectiveDate, validity: 'valid', validityChangedAt: null },
            toStatus: 'published',
            validity: 'valid',
            audit: { publishedAt: publishedAt.toISOString(), interpretationIds: approved.map((i) => i._id.toHexString()) },
            after: async (session) => {
              await categoryOps.bumpCounts(p.category, { published: 1 }, session);
              for (const i of approved) await publishInterpretationIn(actor, i, publishedAt, at, session, '随政策文件同步发布');
            },
          };
        },
      });
      return policyDetail(await loadPolicy(actor, updated._id.toHexString()), 'staff');
    },

    async repealPolicy(actor, id, input) {
      return policyDetail(await markValidity(actor, id, 'repeal', 'repealed', input), 'staff');
    },

    async amendPolicy(actor, id, input) {
      return policyDetail(await markValidity(actor, id, 'amend', 'amended', input), 'staff');
    },

    async expirePolicy(actor, id, input) {
      return policyDetail(await markValidity(actor, id, 'expire', 'expired', input), 'staff');
    },

    async listInterpretationGaps(actor, query) {
      const at = now();
      const categories = await categoryMap();
      const required = [...categories.values()].filter((c) => c.interpretationRequired).map((c) => c.key);
      const keys = query.category ? required.filter((k) => k === query.category) : required;
      const base: Record<string, unknown>[] = [{ status: 'published', category: { $in: keys } }];
      const scope = staffScope(actor);
      if (Object.keys(scope).length > 0) base.push(scope);
      if (query.departmentId) base.push({ departmentId: oid(query.departmentId) });
      let after = query.cursor ? decodeCursor(query.cursor) : null;
      const gaps: InterpretationGap[] = [];
      // Scans newest first in batches until a page and one more gap are found (the extra one
      // only tells that there is a next page).
      for (;;) {
        const filters = after ? [...base, afterCursorFilter('publishedAt', after)] : base;
        const rows = await models.Policy.find({ $and: filters }, { history: 0, body: 0 })
          .sort({ publishedAt: -1, _id: -1 })
          .limit(GAP_SCAN_BATCH)
          .lean<PolicyDoc[]>();
        for (const p of rows) {
          const gap = interpretationGapOf(p, at);
          if (gap && (!query.overdue || gap.overdue)) gaps.push(gap);
          if (gaps.length > query.limit) break;
        }
        if (gaps.length > query.limit || rows.length < GAP_SCAN_BATCH) break;
        const last = rows[rows.length - 1];
        after = { at: last.publishedAt as Date, id: last._id };
      }
      const page = gaps.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor = gaps.length > query.limit && last ? encodeCursor({ at: last.policy.publishedAt as Date, id: last.policy._id }) : null;
      return { gaps: page, categories, nextCursor, now: at };
    },

    // ---- staff: interpretations ----

    async listInterpretations(actor, query) {
      const filters: Record<string, unknown>[] = [];
      const scope = staffScope(actor);
      if (Object.keys(scope).length > 0) filters.push(scope);
      if (query.policyId) filters.push({ policyId: oid(query.policyId) });
      if (query.status) filters.push({ status: query.status });
      if (query.kind) filters.push({ kind: query.kind });
      if (query.departmentId) filters.push({ departmentId: oid(query.departmentId) });
      if (query.cursor) filters.push(afterCursorFilter('createdAt', decodeCursor(query.cursor)));
      const rows = await models.Interpretation.find(filters.length > 0 ? { $and: filters } : {}, { history: 0, body: 0, qa: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<InterpretationDoc[]>();
      const page = pageOf(rows, query.limit, (r) => r.createdAt);
      return { interpretations: page.rows, nextCursor: page.nextCursor };
    },

    async getInterpretation(actor, id) {
      return staffInterpretationDetail(await loadInterpretation(actor, id));
    },

    createInterpretation,
    updateInterpretation,

    async submitInterpretation(actor, id) {
      const updated = await runStep(interpretationTarget, actor, id, {
        action: 'submit',
        from: ['draft', 'returned'],
        plan: (i) => {
          kindIssues(i);
          return { set: { status: 'in_review', returnReason: null }, toStatus: 'in_review' };
        },
      });
      return staffInterpretationDetail(updated);
    },

    async approveInterpretation(actor, id, input) {
      const updated = await runStep(interpretationTarget, actor, id, {
        action: 'approve',
        from: ['in_review'],
        plan: (_i, at) => {
          const review = confidentialityReviewOf(actor, input, at);
          return {
            set: { status: 'approved', confidentialityReview: review },
            toStatus: 'approved',
            note: review.note || null,
            audit: { confidentialityReview: { result: review.result, checkedAt: review.checkedAt.toISOString() } },
          };
        },
      });
      return staffInterpretationDetail(updated);
    },

    async returnInterpretation(actor, id, reason) {
      const updated = await runStep(interpretationTarget, actor, id, {
        action: 'return',
        from: ['in_review'],
        plan: () => ({ set: { status: 'returned', returnReason: reason, confidentialityReview: null }, toStatus: 'returned', note: reason, audit: { reason } }),
      });
      return staffInterpretationDetail(updated);
    },

    async publishInterpretation(actor, id, input) {
      const before = await loadInterpretation(actor, id);
      if (before.status !== 'approved') throw invalidState({ status: before.status });
      const policy = await models.Policy.findById(before.policyId, { status: 1, publishedAt: 1 }).lean<Pick<PolicyDoc, '_id' | 'status' | 'publishedAt'>>();
      if (!policy || policy.status !== 'published' || !policy.publishedAt) {
        throw invalidState({ status: before.status, policyStatus: policy?.status ?? null, reason: 'policy_not_published' });
      }
      const at = now();
      const publishedAt = publicationInstant(input.publishedAt, at, { at: policy.publishedAt, message: '解读发布时间不能早于政策文件发布时间' });
      const done = await db.connection.transaction(async (session) => {
        // The policy must still be published when the interpretation commits.
        const stillPublished = await models.Policy.exists({ _id: policy._id, status: 'published' }).session(session);
        if (!stillPublished) return false;
        return publishInterpretationIn(actor, before, publishedAt, at, session, null);
      });
      if (!done) throw invalidState({ status: (await loadInterpretation(actor, id)).status });
      return staffInterpretationDetail(await loadInterpretation(actor, id));
    },

    // ---- categories ----

    createCategory: (actor, input) => categoryOps.createCategory(actor, input),
    updateCategory: (actor, id, input) => categoryOps.updateCategory(actor, id, input),
    deleteCategory: (actor, id) => categoryOps.deleteCategory(actor, id),
    ensureDefaultCategories: () => categoryOps.ensureDefaultCategories(),
    recountCategories: () => categoryOps.recountCategories(),

    // ---- other features ----

    async countsForMonth(month) {
      const { from, to } = cstMonthRange(month);
      const at = now();
      const range = { $gte: from, $lt: to };
      const categories = await categoryMap();
      const requiredCategories = new Set([...categories.values()].filter((c) => c.interpretationRequired).map((c) => c.key));
      const projection = { history: 0, body: 0, catalog: 0 };
      const [policies, interpretations] = await Promise.all([
        models.Policy.find(
          {
            status: 'published',
            $or: [
              { publishedAt: range },
              { 'interpretation.firstPublishedAt': range },
              { validityChangedAt: range },
              { category: { $in: [...requiredCategories] }, 'interpretation.firstPublishedAt': null },
            ],
          },
          projection,
        ).lean<PolicyDoc[]>(),
        models.Interpretation.find({ status: 'published', publishedAt: range }, { departmentId: 1, publishedAt: 1, policyId: 1 }).lean<
          Pick<InterpretationDoc, 'departmentId' | 'publishedAt' | 'policyId'>[]
        >(),
      ]);
      // Department names for interpretations whose policy had nothing else in the period.
      const known = new Set(policies.map((p) => p.departmentId.toHexString()));
      const missing = [...new Set(interpretations.map((i) => i.departmentId.toHexString()).filter((d) => !known.has(d)))];
      const departmentNames = new Map<string, string>();
      if (missing.length > 0) {
        const named = await models.Policy.find({ departmentId: { $in: missing.map(oid) } }, { departmentId: 1, departmentName: 1 })
          .sort({ updatedAt: -1 })
          .lean<Pick<PolicyDoc, 'departmentId' | 'departmentName'>[]>();
        for (const p of named) if (!departmentNames.has(p.departmentId.toHexString())) departmentNames.set(p.departmentId.toHexString(), p.departmentName);
      }
      return {
        month,
        from,
        to,
        computedAt: at,
        ...computePolicyFigures({ policies, interpretations, requiredCategories, departmentNames }, from, to, at),
      };
    },

    async expireDuePolicies() {
      const at = now();
      const today = toCstDate(at);
      const system: SystemActor = { kind: 'system', component: EXPIRY_COMPONENT };
      const due = await models.Policy.find(
        { status: 'published', validity: { $in: MARKABLE_VALIDITIES }, expiryDate: { $ne: null, $lt: today } },
        { _id: 1, validity: 1, expiryDate: 1, title: 1 },
      ).lean<Pick<PolicyDoc, '_id' | 'validity' | 'expiryDate' | 'title'>[]>();
      let expired = 0;
      for (const p of due) {
        const note = `有效期至${p.expiryDate}，已自动标记为失效`;
        const changed = await db.connection.transaction(async (session) => {
          // Conditional: an office mark made meanwhile wins, and a second instance finds nothing to do.
          const res = await models.Policy.updateOne(
            { _id: p._id, status: 'published', validity: p.validity },
            {
              $set: { validity: 'expired', validityChangedAt: at, validityNote: note },
              $push: { history: systemHistory(system, at, 'expire', 'published', 'expired', note) },
            },
            { session },
          );
          if (res.modifiedCount === 0) return false;
          await services.audit.recordAudit({
            actor: system,
            action: 'policy.expire',
            targetType: 'policy',
            targetId: p._id,
            details: { title: p.title, expiryDate: p.expiryDate, validity: { from: p.validity, to: 'expired' } },
            session,
          });
          return true;
        });
        if (changed) expired += 1;
      }
      return expired;
    },
  };
}

/**
 * Registers who may download the files of policies and interpretations: anyone once published,
 * otherwise staff who may see the item (handlers: their department's). Called once per uploads
 * service, from the policy service factory.
 */
export function registerPolicyFileAccess({ models, services }: ServiceDeps): void {
  const mayRead = async (kind: 'policy' | 'interpretation', actor: Actor, ownerId: string): Promise<boolean> => {
    if (!isValidObjectId(ownerId)) return false;
    const model = kind === 'policy' ? models.Policy : models.Interpretation;
    const doc = await (model as typeof models.Policy).findById(ownerId, { status: 1, departmentId: 1 }).lean<Pick<PolicyDoc, 'status' | 'departmentId'>>();
    if (!doc) return false;
    if (doc.status === 'published') return true;
    if (actor.kind !== 'staff') return false;
    return actor.role !== 'handler' || (actor.departmentId !== null && doc.departmentId.toHexString() === actor.departmentId);
  };
  // Published policies are public material: staff downloads are not personal-data reads.
  services.uploads.registerAccess(POLICY_OWNER_TYPE, (actor, id) => mayRead('policy', actor, id), { personalData: false });
  services.uploads.registerAccess(INTERPRETATION_OWNER_TYPE, (actor, id) => mayRead('interpretation', actor, id), { personalData: false });
}
