/**
 * Opinion collection (意见征集): consultations with survey questions, one response per citizen,
 * adoption decisions on the free-text opinions, and the published adoption report (采纳情况).
 *
 * Lifecycle: draft → open → closed → feedback_published.
 * - `office` and `handler` (own department) create and edit drafts; only drafts can be edited,
 *   so questions never change once responses may exist.
 * - `office` opens a draft after checking its window against the minimum-duration rule, and may
 *   close it early. The auto-close task closes consultations whose end has passed with
 *   conditional `updateMany`s (safe on every instance at once, ADR 050); until it runs, readers
 *   already see the consultation as closed and responses are refused by the clock.
 * - One response per citizen is guaranteed by the unique index on (consultation, user): two
 *   concurrent submissions both get through every check, and the second insert fails (ADR 050).
 * - Free-text answers are the opinions. Each is decided (adopted | partly adopted | not adopted,
 *   with a reason); duplicates are merged into a group that shares one decision. Publishing the
 *   report needs every opinion decided and notifies every respondent once (dedupe keys).
 *
 * Staff see respondents only as opaque respondent numbers; every staff action and every staff
 * read of responses or opinions is audited.
 */
import { Types, isValidObjectId, type ClientSession } from 'mongoose';
import type { z } from 'zod';
import {
  buildAnswersSchema,
  OPINION_RESULT_LABELS,
  type Answer,
  type ConsultationCreate,
  type ConsultationFeedback,
  type ConsultationResults,
  type ConsultationUpdate,
  type FeedbackPublish,
  type OpinionDecision,
  type OpinionListQuery,
  type OpinionMerge,
  type OpinionResult,
  type PublicConsultationListQuery,
  type Question,
  type QuestionInput,
  type ResponseSubmit,
  type StaffConsultationListQuery,
} from '../../../../shared/consultations';
import type { CursorQuerySchema } from '../../../../shared/pagination';
import type { Actor, CitizenActor, StaffActor, SystemActor } from '../../lib/actor';
import { workingDaysBetween } from '../../lib/calendar';
import { afterCursorFilter, decodeCursor, pageOf } from '../../lib/cursor';
import { AppError, forbidden, invalidState, isAppError, notFound, validationError, type ValidationIssue } from '../../lib/errors';
import { maskFreeText } from '../../lib/masking';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import type { ServiceDeps } from '../../services';
import type { ContentCheck } from '../content-safety/content-safety.service';
import type { UploadInfo } from '../upload/upload.service';
import { feedbackDeadline, isAcceptingResponses, isFeedbackOverdue, meetsMinimumEnd, minimumEnd, monthRange, phaseOf } from './consultation-deadlines';
import { buildResponsesCsv } from './consultation-export';
import { sanitizeRichText, uploadImageIds } from '../../lib/rich-text';
import { COUNTER_WRITE_CONCERN } from '../../lib/write-concern';
import type {
  ConsultationDoc,
  ConsultationOpinionDoc,
  ConsultationResponseDoc,
  OpinionDecisionDoc,
  StaffRefDoc,
} from './consultation.model';

/** Upload owner type and content-review subject type of this feature. */
export const CONSULTATION_OWNER_TYPE = 'consultation';
export const OPINION_SUBJECT_TYPE = 'consultation_opinion';
/** Subscribe-message template key of the adoption-report notification. */
export const FEEDBACK_TEMPLATE = 'consultation_feedback';

type CursorQuery = z.infer<typeof CursorQuerySchema>;

/** A consultation with what its views need besides the document. */
export interface ConsultationDetail {
  consultation: ConsultationDoc;
  now: Date;
  attachments: UploadInfo[];
}

/** The staff view's extra figures. */
export interface StaffConsultationDetail extends ConsultationDetail {
  responseCount: number;
  opinionCount: number;
  undecidedCount: number;
}

/** The public detail with the signed-in citizen's own response, if any. */
export interface PublicConsultationDetail extends ConsultationDetail {
  /** Null when the reader is not a signed-in citizen. */
  myResponse: { submittedAt: Date } | 'none' | null;
}

export interface ConsultationPage {
  consultations: ConsultationDoc[];
  nextCursor: string | null;
  now: Date;
}

/** One of my responses with its consultation and my opinions in it. */
export interface MyResponseItem {
  response: ConsultationResponseDoc;
  consultation: ConsultationDoc;
  opinions: ConsultationOpinionDoc[];
  now: Date;
}

/** A department's figures for one month (see {@link ConsultationService.monthlyStatistics}). */
export interface ConsultationDepartmentMonth {
  departmentId: string;
  departmentName: string;
  /** Consultations closed in the month (by `closedAt`). */
  consultationsClosed: number;
  /** Responses submitted in the month. */
  responsesReceived: number;
  /** Free-text opinions submitted in the month ("received" in the supervision figures). */
  opinionsReceived: number;
  /** Adoption reports published in the month ("handled"). */
  feedbackPublished: number;
  /** …of which on or before their deadline (closedAt + 1 calendar month) ("handled on time"). */
  feedbackPublishedOnTime: number;
  /** Consultations whose report is overdue at the time of the call ("overdue now"). */
  feedbackOverdueNow: number;
  /**
   * Mean working days from closing to publishing, over the reports published in the month, one
   * decimal; null when none ("average working days to handle").
   */
  averageWorkingDaysToFeedback: number | null;
}

/** Monthly figures of the consultation channel for the supervision statistics (月度督查). */
export interface ConsultationMonthlyStatistics {
  /** `YYYY-MM`, China Standard Time. */
  month: string;
  from: Date;
  to: Date;
  /** When "overdue now" was evaluated. */
  asOf: Date;
  departments: ConsultationDepartmentMonth[];
  totals: Omit<ConsultationDepartmentMonth, 'departmentId' | 'departmentName'>;
}

export interface ConsultationService {
  // ------------------------------------------------------------------ staff
  /** @throws validation_error (department, attachments), forbidden (handler for another department), invalid_attachment */
  createConsultation(actor: StaffActor, input: ConsultationCreate): Promise<StaffConsultationDetail>;
  /** Drafts only. @throws not_found, invalid_state, validation_error, forbidden, invalid_attachment */
  updateConsultation(actor: StaffActor, id: string, input: ConsultationUpdate): Promise<StaffConsultationDetail>;
  /** @throws not_found (unknown, or another department's for a handler) */
  getForStaff(actor: StaffActor, id: string): Promise<StaffConsultationDetail>;
  /** Newest first; handlers see their own department only. */
  listForStaff(actor: StaffActor, query: StaffConsultationListQuery): Promise<ConsultationPage>;
  /**
   * draft → open (office). A start in the past becomes now. Checks the questions, the window and
   * the minimum-duration rule. @throws not_found, invalid_state, validation_error,
   * consultation_window_too_short (400, with the rule explained in Chinese)
   */
  openConsultation(actor: StaffActor, id: string): Promise<StaffConsultationDetail>;
  /** open → closed before (or at) the end (office). @throws not_found, invalid_state */
  closeConsultation(actor: StaffActor, id: string): Promise<StaffConsultationDetail>;
  /** Responses newest first, respondents as numbers; audited as a personal-data read. */
  listResponses(actor: StaffActor, id: string, query: CursorQuery): Promise<{ responses: ConsultationResponseDoc[]; nextCursor: string | null }>;
  /** Every response as CSV (UTF-8 with BOM); audited as a personal-data read. */
  exportResponsesCsv(actor: StaffActor, id: string): Promise<{ filename: string; content: Buffer }>;
  /** Opinions newest first; audited as a personal-data read. */
  listOpinions(actor: StaffActor, id: string, query: OpinionListQuery): Promise<{ opinions: ConsultationOpinionDoc[]; nextCursor: string | null }>;
  /** Decides the opinion's whole group (closed consultations). @throws not_found, invalid_state */
  decideOpinion(actor: StaffActor, id: string, opinionId: string, input: OpinionDecision): Promise<ConsultationOpinionDoc>;
  /**
   * Moves the listed opinions (with their groups) into `into`'s group, which keeps its decision
   * (or none). @throws not_found, validation_error (different questions), invalid_state
   */
  mergeOpinions(actor: StaffActor, id: string, input: OpinionMerge): Promise<{ groupId: string; size: number; decision: OpinionDecisionDoc | null }>;
  /**
   * closed → feedback_published, then notifies every respondent (inbox + subscribe message).
   * @throws not_found, invalid_state, opinions_undecided (409, `details.count`)
   */
  publishFeedback(actor: StaffActor, id: string, input: FeedbackPublish): Promise<StaffConsultationDetail>;

  // ------------------------------------------------------------------ public
  /** Published consultations, newest start first; `open`/`closed` as the clock says. */
  listPublished(actor: Actor, query: PublicConsultationListQuery): Promise<ConsultationPage>;
  /** @throws not_found (unknown or draft) */
  getPublished(actor: Actor, id: string): Promise<PublicConsultationDetail>;
  /**
   * One response per citizen. @throws not_found, consultation_not_open, validation_error
   * (per question), already_responded, content_risky (422)
   */
  submitResponse(actor: CitizenActor, id: string, input: ResponseSubmit): Promise<{ response: ConsultationResponseDoc; opinionsUnderReview: number }>;
  /** My responses, newest first, with my opinions and (once published) their adoption. */
  listMine(actor: CitizenActor, query: CursorQuery): Promise<{ items: MyResponseItem[]; nextCursor: string | null }>;
  /**
   * Aggregated answers. @throws not_found (unknown, draft, or results not shown publicly),
   * consultation_results_not_available (403, before the consultation has closed)
   */
  getResults(actor: Actor, id: string): Promise<ConsultationResults>;
  /** The published adoption report, personal data masked. @throws not_found until published */
  getFeedback(actor: Actor, id: string): Promise<ConsultationFeedback>;

  // ------------------------------------------------------------------ system
  /**
   * Closes every open consultation whose end has passed, with `closedAt` = its end time (one
   * conditional `updateMany` per distinct end time: idempotent, safe on several instances).
   * Returns how many this call closed.
   */
  closeEndedConsultations(now: Date): Promise<number>;
  /** Notifies respondents of published reports whose notifications did not all go out (after a crash). */
  resumeFeedbackNotifications(): Promise<number>;
  /**
   * Monthly figures per department for the supervision statistics (`month` = `YYYY-MM`, CST).
   * Generic mapping: received = `opinionsReceived`, handled = `feedbackPublished`, handled on
   * time = `feedbackPublishedOnTime`, overdue now = `feedbackOverdueNow`, average working days to
   * handle = `averageWorkingDaysToFeedback`.
   * @throws RangeError for a malformed month
   */
  monthlyStatistics(month: string): Promise<ConsultationMonthlyStatistics>;
}

/** Issues are reported where the body had them (`answers.<questionId>`). */
function bodyIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix: string): ValidationIssue[] {
  return issues.map((i) => ({ in: 'body' as const, path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));
}

/** Assigns ids (`q1`, `q2`, … skipping ids in use) and resolves defaults. */
function resolveQuestions(inputs: readonly QuestionInput[]): Question[] {
  const used = new Set(inputs.map((q) => q.id).filter((id): id is string => id !== undefined));
  let n = 0;
  const nextId = () => {
    do n += 1;
    while (used.has(`q${n}`));
    used.add(`q${n}`);
    return `q${n}`;
  };
  return inputs.map((q) => {
    const base = { id: q.id ?? nextId(), title: q.title, required: q.required ?? false };
    switch (q.type) {
      case 'single':
        return { ...base, type: 'single', options: [...q.options] };
      case 'multiple':
        return { ...base, type: 'multiple', options: [...q.options], minSelect: q.minSelect ?? 0, maxSelect: q.maxSelect ?? q.options.length };
      case 'text':
        return { ...base, type: 'text', minLength: q.minLength ?? 0, maxLength: q.maxLength ?? 500 };
      default:
        return { ...base, type: 'rating' };
    }
  });
}

const staffRef = (actor: StaffActor): StaffRefDoc => ({ staffId: new Types.ObjectId(actor.staffId), username: actor.username });

const oid = (id: string) => new Types.ObjectId(id);

/** Quotable in public: passed content safety, or approved by a reviewer. */
const isQuotable = (o: Pick<ConsultationOpinionDoc, 'safety'>) => o.safety === 'pass' || o.safety === 'approved';

const RESULT_ORDER: Record<OpinionResult, number> = { adopted: 0, partly_adopted: 1, not_adopted: 2 };

/** A group of merged opinions (or a single one) as reports show it. */
interface OpinionGroup {
  groupId: string;
  questionId: string;
  members: ConsultationOpinionDoc[];
  decision: OpinionDecisionDoc | null;
  /** Masked text of the leader, or of the first quotable member; null when none may be quoted. */
  quote: string | null;
}

function groupOpinions(opinions: readonly ConsultationOpinionDoc[]): OpinionGroup[] {
  const groups = new Map<string, ConsultationOpinionDoc[]>();
  for (const o of opinions) {
    const key = o.groupId.toHexString();
    const list = groups.get(key);
    if (list) list.push(o);
    else groups.set(key, [o]);
  }
  return [...groups.entries()].map(([groupId, members]) => {
    members.sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()));
    const leader = members.find((m) => m._id.toHexString() === groupId);
    const quoted = leader && isQuotable(leader) ? leader : members.find(isQuotable);
    return {
      groupId,
      questionId: (leader ?? members[0]).questionId,
      members,
      decision: (leader ?? members[0]).decision ?? null,
      quote: quoted ? maskFreeText(quoted.text) : null,
    };
  });
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const percent = (count: number, of: number) => (of === 0 ? 0 : round((count / of) * 100, 1));

export function createConsultationService({ models, db, clock, logger, services }: ServiceDeps): ConsultationService {
  const log = logger.child({ component: 'consultations' });
  const now = () => new Date(clock());
  const autoCloser: SystemActor = { kind: 'system', component: 'consultation-auto-close' };

  // Who may download attachments and inline images: everybody once published, staff always.
  services.uploads.registerAccess(
    CONSULTATION_OWNER_TYPE,
    async (actor, ownerId) => {
      if (actor.kind === 'staff') return true;
      if (!isValidObjectId(ownerId)) return false;
      return (await models.Consultation.exists({ _id: oid(ownerId), status: { $ne: 'draft' } })) !== null;
    },
    { personalData: false },
  );

  // A held opinion becomes quotable when approved; a rejected one is never quoted (but is still
  // an opinion that gets a decision and is counted).
  services.contentSafety.onDecision(OPINION_SUBJECT_TYPE, async (subjectId, decision, { session }) => {
    if (!isValidObjectId(subjectId)) return;
    await models.ConsultationOpinion.updateOne(
      { _id: oid(subjectId), safety: 'review' },
      { $set: { safety: decision === 'approved' ? 'approved' : 'rejected' } },
      { session },
    );
  });

  // ---------------------------------------------------------------- loading

  const loadForStaff = async (actor: StaffActor, id: string) => {
    const doc = isValidObjectId(id) ? await models.Consultation.findById(id).lean<ConsultationDoc>() : null;
    // A handler may not learn that another department's consultation exists.
    if (!doc || (actor.role === 'handler' && doc.departmentId.toHexString() !== actor.departmentId)) throw notFound();
    return doc;
  };

  const loadPublished = async (id: string) => {
    const doc = isValidObjectId(id) ? await models.Consultation.findById(id).lean<ConsultationDoc>() : null;
    if (!doc || doc.status === 'draft') throw notFound();
    return doc;
  };

  const attachmentsOf = async (doc: ConsultationDoc): Promise<UploadInfo[]> => {
    if (doc.attachmentIds.length === 0) return [];
    const all = await services.uploads.listForOwner({ type: CONSULTATION_OWNER_TYPE, id: doc._id.toHexString() });
    const byId = new Map(all.map((u) => [u.id, u]));
    return doc.attachmentIds.map((a) => byId.get(a.toHexString())).filter((u): u is UploadInfo => u !== undefined);
  };

  const staffDetail = async (doc: ConsultationDoc, at = now()): Promise<StaffConsultationDetail> => {
    const [attachments, responseCount, opinionCount, undecidedCount] = await Promise.all([
      attachmentsOf(doc),
      models.ConsultationResponse.countDocuments({ consultationId: doc._id }),
      models.ConsultationOpinion.countDocuments({ consultationId: doc._id }),
      models.ConsultationOpinion.countDocuments({ consultationId: doc._id, decision: null }),
    ]);
    return { consultation: doc, now: at, attachments, responseCount, opinionCount, undecidedCount };
  };

  const departmentNameFor = async (actor: StaffActor, departmentId: string) => {
    try {
      return (await services.departments.getDepartment(actor, departmentId)).name;
    } catch (err) {
      if (isAppError(err, 'not_found')) throw validationError([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
      throw err;
    }
  };

  /** The department a staff member may put a consultation in. */
  const departmentFor = (actor: StaffActor, requested: string | undefined): string => {
    if (actor.role === 'handler') {
      if (!actor.departmentId) throw forbidden();
      if (requested !== undefined && requested !== actor.departmentId) throw forbidden();
      return actor.departmentId;
    }
    if (requested === undefined) throw validationError([{ in: 'body', path: 'departmentId', message: '请选择负责部门' }]);
    return requested;
  };

  /** Attaches new uploads and releases dropped ones, inside the caller's transaction. */
  const syncUploads = async (
    actor: StaffActor,
    consultationId: Types.ObjectId,
    before: { attachmentIds: readonly string[]; inline: readonly string[] },
    after: { attachmentIds: readonly string[]; inline: readonly string[] },
    session: ClientSession,
  ) => {
    const owner = { type: CONSULTATION_OWNER_TYPE, id: consultationId.toHexString() };
    const had = new Set([...before.attachmentIds, ...before.inline]);
    const newFiles = after.attachmentIds.filter((id) => !had.has(id));
    const newImages = after.inline.filter((id) => !had.has(id) && !newFiles.includes(id));
    if (newFiles.length > 0) await services.uploads.claimForAttachment(actor, newFiles, owner, { session, kinds: ['image', 'pdf'] });
    if (newImages.length > 0) await services.uploads.claimForAttachment(actor, newImages, owner, { session, kinds: ['image'] });
    const keep = new Set([...after.attachmentIds, ...after.inline]);
    const dropped = [...had].filter((id) => !keep.has(id));
    if (dropped.length > 0) await services.uploads.releaseAttachments(owner, dropped, { session });
  };

  /**
   * Stores the close of one consultation that ended by the clock (same condition as the task), so
   * staff actions after the end do not wait for the task.
   */
  const closeIfEnded = async (doc: ConsultationDoc, at: Date): Promise<ConsultationDoc> => {
    if (doc.status !== 'open' || at.getTime() < doc.endAt.getTime()) return doc;
    const due = feedbackDeadline(doc.endAt);
    const res = await models.Consultation.updateOne(
      { _id: doc._id, status: 'open', endAt: { $lte: at } },
      { $set: { status: 'closed', closedAt: doc.endAt, feedbackDueAt: due.dueAt, feedbackDueDate: due.dueDate } },
    );
    if (res.modifiedCount > 0) {
      await services.audit.recordAudit({
        actor: autoCloser,
        action: 'consultation.auto_close',
        targetType: 'consultation',
        targetId: doc._id,
        details: { endAt: doc.endAt.toISOString(), count: 1 },
      });
    }
    return (await models.Consultation.findById(doc._id).lean<ConsultationDoc>()) ?? doc;
  };

  /** Loads for a decision-stage action: stored `closed` (closing it first if it has ended). */
  const loadClosedForStaff = async (actor: StaffActor, id: string, at: Date) => {
    const doc = await closeIfEnded(await loadForStaff(actor, id), at);
    if (doc.status !== 'closed') throw invalidState({ status: phaseOf(doc, at) });
    return doc;
  };

  // ---------------------------------------------------------------- notifications

  const notifyRespondents = async (doc: ConsultationDoc): Promise<number> => {
    const id = doc._id.toHexString();
    const publishedOn = doc.feedbackPublishedAt ?? now();
    let n = 0;
    const cursor = models.ConsultationResponse.find({ consultationId: doc._id }, { userId: 1 }).sort({ _id: 1 }).lean<Pick<ConsultationResponseDoc, '_id' | 'userId'>[]>().cursor();
    for await (const r of cursor) {
      const userId = r.userId.toHexString();
      await services.notifications.notify({
        userId,
        kind: 'consultation_feedback',
        title: '意见征集采纳情况已公布',
        body: `您参与的“${doc.title}”意见征集已公布意见采纳情况，欢迎查看。`,
        link: { type: 'consultation', id },
        subscribe: {
          template: FEEDBACK_TEMPLATE,
          data: { thing1: doc.title, thing2: '意见采纳情况已公布', date3: cstDateText(publishedOn) },
          page: `packages/consultation/pages/feedback/index?id=${id}`,
        },
        dedupeKey: `consultation:${id}:feedback:${userId}`,
      });
      n += 1;
    }
    await models.Consultation.updateOne({ _id: doc._id, feedbackNotifiedAt: null }, { $set: { feedbackNotifiedAt: now() } });
    return n;
  };

  // ---------------------------------------------------------------- staff

  const createConsultation: ConsultationService['createConsultation'] = async (actor, input) => {
    const departmentId = departmentFor(actor, input.departmentId);
    const departmentName = await departmentNameFor(actor, departmentId);
    const draftHtml = sanitizeRichText(input.draftHtml);
    const basisHtml = sanitizeRichText(input.basisHtml);
    const inline = [...new Set([...uploadImageIds(draftHtml), ...uploadImageIds(basisHtml)])];
    const attachmentIds = [...new Set(input.attachmentIds)];
    const _id = new Types.ObjectId();
    const at = now();
    const doc: Omit<ConsultationDoc, 'createdAt' | 'updatedAt'> = {
      _id,
      title: input.title,
      summary: input.summary,
      draftHtml,
      basisHtml,
      attachmentIds: attachmentIds.map(oid),
      inlineImageIds: inline.map(oid),
      departmentId: oid(departmentId),
      departmentName,
      startAt: new Date(input.startAt),
      endAt: new Date(input.endAt),
      questions: resolveQuestions(input.questions),
      showResults: input.showResults,
      minDurationRule: input.minDurationRule,
      status: 'draft',
      createdBy: staffRef(actor),
      openedAt: null,
      closedAt: null,
      feedbackDueAt: null,
      feedbackDueDate: null,
      feedbackSummary: null,
      feedbackPublishedAt: null,
      feedbackNotifiedAt: null,
      respondentSeq: 0,
      revision: 0,
    };
    const created = await db.connection.transaction(async (session) => {
      const [saved] = await models.Consultation.create([doc], { session });
      await syncUploads(actor, _id, { attachmentIds: [], inline: [] }, { attachmentIds, inline }, session);
      await services.audit.recordAudit({
        actor,
        action: 'consultation.create',
        targetType: 'consultation',
        targetId: _id,
        details: { title: input.title, departmentId, questions: doc.questions.length, attachments: attachmentIds.length },
        session,
      });
      return saved.toObject<ConsultationDoc>();
    });
    return staffDetail(created, at);
  };

  const updateConsultation: ConsultationService['updateConsultation'] = async (actor, id, input) => {
    const before = await loadForStaff(actor, id);
    if (before.status !== 'draft') throw invalidState({ status: before.status });
    const set: Partial<ConsultationDoc> = {};
    if (input.title !== undefined) set.title = input.title;
    if (input.summary !== undefined) set.summary = input.summary;
    if (input.draftHtml !== undefined) set.draftHtml = sanitizeRichText(input.draftHtml);
    if (input.basisHtml !== undefined) set.basisHtml = sanitizeRichText(input.basisHtml);
    if (input.startAt !== undefined) set.startAt = new Date(input.startAt);
    if (input.endAt !== undefined) set.endAt = new Date(input.endAt);
    if (input.questions !== undefined) set.questions = resolveQuestions(input.questions);
    if (input.showResults !== undefined) set.showResults = input.showResults;
    if (input.minDurationRule !== undefined) set.minDurationRule = input.minDurationRule;
    if (input.departmentId !== undefined && input.departmentId !== before.departmentId.toHexString()) {
      const departmentId = departmentFor(actor, input.departmentId);
      set.departmentId = oid(departmentId);
      set.departmentName = await departmentNameFor(actor, departmentId);
    }
    const startAt = set.startAt ?? before.startAt;
    const endAt = set.endAt ?? before.endAt;
    if (endAt.getTime() <= startAt.getTime()) throw validationError([{ in: 'body', path: 'endAt', message: '截止时间必须晚于开始时间' }]);

    const draftHtml = set.draftHtml ?? before.draftHtml;
    const basisHtml = set.basisHtml ?? before.basisHtml;
    const inline = [...new Set([...uploadImageIds(draftHtml), ...uploadImageIds(basisHtml)])];
    const attachmentIds = input.attachmentIds !== undefined ? [...new Set(input.attachmentIds)] : before.attachmentIds.map((a) => a.toHexString());
    set.attachmentIds = attachmentIds.map(oid);
    set.inlineImageIds = inline.map(oid);

    const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
    const after = await db.connection.transaction(async (session) => {
      const updated = await models.Consultation.findOneAndUpdate({ _id: before._id, status: 'draft' }, { $set: set }, { returnDocument: 'after', session }).lean<ConsultationDoc>();
      if (!updated) throw invalidState({ status: 'open' });
      await syncUploads(
        actor,
        before._id,
        { attachmentIds: before.attachmentIds.map((a) => a.toHexString()), inline: before.inlineImageIds.map((a) => a.toHexString()) },
        { attachmentIds, inline },
        session,
      );
      await services.audit.recordAudit({ actor, action: 'consultation.update', targetType: 'consultation', targetId: before._id, details: { fields: changed }, session });
      return updated;
    });
    return staffDetail(after);
  };

  const getForStaff: ConsultationService['getForStaff'] = async (actor, id) => staffDetail(await loadForStaff(actor, id));

  const listForStaff: ConsultationService['listForStaff'] = async (actor, query) => {
    const filters: Record<string, unknown>[] = [];
    if (actor.role === 'handler') filters.push({ departmentId: oid(actor.departmentId ?? '000000000000000000000000') });
    else if (query.departmentId) filters.push({ departmentId: oid(query.departmentId) });
    if (query.status) filters.push({ status: query.status });
    if (query.cursor) filters.push(afterCursorFilter('createdAt', decodeCursor(query.cursor)));
    const rows = await models.Consultation.find(filters.length > 0 ? { $and: filters } : {})
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean<ConsultationDoc[]>();
    const page = pageOf(rows, query.limit, (r) => r.createdAt);
    return { consultations: page.rows, nextCursor: page.nextCursor, now: now() };
  };

  const openConsultation: ConsultationService['openConsultation'] = async (actor, id) => {
    const before = await loadForStaff(actor, id);
    if (before.status !== 'draft') throw invalidState({ status: before.status });
    const at = now();
    // A start already past means the consultation starts now: it was not open before.
    const startAt = before.startAt.getTime() < at.getTime() ? at : before.startAt;
    const issues: ValidationIssue[] = [];
    if (before.questions.length === 0) issues.push({ in: 'body', path: 'questions', message: '请至少设置一个问题后再发布' });
    if (before.endAt.getTime() <= at.getTime()) issues.push({ in: 'body', path: 'endAt', message: '截止时间已过，请修改后再发布' });
    if (issues.length > 0) throw validationError(issues);
    const min = minimumEnd(before.minDurationRule, startAt);
    if (min && !meetsMinimumEnd(before.endAt, min)) {
      throw new AppError('consultation_window_too_short', {
        message: `征集期限不足。${min.explanation}`,
        details: { rule: min.rule, requiredLastDate: min.requiredLastDate, minEndAt: min.minEndAt.toISOString(), explanation: min.explanation },
      });
    }
    const after = await db.connection.transaction(async (session) => {
      const updated = await models.Consultation.findOneAndUpdate(
        { _id: before._id, status: 'draft' },
        { $set: { status: 'open', startAt, openedAt: at, openedBy: staffRef(actor) } },
        { returnDocument: 'after', session },
      ).lean<ConsultationDoc>();
      if (!updated) throw invalidState({ status: 'open' });
      await services.audit.recordAudit({
        actor,
        action: 'consultation.open',
        targetType: 'consultation',
        targetId: before._id,
        details: {
          startAt: startAt.toISOString(),
          endAt: before.endAt.toISOString(),
          minDurationRule: before.minDurationRule,
          requiredLastDate: min?.requiredLastDate ?? null,
        },
        session,
      });
      return updated;
    });
    return staffDetail(after, at);
  };

  const closeConsultation: ConsultationService['closeConsultation'] = async (actor, id) => {
    const before = await loadForStaff(actor, id);
    if (before.status !== 'open') throw invalidState({ status: before.status });
    const at = now();
    // Already ended by the clock: it closed at its end time.
    const closedAt = before.endAt.getTime() < at.getTime() ? before.endAt : at;
    const due = feedbackDeadline(closedAt);
    const after = await db.connection.transaction(async (session) => {
      const updated = await models.Consultation.findOneAndUpdate(
        { _id: before._id, status: 'open' },
        { $set: { status: 'closed', closedAt, closedBy: staffRef(actor), feedbackDueAt: due.dueAt, feedbackDueDate: due.dueDate } },
        { returnDocument: 'after', session },
      ).lean<ConsultationDoc>();
      if (!updated) throw invalidState({ status: 'closed' });
      await services.audit.recordAudit({
        actor,
        action: 'consultation.close',
        targetType: 'consultation',
        targetId: before._id,
        details: { closedAt: closedAt.toISOString(), early: closedAt.getTime() < before.endAt.getTime(), feedbackDueDate: due.dueDate },
        session,
      });
      return updated;
    });
    return staffDetail(after, at);
  };

  const listResponses: ConsultationService['listResponses'] = async (actor, id, query) => {
    const doc = await loadForStaff(actor, id);
    const filters: Record<string, unknown>[] = [{ consultationId: doc._id }];
    if (query.cursor) filters.push(afterCursorFilter('submittedAt', decodeCursor(query.cursor)));
    const rows = await models.ConsultationResponse.find({ $and: filters })
      .sort({ submittedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean<ConsultationResponseDoc[]>();
    const page = pageOf(rows, query.limit, (r) => r.submittedAt);
    await services.audit.recordAudit({
      actor,
      action: 'consultation.read_responses',
      targetType: 'consultation',
      targetId: doc._id,
      details: { count: page.rows.length, respondentNos: page.rows.map((r) => r.respondentNo) },
    });
    return { responses: page.rows, nextCursor: page.nextCursor };
  };

  const exportResponsesCsv: ConsultationService['exportResponsesCsv'] = async (actor, id) => {
    const doc = await loadForStaff(actor, id);
    const responses = await models.ConsultationResponse.find({ consultationId: doc._id }).sort({ respondentNo: 1, _id: 1 }).lean<ConsultationResponseDoc[]>();
    const content = buildResponsesCsv(doc.questions, responses);
    await services.audit.recordAudit({
      actor,
      action: 'consultation.export_responses',
      targetType: 'consultation',
      targetId: doc._id,
      details: { format: 'csv', rows: responses.length },
    });
    return { filename: `consultation-${doc._id.toHexString()}-responses.csv`, content };
  };

  const listOpinions: ConsultationService['listOpinions'] = async (actor, id, query) => {
    const doc = await loadForStaff(actor, id);
    const filters: Record<string, unknown>[] = [{ consultationId: doc._id }];
    if (query.questionId) filters.push({ questionId: query.questionId });
    if (query.decided === true) filters.push({ decision: { $ne: null } });
    if (query.decided === false) filters.push({ decision: null });
    if (query.cursor) filters.push(afterCursorFilter('submittedAt', decodeCursor(query.cursor)));
    const rows = await models.ConsultationOpinion.find({ $and: filters })
      .sort({ submittedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean<ConsultationOpinionDoc[]>();
    const page = pageOf(rows, query.limit, (r) => r.submittedAt);
    await services.audit.recordAudit({
      actor,
      action: 'consultation.read_opinions',
      targetType: 'consultation',
      targetId: doc._id,
      details: { count: page.rows.length },
    });
    return { opinions: page.rows, nextCursor: page.nextCursor };
  };

  const loadOpinion = async (doc: ConsultationDoc, opinionId: string, session?: ClientSession) => {
    const o = isValidObjectId(opinionId)
      ? await models.ConsultationOpinion.findOne({ _id: oid(opinionId), consultationId: doc._id }, null, { session }).lean<ConsultationOpinionDoc>()
      : null;
    if (!o) throw notFound();
    return o;
  };

  /** Claims the consultation for this transaction (see `revision`) while it is still `closed`. */
  const bumpRevision = async (doc: ConsultationDoc, session: ClientSession) => {
    const res = await models.Consultation.updateOne({ _id: doc._id, status: 'closed' }, { $inc: { revision: 1 } }, { session });
    if (res.matchedCount === 0) throw invalidState({ status: 'feedback_published' });
  };

  const decideOpinion: ConsultationService['decideOpinion'] = async (actor, id, opinionId, input) => {
    const at = now();
    const doc = await loadClosedForStaff(actor, id, at);
    const decision: OpinionDecisionDoc = { result: input.result, reason: input.reason, decidedBy: staffRef(actor), decidedAt: at };
    return db.connection.transaction(async (session) => {
      await bumpRevision(doc, session);
      // Read inside the transaction: a merge may have just moved the opinion to another group.
      const opinion = await loadOpinion(doc, opinionId, session);
      const res = await models.ConsultationOpinion.updateMany({ consultationId: doc._id, groupId: opinion.groupId }, { $set: { decision } }, { session });
      await services.audit.recordAudit({
        actor,
        action: 'consultation.decide_opinion',
        targetType: 'consultation',
        targetId: doc._id,
        details: {
          opinionId,
          groupId: opinion.groupId.toHexString(),
          groupSize: res.matchedCount,
          result: input.result,
          previous: opinion.decision?.result ?? null,
        },
        session,
      });
      return { ...opinion, decision };
    });
  };

  const mergeOpinions: ConsultationService['mergeOpinions'] = async (actor, id, input) => {
    const doc = await loadClosedForStaff(actor, id, now());
    return db.connection.transaction(async (session) => {
      await bumpRevision(doc, session);
      const into = await loadOpinion(doc, input.into, session);
      const ids = [...new Set(input.opinionIds)].filter((o) => o !== input.into);
      const listed = await models.ConsultationOpinion.find({ _id: { $in: ids.map(oid) }, consultationId: doc._id }, null, { session }).lean<ConsultationOpinionDoc[]>();
      if (listed.length !== ids.length) throw notFound();
      if (listed.some((o) => o.questionId !== into.questionId)) {
        throw validationError([{ in: 'body', path: 'opinionIds', message: '只能合并同一问题下的意见' }]);
      }
      const target = into.groupId;
      const moving = [...new Set(listed.map((o) => o.groupId.toHexString()))].filter((g) => g !== target.toHexString());
      if (moving.length > 0) {
        await models.ConsultationOpinion.updateMany(
          { consultationId: doc._id, groupId: { $in: moving.map(oid) } },
          // A group without a decision leaves its new members undecided too.
          into.decision ? { $set: { groupId: target, decision: into.decision } } : { $set: { groupId: target }, $unset: { decision: '' } },
          { session },
        );
      }
      const size = await models.ConsultationOpinion.countDocuments({ consultationId: doc._id, groupId: target }, { session });
      await services.audit.recordAudit({
        actor,
        action: 'consultation.merge_opinions',
        targetType: 'consultation',
        targetId: doc._id,
        details: { into: input.into, groupId: target.toHexString(), opinionIds: ids, groupsMerged: moving.length, size },
        session,
      });
      return { groupId: target.toHexString(), size, decision: into.decision ?? null };
    });
  };

  const publishFeedback: ConsultationService['publishFeedback'] = async (actor, id, input) => {
    const at = now();
    const doc = await loadClosedForStaff(actor, id, at);
    const published = await db.connection.transaction(async (session) => {
      const undecided = await models.ConsultationOpinion.countDocuments({ consultationId: doc._id, decision: null }, { session });
      if (undecided > 0) {
        throw new AppError('opinions_undecided', { message: `还有${undecided}条意见未作出采纳决定，不能发布采纳情况`, details: { count: undecided } });
      }
      // Writing the document claims it: a decision or merge racing this transaction conflicts
      // with it and is retried against the new state (it then finds the report published).
      const updated = await models.Consultation.findOneAndUpdate(
        { _id: doc._id, status: 'closed' },
        { $set: { status: 'feedback_published', feedbackSummary: input.summary, feedbackPublishedAt: at, feedbackPublishedBy: staffRef(actor) }, $inc: { revision: 1 } },
        { returnDocument: 'after', session },
      ).lean<ConsultationDoc>();
      if (!updated) throw invalidState({ status: 'feedback_published' });
      await services.audit.recordAudit({
        actor,
        action: 'consultation.publish_feedback',
        targetType: 'consultation',
        targetId: doc._id,
        details: { onTime: updated.feedbackDueAt ? at.getTime() <= updated.feedbackDueAt.getTime() : null, feedbackDueDate: updated.feedbackDueDate },
        session,
      });
      return updated;
    });
    // After the commit: one notification per respondent, each deduplicated, so a retry (the
    // background task resumes unfinished runs) never notifies anybody twice.
    try {
      await notifyRespondents(published);
    } catch (err) {
      log.warn({ err, consultationId: id }, 'notifying respondents failed; the auto-close task will resume');
    }
    return staffDetail((await models.Consultation.findById(doc._id).lean<ConsultationDoc>()) ?? published, at);
  };

  // ---------------------------------------------------------------- public

  const listPublished: ConsultationService['listPublished'] = async (_actor, query) => {
    const at = now();
    const filters: Record<string, unknown>[] = [];
    if (query.status === 'open') {
      filters.push({ status: 'open', startAt: { $lte: at }, endAt: { $gt: at } });
    } else if (query.status === 'closed') {
      filters.push({ $or: [{ status: { $in: ['closed', 'feedback_published'] } }, { status: 'open', endAt: { $lte: at } }] });
    } else {
      filters.push({ status: { $in: ['open', 'closed', 'feedback_published'] } });
    }
    if (query.cursor) filters.push(afterCursorFilter('startAt', decodeCursor(query.cursor)));
    const rows = await models.Consultation.find({ $and: filters }).sort({ startAt: -1, _id: -1 }).limit(query.limit + 1).lean<ConsultationDoc[]>();
    const page = pageOf(rows, query.limit, (r) => r.startAt);
    return { consultations: page.rows, nextCursor: page.nextCursor, now: at };
  };

  const getPublished: ConsultationService['getPublished'] = async (actor, id) => {
    const doc = await loadPublished(id);
    let myResponse: PublicConsultationDetail['myResponse'] = null;
    if (actor.kind === 'citizen') {
      const mine = await models.ConsultationResponse.findOne({ consultationId: doc._id, userId: oid(actor.userId) }, { submittedAt: 1 }).lean<Pick<ConsultationResponseDoc, 'submittedAt'>>();
      myResponse = mine ? { submittedAt: mine.submittedAt } : 'none';
    }
    return { consultation: doc, now: now(), attachments: await attachmentsOf(doc), myResponse };
  };

  const submitResponse: ConsultationService['submitResponse'] = async (actor, id, input) => {
    // Only what answering needs: not the draft text, which is most of the document.
    const doc = isValidObjectId(id)
      ? await models.Consultation.findById(id, { status: 1, startAt: 1, endAt: 1, questions: 1 }).lean<Pick<ConsultationDoc, '_id' | 'status' | 'startAt' | 'endAt' | 'questions'>>()
      : null;
    if (!doc || doc.status === 'draft') throw notFound();
    const at = now();
    if (!isAcceptingResponses(doc, at)) {
      throw new AppError('consultation_not_open', {
        message: phaseOf(doc, at) === 'upcoming' ? '意见征集尚未开始' : '意见征集已结束',
        details: { phase: phaseOf(doc, at), startAt: doc.startAt.toISOString(), endAt: doc.endAt.toISOString() },
      });
    }
    const parsed = buildAnswersSchema(doc.questions).safeParse(input.answers);
    if (!parsed.success) throw validationError(bodyIssues(parsed.error.issues, 'answers'));
    const answers: Answer[] = parsed.data;
    const userId = oid(actor.userId);
    // A fast answer for an obvious repeat, before the content check. Not the guarantee: the
    // unique index below is, for concurrent submissions too.
    if ((await models.ConsultationResponse.exists({ consultationId: doc._id, userId })) !== null) throw new AppError('already_responded');

    // Every opinion may be quoted in the public adoption report (and in results), so each is
    // checked; risky text refuses the whole response, `review` holds that opinion back.
    const texts = answers.filter((a): a is Extract<Answer, { type: 'text' }> => a.type === 'text');
    const checks: ContentCheck[] = [];
    for (const a of texts) checks.push(await services.contentSafety.assertNotRisky(actor, a.value, 'comment'));

    // Not journaled (no fsync wait): the response's journaled commit below makes the number durable
    // with it, and a number lost in a crash was never given to an acknowledged response.
    const seq = await models.Consultation.findOneAndUpdate(
      { _id: doc._id },
      { $inc: { respondentSeq: 1 } },
      { returnDocument: 'after', projection: { respondentSeq: 1 }, writeConcern: COUNTER_WRITE_CONCERN },
    ).lean<Pick<ConsultationDoc, 'respondentSeq'>>();
    const respondentNo = seq?.respondentSeq ?? 0;
    const responseId = new Types.ObjectId();
    const opinions: ConsultationOpinionDoc[] = texts.map((a, i) => {
      const _id = new Types.ObjectId();
      return {
        _id,
        consultationId: doc._id,
        responseId,
        userId,
        respondentNo,
        questionId: a.questionId,
        text: a.value,
        safety: checks[i].suggest === 'pass' ? 'pass' : 'review',
        groupId: _id,
        submittedAt: at,
      };
    });
    const response: ConsultationResponseDoc = { _id: responseId, consultationId: doc._id, userId, respondentNo, answers, submittedAt: at };
    try {
      await db.connection.transaction(async (session) => {
        // Complete documents built from the checked answers above: inserted as they are, without
        // mongoose's per-document casting on every response.
        await models.ConsultationResponse.collection.insertOne(response, { session });
        if (opinions.length > 0) await models.ConsultationOpinion.collection.insertMany(opinions, { session });
        for (const [i, o] of opinions.entries()) {
          if (o.safety !== 'review') continue;
          await services.contentSafety.holdForReview(
            { subjectType: OPINION_SUBJECT_TYPE, subjectId: o._id.toHexString(), excerpt: o.text, result: checks[i] },
            { session },
          );
        }
      });
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('already_responded');
      throw err;
    }
    return { response, opinionsUnderReview: opinions.filter((o) => o.safety === 'review').length };
  };

  const listMine: ConsultationService['listMine'] = async (actor, query) => {
    const filters: Record<string, unknown>[] = [{ userId: oid(actor.userId) }];
    if (query.cursor) filters.push(afterCursorFilter('submittedAt', decodeCursor(query.cursor)));
    const rows = await models.ConsultationResponse.find({ $and: filters }).sort({ submittedAt: -1, _id: -1 }).limit(query.limit + 1).lean<ConsultationResponseDoc[]>();
    const page = pageOf(rows, query.limit, (r) => r.submittedAt);
    const [consultations, opinions] = await Promise.all([
      models.Consultation.find({ _id: { $in: page.rows.map((r) => r.consultationId) } }).lean<ConsultationDoc[]>(),
      models.ConsultationOpinion.find({ responseId: { $in: page.rows.map((r) => r._id) } }).lean<ConsultationOpinionDoc[]>(),
    ]);
    const byId = new Map(consultations.map((c) => [c._id.toHexString(), c]));
    const at = now();
    const items: MyResponseItem[] = [];
    for (const r of page.rows) {
      const consultation = byId.get(r.consultationId.toHexString());
      if (!consultation) continue;
      items.push({ response: r, consultation, opinions: opinions.filter((o) => o.responseId.equals(r._id)), now: at });
    }
    return { items, nextCursor: page.nextCursor };
  };

  const getResults: ConsultationService['getResults'] = async (_actor, id) => {
    const doc = await loadPublished(id);
    // Results that are never shown publicly do not exist for the public: 404, like a draft.
    if (!doc.showResults) throw notFound();
    const phase = phaseOf(doc, now());
    if (phase !== 'closed' && phase !== 'feedback_published') throw new AppError('consultation_results_not_available');

    const [responseCount, answeredRows, valueRows] = await Promise.all([
      models.ConsultationResponse.countDocuments({ consultationId: doc._id }),
      models.ConsultationResponse.aggregate<{ _id: string; n: number }>([
        { $match: { consultationId: doc._id } },
        { $unwind: '$answers' },
        { $group: { _id: '$answers.questionId', n: { $sum: 1 } } },
      ]),
      models.ConsultationResponse.aggregate<{ _id: { q: string; v: string | number }; n: number }>([
        { $match: { consultationId: doc._id } },
        { $unwind: '$answers' },
        { $match: { 'answers.type': { $in: ['single', 'multiple', 'rating'] } } },
        { $unwind: '$answers.value' },
        { $group: { _id: { q: '$answers.questionId', v: '$answers.value' }, n: { $sum: 1 } } },
      ]),
    ]);
    const answered = new Map(answeredRows.map((r) => [r._id, r.n]));
    const counts = new Map(valueRows.map((r) => [`${r._id.q}\u0000${String(r._id.v)}`, r.n]));
    const countOf = (q: string, v: string | number) => counts.get(`${q}\u0000${String(v)}`) ?? 0;

    let groups: OpinionGroup[] = [];
    if (doc.status === 'feedback_published') {
      const opinions = await models.ConsultationOpinion.find({ consultationId: doc._id }).lean<ConsultationOpinionDoc[]>();
      groups = groupOpinions(opinions)
        .filter((g) => g.quote !== null && (g.decision?.result === 'adopted' || g.decision?.result === 'partly_adopted'))
        .sort((a, b) => RESULT_ORDER[a.decision!.result] - RESULT_ORDER[b.decision!.result] || b.members.length - a.members.length);
    }

    return {
      consultationId: doc._id.toHexString(),
      responseCount,
      questions: doc.questions.map((q): ConsultationResults['questions'][number] => {
        const n = answered.get(q.id) ?? 0;
        switch (q.type) {
          case 'single':
          case 'multiple':
            return {
              questionId: q.id,
              title: q.title,
              type: q.type,
              answered: n,
              options: q.options.map((option) => ({ option, count: countOf(q.id, option), percent: percent(countOf(q.id, option), n) })),
            };
          case 'rating': {
            const distribution = [1, 2, 3, 4, 5].map((score) => ({ score, count: countOf(q.id, score), percent: percent(countOf(q.id, score), n) }));
            const sum = distribution.reduce((s, d) => s + d.score * d.count, 0);
            return { questionId: q.id, title: q.title, type: 'rating', answered: n, distribution, average: n === 0 ? null : round(sum / n, 2) };
          }
          default:
            return {
              questionId: q.id,
              title: q.title,
              type: 'text',
              answered: n,
              adoptedQuotes: groups
                .filter((g) => g.questionId === q.id)
                .map((g) => ({ text: g.quote!, count: g.members.length, result: g.decision!.result, resultLabel: OPINION_RESULT_LABELS[g.decision!.result] })),
            };
        }
      }),
    };
  };

  const getFeedback: ConsultationService['getFeedback'] = async (_actor, id) => {
    const doc = await loadPublished(id);
    if (doc.status !== 'feedback_published' || !doc.feedbackPublishedAt || !doc.closedAt || !doc.feedbackDueAt) throw notFound();
    const opinions = await models.ConsultationOpinion.find({ consultationId: doc._id }).lean<ConsultationOpinionDoc[]>();
    const count = (r: OpinionResult) => opinions.filter((o) => o.decision?.result === r).length;
    const titles = new Map(doc.questions.map((q) => [q.id, q.title]));
    const order = new Map(doc.questions.map((q, i) => [q.id, i]));
    const groups = groupOpinions(opinions)
      .filter((g) => g.decision !== null)
      .sort(
        (a, b) =>
          RESULT_ORDER[a.decision!.result] - RESULT_ORDER[b.decision!.result] ||
          (order.get(a.questionId) ?? 0) - (order.get(b.questionId) ?? 0) ||
          b.members.length - a.members.length ||
          a.members[0].submittedAt.getTime() - b.members[0].submittedAt.getTime(),
      );
    return {
      consultationId: doc._id.toHexString(),
      title: doc.title,
      summary: doc.feedbackSummary ?? '',
      publishedAt: doc.feedbackPublishedAt.toISOString(),
      closedAt: doc.closedAt.toISOString(),
      feedbackDueAt: doc.feedbackDueAt.toISOString(),
      counts: { total: opinions.length, adopted: count('adopted'), partlyAdopted: count('partly_adopted'), notAdopted: count('not_adopted') },
      opinions: groups.map((g) => ({
        questionId: g.questionId,
        questionTitle: titles.get(g.questionId) ?? '',
        text: g.quote,
        count: g.members.length,
        result: g.decision!.result,
        resultLabel: OPINION_RESULT_LABELS[g.decision!.result],
        reason: g.decision!.reason,
      })),
    };
  };

  // ---------------------------------------------------------------- system

  const closeEndedConsultations: ConsultationService['closeEndedConsultations'] = async (at) => {
    // One conditional updateMany per distinct end time, so each consultation records its own end
    // as closedAt (and the deadline from it) without pipeline updates. Instances running this at
    // the same moment each close what is still open; a consultation is closed exactly once.
    const ends = (await models.Consultation.distinct('endAt', { status: 'open', endAt: { $lte: at } })) as Date[];
    let closed = 0;
    for (const endAt of ends) {
      const due = feedbackDeadline(endAt);
      const res = await models.Consultation.updateMany(
        { status: 'open', endAt },
        { $set: { status: 'closed', closedAt: endAt, feedbackDueAt: due.dueAt, feedbackDueDate: due.dueDate } },
      );
      if (res.modifiedCount > 0) {
        closed += res.modifiedCount;
        await services.audit.recordAudit({
          actor: autoCloser,
          action: 'consultation.auto_close',
          targetType: 'consultation',
          details: { endAt: endAt.toISOString(), count: res.modifiedCount, feedbackDueDate: due.dueDate },
        });
      }
    }
    return closed;
  };

  const resumeFeedbackNotifications: ConsultationService['resumeFeedbackNotifications'] = async () => {
    const pending = await models.Consultation.find({ status: 'feedback_published', feedbackNotifiedAt: null }).lean<ConsultationDoc[]>();
    let n = 0;
    for (const doc of pending) n += await notifyRespondents(doc);
    return n;
  };

  const monthlyStatistics: ConsultationService['monthlyStatistics'] = async (month) => {
    const { from, to } = monthRange(month);
    const at = now();
    const [closedInMonth, publishedInMonth, openOrClosed, responsesBy, opinionsBy] = await Promise.all([
      models.Consultation.find({ closedAt: { $gte: from, $lt: to } }, { departmentId: 1, departmentName: 1 }).lean<ConsultationDoc[]>(),
      models.Consultation.find({ feedbackPublishedAt: { $gte: from, $lt: to } }).lean<ConsultationDoc[]>(),
      models.Consultation.find({ status: { $in: ['open', 'closed'] } }).lean<ConsultationDoc[]>(),
      models.ConsultationResponse.aggregate<{ _id: Types.ObjectId; n: number }>([
        { $match: { submittedAt: { $gte: from, $lt: to } } },
        { $group: { _id: '$consultationId', n: { $sum: 1 } } },
      ]),
      models.ConsultationOpinion.aggregate<{ _id: Types.ObjectId; n: number }>([
        { $match: { submittedAt: { $gte: from, $lt: to } } },
        { $group: { _id: '$consultationId', n: { $sum: 1 } } },
      ]),
    ]);
    const received = [...responsesBy, ...opinionsBy].map((r) => r._id);
    const owners = await models.Consultation.find({ _id: { $in: received } }, { departmentId: 1, departmentName: 1 }).lean<ConsultationDoc[]>();
    const deptOf = new Map(owners.map((c) => [c._id.toHexString(), c]));

    type Row = ConsultationDepartmentMonth & { workingDays: number[] };
    const rows = new Map<string, Row>();
    const row = (c: Pick<ConsultationDoc, 'departmentId' | 'departmentName'>): Row => {
      const key = c.departmentId.toHexString();
      let r = rows.get(key);
      if (!r) {
        r = {
          departmentId: key,
          departmentName: c.departmentName,
          consultationsClosed: 0,
          responsesReceived: 0,
          opinionsReceived: 0,
          feedbackPublished: 0,
          feedbackPublishedOnTime: 0,
          feedbackOverdueNow: 0,
          averageWorkingDaysToFeedback: null,
          workingDays: [],
        };
        rows.set(key, r);
      }
      return r;
    };
    for (const c of closedInMonth) row(c).consultationsClosed += 1;
    for (const r of responsesBy) {
      const c = deptOf.get(r._id.toHexString());
      if (c) row(c).responsesReceived += r.n;
    }
    for (const r of opinionsBy) {
      const c = deptOf.get(r._id.toHexString());
      if (c) row(c).opinionsReceived += r.n;
    }
    for (const c of publishedInMonth) {
      const r = row(c);
      r.feedbackPublished += 1;
      if (c.feedbackDueAt && c.feedbackPublishedAt && c.feedbackPublishedAt.getTime() <= c.feedbackDueAt.getTime()) r.feedbackPublishedOnTime += 1;
      if (c.closedAt && c.feedbackPublishedAt) r.workingDays.push(workingDaysBetween(c.closedAt, c.feedbackPublishedAt));
    }
    for (const c of openOrClosed) if (isFeedbackOverdue(c, at)) row(c).feedbackOverdueNow += 1;

    const avg = (xs: number[]) => (xs.length === 0 ? null : round(xs.reduce((s, x) => s + x, 0) / xs.length, 1));
    const departments = [...rows.values()]
      .map(({ workingDays, ...r }) => ({ ...r, averageWorkingDaysToFeedback: avg(workingDays) }))
      .sort((a, b) => a.departmentName.localeCompare(b.departmentName, 'zh-CN'));
    const all = [...rows.values()];
    const sum = (k: keyof Omit<ConsultationDepartmentMonth, 'departmentId' | 'departmentName' | 'averageWorkingDaysToFeedback'>) =>
      all.reduce((s, r) => s + r[k], 0);
    return {
      month,
      from,
      to,
      asOf: at,
      departments,
      totals: {
        consultationsClosed: sum('consultationsClosed'),
        responsesReceived: sum('responsesReceived'),
        opinionsReceived: sum('opinionsReceived'),
        feedbackPublished: sum('feedbackPublished'),
        feedbackPublishedOnTime: sum('feedbackPublishedOnTime'),
        feedbackOverdueNow: sum('feedbackOverdueNow'),
        averageWorkingDaysToFeedback: avg(all.flatMap((r) => r.workingDays)),
      },
    };
  };

  return {
    createConsultation,
    updateConsultation,
    getForStaff,
    listForStaff,
    openConsultation,
    closeConsultation,
    listResponses,
    exportResponsesCsv,
    listOpinions,
    decideOpinion,
    mergeOpinions,
    publishFeedback,
    listPublished,
    getPublished,
    submitResponse,
    listMine,
    getResults,
    getFeedback,
    closeEndedConsultations,
    resumeFeedbackNotifications,
    monthlyStatistics,
  };
}

/** `2026年3月1日` (CST), as subscribe-message `date` fields take it. */
function cstDateText(at: Date): string {
  const [y, m, d] = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
