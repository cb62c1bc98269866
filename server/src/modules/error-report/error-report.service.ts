/**
 * 我为政府网站找错: citizens report errors on government websites; the office (`office`) forwards
 * each report to the department running the site, a handler of that department (or the office)
 * replies, and the office closes it. Every staff action is audited and on the timeline.
 *
 * Duplicates (ADR 060): a report on the same normalized URL and error type as an open report (not
 * yet replied) is stored as a duplicate linked to that primary and follows its state on every
 * transition; when the primary is replied every linked reporter is notified. The partial unique
 * index "one open primary per problem" makes concurrent submissions of one problem end with one
 * primary: the loser of the race gets E11000 and retries, finding the winner and linking to it.
 */
import { createHash } from 'node:crypto';
import { Types, type ClientSession } from 'mongoose';
import {
  ERROR_REPORT_RESULT_LABELS,
  OPEN_ERROR_REPORT_STATUSES,
  contactKindOf,
  errorReportDescriptionSchema,
  errorReportFormOptions,
  type AdminErrorReportQuery,
  type ErrorReportCreate,
  type ErrorReportFormOptions,
  type ErrorReportForward,
  type ErrorReportReply,
  type ErrorReportStatus,
  type MyErrorReportQuery,
} from '../../../../shared/error-reports';
import type { Actor, CitizenActor, StaffActor } from '../../lib/actor';
import { calendarVersion, toCstDate } from '../../lib/calendar';
import { afterAscendingCursorFilter, afterCursorFilter, decodeCursor, decodePhasedCursor, encodePhasedCursor, pageOf, type CursorKey } from '../../lib/cursor';
import { conflict, invalidState, isAppError, notFound, validationError } from '../../lib/errors';
import { duplicateKeyFields, isDuplicateKeyError } from '../../lib/mongo-errors';
import { cstMonthRange } from '../../lib/calendar-dates';
import type { ServiceDeps } from '../../services';
import { freshDeadline } from '../../lib/deadline-view';
import { isForwardOverdue, isLate, isReplyOverdue, reportDeadlines } from './error-report-deadlines';
import { computeFigures, type ErrorReportMonthlyFigures, type ReportForFigures } from './error-report-stats';
import { repliedNotification, ERROR_REPORT_OWNER_TYPE } from './error-report-notifications';
import { normalizeReportUrl } from './error-report-url';
import type { ErrorReportDoc, ErrorReportEventDoc, ErrorReportReplyDoc, ErrorReportScreenshotDoc } from './error-report.model';
import { containsText } from '../../lib/regex';

/** A page of reports, newest submission first. */
export interface ErrorReportPage {
  reports: ErrorReportDoc[];
  nextCursor: string | null;
  /** The time overdue flags are derived at (the service clock when the page was read). */
  asOf: Date;
}

/** A page of the staff list, with how many reports match its filters in all. */
export interface ErrorReportStaffPage extends ErrorReportPage {
  total: number;
}

/** A report as staff open it, with the reports linked to it (or the one it follows). */
export interface ErrorReportStaffView {
  report: ErrorReportDoc;
  /** For a primary: its duplicates, oldest first. */
  duplicates: Pick<ErrorReportDoc, '_id' | 'trackingNo' | 'submittedAt'>[];
  /** For a duplicate: its primary. */
  primaryReport: Pick<ErrorReportDoc, '_id' | 'trackingNo' | 'status'> | null;
  /** The time overdue flags are derived at. */
  asOf: Date;
}

export interface ErrorReportService {
  /** The form's choices and this deployment's bounds (no database access). */
  formOptions(): ErrorReportFormOptions;
  /**
   * Stores a citizen's report with its deadlines; links it to an open report of the same problem
   * when there is one. Claims the screenshots (images only). With an `Idempotency-Key` already
   * used by this citizen for the same request, returns that report (`created: false`).
   * @throws validation_error (URL, description bounds of this deployment), invalid_attachment,
   *   idempotency_key_reused (the key came with a different request)
   */
  submitReport(actor: CitizenActor, input: ErrorReportCreate, options?: { idempotencyKey?: string }): Promise<{ report: ErrorReportDoc; created: boolean }>;
  /** The citizen's own reports, newest first. */
  listMyReports(actor: CitizenActor, query: MyErrorReportQuery): Promise<ErrorReportPage>;
  /** @throws not_found also for another citizen's report */
  getMyReport(actor: CitizenActor, id: string): Promise<ErrorReportDoc>;
  /** Staff list; handlers see only reports forwarded to their department. Overdue is derived now. */
  listReports(actor: StaffActor, query: AdminErrorReportQuery): Promise<ErrorReportStaffPage>;
  /**
   * One report for staff; audits the read of personal data when the report has a contact.
   * @throws not_found also for a handler outside the report's department
   */
  getReport(actor: StaffActor, id: string): Promise<ErrorReportStaffView>;
  /**
   * submitted → forwarded (office). Late forwarding is allowed and recorded. Linked duplicates follow.
   * @throws not_found, invalid_state (not submitted, or a duplicate), validation_error (unknown department)
   */
  forwardReport(actor: StaffActor, id: string, input: ErrorReportForward): Promise<ErrorReportDoc>;
  /**
   * forwarded → replied (handler of the department, or office). Linked duplicates follow and every
   * reporter is notified (inbox + subscribe message), in the same transaction.
   * @throws not_found (also another department's handler), invalid_state
   */
  replyReport(actor: StaffActor, id: string, input: ErrorReportReply): Promise<ErrorReportDoc>;
  /** replied → closed (office). Linked duplicates follow. @throws not_found, invalid_state */
  closeReport(actor: StaffActor, id: string): Promise<ErrorReportDoc>;
  /**
   * Monthly supervision figures of the channel for the CST month `month` (`YYYY-MM`): received,
   * forwarded (on time), replied = handled (on time), overdue now, average working days from
   * submission to reply — in total and per department. See error-report-stats.ts for the exact
   * definitions. @throws RangeError for a malformed month
   */
  countsForMonth(month: string): Promise<ErrorReportMonthlyFigures>;
  /**
   * Recomputes the stored deadlines of open reports computed with another calendar version (after
   * a new holiday notice); returns how many reports changed. Idempotent. Readers already see
   * fresh deadlines; this keeps the stored due dates (list filters, statistics) in step.
   */
  recomputeOpenDeadlines(): Promise<number>;
  /** For the uploads module: whether `actor` may download the screenshots of report `reportId`. */
  canAccessScreenshots(actor: Actor, reportId: string): Promise<boolean>;
}

/** Attempts at placing a submission (each retry follows a lost race for the primary slot). */
const MAX_SUBMIT_ATTEMPTS = 5;

/** The office sees every report; a handler sees those forwarded to their department. */
function staffScope(actor: StaffActor): Record<string, unknown> {
  if (actor.role === 'handler') return { departmentId: actor.departmentId ? new Types.ObjectId(actor.departmentId) : null, status: { $ne: 'submitted' } };
  return {};
}

/** Thrown inside a submission transaction when the primary closed between our read and our write. */
class PrimaryGone extends Error {}

/**
 * Creates the 找错 service. Registers the screenshot access rule with the uploads service at once
 * (the platform services exist before feature factories run).
 */
export function createErrorReportService({ models, config, clock, db, services }: ServiceDeps): ErrorReportService {
  const Report = models.ErrorReport;
  const descriptionBounds = {
    min: config.errorReports.descriptionMin,
    max: config.errorReports.descriptionMax,
  };
  const descriptionSchema = errorReportDescriptionSchema(descriptionBounds.min, descriptionBounds.max);

  const byId = async (id: string) => (Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? Report.findById(id).lean<ErrorReportDoc>() : null);

  /** The report if `actor` may see it, else not_found (handlers outside its department included). */
  const loadForStaff = async (actor: StaffActor, id: string) => {
    const doc = await byId(id);
    if (!doc) throw notFound();
    if (actor.role === 'handler' && (doc.status === 'submitted' || !doc.departmentId || doc.departmentId.toHexString() !== actor.departmentId)) {
      throw notFound();
    }
    return doc;
  };

  /** Actions are taken on the primary; a duplicate only follows it. */
  const requirePrimary = (doc: ErrorReportDoc) => {
    if (!doc.primary) throw invalidState({ status: doc.status, duplicateOf: doc.duplicateOf?.toHexString() ?? null });
  };

  const staffEvent = (actor: StaffActor, fields: Omit<ErrorReportEventDoc, 'actorKind' | 'actorRole' | 'actorId'>): ErrorReportEventDoc => ({
    ...fields,
    actorKind: 'staff',
    actorRole: actor.role,
    actorId: actor.staffId,
  });

  const nextTrackingNo = async (now: Date): Promise<string> => {
    const day = toCstDate(now).replace(/-/g, '');
    for (let attempt = 0; ; attempt++) {
      try {
        const counter = await models.ErrorReportCounter.findOneAndUpdate({ _id: day }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
        return `ZC${day}-${String(counter?.seq ?? 1).padStart(4, '0')}`;
      } catch (err) {
        // Two first-of-the-day upserts raced on the same _id: the loser increments the winner's.
        if (!isDuplicateKeyError(err) || attempt >= 2) throw err;
      }
    }
  };

  const paginate = async (
    filter: Record<string, unknown>,
    query: { cursor?: string; limit: number; after?: CursorKey },
    keep: (doc: ErrorReportDoc) => boolean = () => true,
    now: Date = new Date(clock()),
  ): Promise<ErrorReportPage> => {
    let key: CursorKey | null = query.cursor ? decodeCursor(query.cursor) : query.after ?? null;
    const found: ErrorReportDoc[] = [];
    const batch = query.limit + 1;
    // A post-filter (overdue under a changed calendar) may drop rows: read on until the page is full.
    for (;;) {
      const page = await Report.find(key ? { $and: [filter, afterCursorFilter('submittedAt', key)] } : filter)
        .sort({ submittedAt: -1, _id: -1 })
        .limit(batch)
        .lean<ErrorReportDoc[]>();
      for (const doc of page) {
        if (keep(doc)) found.push(doc);
        if (found.length > query.limit) break;
      }
      if (found.length > query.limit || page.length < batch) break;
      const last = page[page.length - 1];
      key = { at: last.submittedAt, id: last._id };
    }
    const { rows, nextCursor } = pageOf(found, query.limit, (d) => d.submittedAt);
    return { reports: rows, nextCursor, asOf: now };
  };

  /** The stored due date of an open report's current step (forward while submitted, else reply). */
  const stepDueAt = (doc: ErrorReportDoc): Date => (doc.status === 'submitted' ? doc.forwardDeadline.dueAt : doc.replyDeadline.dueAt);

  /**
   * How many reports match `filter` and `keep`: one count, or, when a post-filter decides per
   * report (overdue under a changed calendar), a count of the candidates it keeps.
   */
  const countMatching = async (filter: Record<string, unknown>, keep?: (doc: ErrorReportDoc) => boolean): Promise<number> => {
    if (!keep) return Report.countDocuments(filter);
    const candidates = await Report.find(filter, { status: 1, forwardDeadline: 1, replyDeadline: 1 }).lean<ErrorReportDoc[]>();
    return candidates.filter(keep).length;
  };

  /**
   * The staff queue by deadline: open reports by the stored due date of their current step (the
   * forward deadline while `submitted`, the reply deadline while `forwarded`), earliest first, ties
   * by `_id`; then replied and closed reports newest first. The two open states are read as two
   * index-ordered queries merged here; `keep` may drop rows (see `paginate`).
   */
  const paginateByDueAt = async (
    filter: Record<string, unknown>,
    query: { cursor?: string; limit: number },
    keep: (doc: ErrorReportDoc) => boolean = () => true,
    now: Date = new Date(clock()),
  ): Promise<ErrorReportPage> => {
    const key = query.cursor ? decodePhasedCursor(query.cursor, ['due', 'closed'] as const) : null;
    const found: ErrorReportDoc[] = [];
    const batch = query.limit + 1;
    if (!key || key.phase === 'due') {
      let after: CursorKey | null = key;
      const read = (status: ErrorReportStatus, field: string) =>
        Report.find({ $and: [filter, { status }, ...(after ? [afterAscendingCursorFilter(field, after)] : [])] })
          .sort({ [field]: 1, _id: 1 })
          .limit(batch)
          .lean<ErrorReportDoc[]>();
      for (;;) {
        const [submitted, forwarded] = await Promise.all([read('submitted', 'forwardDeadline.dueAt'), read('forwarded', 'replyDeadline.dueAt')]);
        const merged = [...submitted, ...forwarded]
          .sort((a, b) => stepDueAt(a).getTime() - stepDueAt(b).getTime() || a._id.toHexString().localeCompare(b._id.toHexString()))
          .slice(0, batch);
        for (const doc of merged) {
          if (keep(doc)) found.push(doc);
          if (found.length > query.limit) break;
        }
        if (found.length > query.limit || merged.length < batch) break;
        const last = merged[merged.length - 1];
        after = { at: stepDueAt(last), id: last._id };
      }
    }
    if (found.length <= query.limit) {
      // Up to one row beyond the page: it tells whether there is a next page.
      const rest = await paginate(
        { $and: [filter, { status: { $nin: [...OPEN_ERROR_REPORT_STATUSES] } }] },
        { limit: batch - found.length, ...(key?.phase === 'closed' ? { after: key } : {}) },
        keep,
        now,
      );
      found.push(...rest.reports);
    }
    if (found.length <= query.limit) return { reports: found, nextCursor: null, asOf: now };
    const page = found.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor = OPEN_ERROR_REPORT_STATUSES.includes(last.status)
      ? encodePhasedCursor('due', { at: stepDueAt(last), id: last._id })
      : encodePhasedCursor('closed', { at: last.submittedAt, id: last._id });
    return { reports: page, nextCursor, asOf: now };
  };

  /** Applies `set` and `event` to the primary (guarded by its current status) and every duplicate. */
  const transition = async (
    session: ClientSession,
    primary: ErrorReportDoc,
    from: ErrorReportStatus,
    set: Partial<ErrorReportDoc>,
    event: ErrorReportEventDoc,
    perDuplicate?: (dup: ErrorReportDoc) => { set?: Partial<ErrorReportDoc>; event?: Partial<ErrorReportEventDoc> },
  ): Promise<{ after: ErrorReportDoc; duplicates: ErrorReportDoc[] }> => {
    const after = await Report.findOneAndUpdate(
      { _id: primary._id, status: from },
      { $set: set, $push: { timeline: event } },
      { returnDocument: 'after', session },
    ).lean<ErrorReportDoc>();
    if (!after) throw invalidState({ status: (await Report.findById(primary._id, { status: 1 }, { session }).lean())?.status ?? null });
    // Read after writing the primary: a concurrent submission linking a new duplicate writes the
    // primary too, so either it committed before (and is read here) or one of us gets a write
    // conflict and retries.
    const duplicates = await Report.find({ duplicateOf: primary._id }, null, { session }).sort({ submittedAt: 1, _id: 1 }).lean<ErrorReportDoc[]>();
    for (const dup of duplicates) {
      const extra = perDuplicate?.(dup) ?? {};
      await Report.updateOne(
        { _id: dup._id },
        { $set: { ...set, ...extra.set }, $push: { timeline: { ...event, ...extra.event } } },
        { session },
      );
    }
    return { after, duplicates };
  };

  const canAccessScreenshots: ErrorReportService['canAccessScreenshots'] = async (actor, reportId) => {
    const doc = await byId(reportId);
    if (!doc) return false;
    if (actor.kind === 'citizen') return doc.userId.toHexString() === actor.userId;
    if (actor.kind !== 'staff') return false;
    if (actor.role === 'office') return true;
    if (actor.role === 'handler') return doc.status !== 'submitted' && doc.departmentId?.toHexString() === actor.departmentId;
    return false;
  };
  // Screenshots are downloaded through the uploads module, which asks us who may read them; the
  // reporter may have captured personal data, so staff reads are audited (the default).
  services.uploads.registerAccess(ERROR_REPORT_OWNER_TYPE, canAccessScreenshots);

  return {
    formOptions() {
      return errorReportFormOptions(descriptionBounds.min, descriptionBounds.max);
    },

    async submitReport(actor, input, options = {}) {
      const { idempotencyKey } = options;
      const requestHash = createHash('sha256')
        .update(JSON.stringify([input.url.trim(), input.errorType, input.description, input.contact ?? null, [...(input.screenshotIds ?? [])].sort()]))
        .digest('hex');
      /** The report this key already created, if any. @throws idempotency_key_reused */
      const replayOf = async (): Promise<ErrorReportDoc | null> => {
        if (!idempotencyKey) return null;
        const earlier = await Report.findOne({ userId: new Types.ObjectId(actor.userId), idempotencyKey }).lean<ErrorReportDoc>();
        if (earlier && earlier.requestHash !== requestHash) throw conflict('idempotency_key_reused', { trackingNo: earlier.trackingNo });
        return earlier;
      };
      // A repeated key answers before anything is checked or claimed again.
      const earlier = await replayOf();
      if (earlier) return { report: earlier, created: false };

      const url = normalizeReportUrl(input.url);
      const issues: { in: 'body'; path: string; message: string }[] = [];
      if (!url.ok) issues.push({ in: 'body', path: 'url', message: url.message });
      // The deployment's description bounds (the route schema only applies the outer limits).
      const description = descriptionSchema.safeParse(input.description);
      if (!description.success) for (const i of description.error.issues) issues.push({ in: 'body', path: 'description', message: i.message });
      if (issues.length > 0 || !url.ok || !description.success) throw validationError(issues);

      const now = new Date(clock());
      const { forwardDeadline, replyDeadline } = reportDeadlines(now);
      const trackingNo = await nextTrackingNo(now);
      const id = new Types.ObjectId();
      const contact = input.contact ?? null;
      const screenshotIds = input.screenshotIds ?? [];
      const submitted: ErrorReportEventDoc = {
        type: 'submitted',
        at: now,
        status: 'submitted',
        actorKind: 'citizen',
        actorRole: null,
        actorId: actor.userId,
        departmentId: null,
        departmentName: null,
        note: null,
        late: null,
      };
      const base = {
        _id: id,
        trackingNo,
        userId: new Types.ObjectId(actor.userId),
        url: input.url.trim(),
        normalizedUrl: url.normalized,
        errorType: input.errorType,
        description: description.data,
        contact,
        contactKind: contact === null ? null : contactKindOf(contact),
        forwardDeadline,
        replyDeadline,
        duplicateCount: 0,
        forwardedBy: null,
        forwardedLate: null,
        repliedAt: null,
        closedAt: null,
        submittedAt: now,
        ...(idempotencyKey ? { idempotencyKey, requestHash } : {}),
      };

      /** Inserts the report as the problem's primary, or as a duplicate of the open primary. */
      const place = async (session: ClientSession, screenshots: ErrorReportScreenshotDoc[]) => {
        const primary = await Report.findOne(
          { normalizedUrl: url.normalized, errorType: input.errorType, primary: true, open: true },
          null,
          { session },
        ).lean<ErrorReportDoc>();
        if (!primary) {
          await Report.create(
            [{ ...base, screenshots, status: 'submitted', open: true, primary: true, duplicateOf: null, departmentId: null, departmentName: null, forwardedAt: null, timeline: [submitted] }],
            { session },
          );
          return;
        }
        // Writing the primary claims it for this transaction: a concurrent forward, reply or close
        // of the primary conflicts with us, so the duplicate never misses a transition.
        const claimed = await Report.updateOne({ _id: primary._id, open: true }, { $inc: { duplicateCount: 1 } }, { session });
        if (claimed.matchedCount === 0) throw new PrimaryGone();
        const timeline: ErrorReportEventDoc[] = [
          submitted,
          { ...submitted, type: 'linked', actorKind: 'system', actorId: null, note: `与编号${primary.trackingNo}反映的相同问题合并办理` },
        ];
        if (primary.status === 'forwarded') {
          timeline.push({
            ...submitted,
            type: 'forwarded',
            actorKind: 'system',
            actorId: null,
            status: 'forwarded',
            departmentId: primary.departmentId,
            departmentName: primary.departmentName,
            note: '随相同问题一并转交',
            late: false,
          });
        }
        await Report.create(
          [
            {
              ...base,
              screenshots,
              status: primary.status,
              open: true,
              primary: false,
              duplicateOf: primary._id,
              departmentId: primary.departmentId,
              departmentName: primary.departmentName,
              forwardedAt: primary.status === 'forwarded' ? now : null,
              forwardedLate: primary.status === 'forwarded' ? false : null,
              timeline,
            },
          ],
          { session },
        );
      };

      for (let attempt = 1; ; attempt++) {
        try {
          await db.connection.transaction(async (session) => {
            const claimedShots =
              screenshotIds.length === 0
                ? []
                : await services.uploads.claimForAttachment(actor, screenshotIds, { type: ERROR_REPORT_OWNER_TYPE, id: id.toHexString() }, { session, kinds: ['image'] });
            const screenshots = claimedShots.map((s) => ({ id: s.id, contentType: s.contentType, size: s.size, filename: s.filename }));
            await place(session, screenshots);
          });
          break;
        } catch (err) {
          // The same Idempotency-Key won a race on the unique (userId, idempotencyKey) index: answer with it.
          if (isDuplicateKeyError(err) && duplicateKeyFields(err).includes('idempotencyKey')) {
            const winner = await replayOf();
            if (winner) return { report: winner, created: false };
          }
          // Lost the race for the primary slot (E11000 on the partial unique index) or the primary
          // closed meanwhile: look again. Any other duplicate key (tracking number) is a bug.
          const raced = err instanceof PrimaryGone || (isDuplicateKeyError(err) && duplicateKeyFields(err).includes('normalizedUrl'));
          if (!raced || attempt >= MAX_SUBMIT_ATTEMPTS) throw err;
        }
      }
      const stored = await Report.findById(id).lean<ErrorReportDoc>();
      if (!stored) throw new Error(`error report ${id.toHexString()} vanished after insert`);
      return { report: stored, created: true };
    },

    async listMyReports(actor, query) {
      return paginate({ userId: new Types.ObjectId(actor.userId) }, query);
    },

    async getMyReport(actor, id) {
      const doc = await byId(id);
      if (!doc || doc.userId.toHexString() !== actor.userId) throw notFound();
      return doc;
    },

    async listReports(actor, query) {
      const now = new Date(clock());
      const and: Record<string, unknown>[] = [staffScope(actor)];
      if (query.status) and.push({ status: query.status });
      if (query.departmentId) and.push({ departmentId: new Types.ObjectId(query.departmentId) });
      if (query.errorType) and.push({ errorType: query.errorType });
      if (query.primaryOnly) and.push({ primary: true });
      if (query.q) {
        const re = containsText(query.q);
        and.push({ $or: [{ url: re }, { normalizedUrl: re }, { description: re }] });
      }
      let keep: ((doc: ErrorReportDoc) => boolean) | undefined;
      if (query.overdue) {
        // Candidates by the stored due dates, plus any deadline computed with another calendar
        // version; the exact decision is made per report with the current calendar.
        const version = calendarVersion();
        const forward = {
          status: 'submitted',
          $or: [{ 'forwardDeadline.dueAt': { $lt: now } }, { 'forwardDeadline.calendarVersion': { $ne: version } }],
        };
        const reply = {
          status: { $in: [...OPEN_ERROR_REPORT_STATUSES] },
          $or: [{ 'replyDeadline.dueAt': { $lt: now } }, { 'replyDeadline.calendarVersion': { $ne: version } }],
        };
        const which = query.overdue;
        and.push(which === 'forward' ? forward : which === 'reply' ? reply : { $or: [forward, reply] });
        keep = (doc) =>
          (which !== 'reply' && isForwardOverdue(doc, now)) || (which !== 'forward' && isReplyOverdue(doc, now));
      }
      const [page, total] = await Promise.all([
        query.sort === 'dueAt' ? paginateByDueAt({ $and: and }, query, keep, now) : paginate({ $and: and }, query, keep, now),
        countMatching({ $and: and }, keep),
      ]);
      return { ...page, total };
    },

    async getReport(actor, id) {
      const report = await loadForStaff(actor, id);
      const duplicates = report.primary
        ? await Report.find({ duplicateOf: report._id }, { trackingNo: 1, submittedAt: 1 }).sort({ submittedAt: 1, _id: 1 }).lean<ErrorReportStaffView['duplicates']>()
        : [];
      const primaryReport = report.duplicateOf
        ? await Report.findById(report.duplicateOf, { trackingNo: 1, status: 1 }).lean<ErrorReportStaffView['primaryReport']>()
        : null;
      if (report.contact !== null) {
        await services.audit.recordAudit({
          actor,
          action: 'error_report.read_personal_data',
          targetType: 'error_report',
          targetId: report._id,
          details: { fields: ['contact'] },
        });
      }
      return { report, duplicates, primaryReport, asOf: new Date(clock()) };
    },

    async forwardReport(actor, id, input) {
      const report = await loadForStaff(actor, id);
      requirePrimary(report);
      if (report.status !== 'submitted') throw invalidState({ status: report.status });
      let departmentName: string;
      try {
        departmentName = (await services.departments.getDepartment(actor, input.departmentId)).name;
      } catch (err) {
        if (isAppError(err, 'not_found')) throw validationError([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
        throw err;
      }
      const departmentId = new Types.ObjectId(input.departmentId);
      return db.connection.transaction(async (session) => {
        const now = new Date(clock());
        const late = isLate(report.forwardDeadline, now);
        const event = staffEvent(actor, { type: 'forwarded', at: now, status: 'forwarded', departmentId, departmentName, note: null, late });
        const set = { status: 'forwarded' as const, departmentId, departmentName, forwardedAt: now, forwardedBy: actor.staffId, forwardedLate: late };
        const { after, duplicates } = await transition(session, report, 'submitted', set, event, (dup) => {
          const dupLate = isLate(dup.forwardDeadline, now);
          return { set: { forwardedLate: dupLate }, event: { late: dupLate, note: `随编号${report.trackingNo}一并转交` } };
        });
        await services.audit.recordAudit({
          actor,
          action: 'error_report.forward',
          targetType: 'error_report',
          targetId: report._id,
          details: { departmentId: input.departmentId, departmentName, late, duplicates: duplicates.map((d) => d._id.toHexString()) },
          session,
        });
        return after;
      });
    },

    async replyReport(actor, id, input) {
      const report = await loadForStaff(actor, id);
      requirePrimary(report);
      if (report.status !== 'forwarded') throw invalidState({ status: report.status });
      return db.connection.transaction(async (session) => {
        const now = new Date(clock());
        const late = isLate(report.replyDeadline, now);
        const reply: ErrorReportReplyDoc = {
          result: input.result,
          message: input.message,
          repliedAt: now,
          repliedBy: actor.staffId,
          repliedByRole: actor.role,
          departmentId: report.departmentId,
          departmentName: report.departmentName,
          late,
        };
        const event = staffEvent(actor, {
          type: 'replied',
          at: now,
          status: 'replied',
          departmentId: report.departmentId,
          departmentName: report.departmentName,
          note: ERROR_REPORT_RESULT_LABELS[input.result],
          late,
        });
        const set = { status: 'replied' as const, open: false, reply, repliedAt: now };
        const { after, duplicates } = await transition(session, report, 'forwarded', set, event);
        // One notification per reporter, on their own (earliest) report of the problem.
        const notified = new Set<string>();
        for (const r of [after, ...duplicates]) {
          const userId = r.userId.toHexString();
          if (notified.has(userId)) continue;
          notified.add(userId);
          await services.notifications.notify(repliedNotification(r, reply), { session });
        }
        await services.audit.recordAudit({
          actor,
          action: 'error_report.reply',
          targetType: 'error_report',
          targetId: report._id,
          details: { result: input.result, late, duplicates: duplicates.map((d) => d._id.toHexString()), notifiedReporters: notified.size },
          session,
        });
        return after;
      });
    },

    async closeReport(actor, id) {
      const report = await loadForStaff(actor, id);
      requirePrimary(report);
      if (report.status !== 'replied') throw invalidState({ status: report.status });
      return db.connection.transaction(async (session) => {
        const now = new Date(clock());
        const event = staffEvent(actor, { type: 'closed', at: now, status: 'closed', departmentId: report.departmentId, departmentName: report.departmentName, note: null, late: null });
        const { after, duplicates } = await transition(session, report, 'replied', { status: 'closed', open: false, closedAt: now }, event);
        await services.audit.recordAudit({
          actor,
          action: 'error_report.close',
          targetType: 'error_report',
          targetId: report._id,
          details: { duplicates: duplicates.map((d) => d._id.toHexString()) },
          session,
        });
        return after;
      });
    },

    async countsForMonth(month) {
      const { from, to } = cstMonthRange(month);
      const computedAt = new Date(clock());
      const range = { $gte: from, $lt: to };
      const fields = {
        status: 1,
        primary: 1,
        departmentId: 1,
        departmentName: 1,
        submittedAt: 1,
        forwardedAt: 1,
        forwardedLate: 1,
        repliedAt: 1,
        reply: 1,
        forwardDeadline: 1,
        replyDeadline: 1,
      };
      const [received, forwarded, replied, open] = await Promise.all([
        Report.find({ submittedAt: range }, fields).lean<ReportForFigures[]>(),
        Report.find({ primary: true, forwardedAt: range }, fields).lean<ReportForFigures[]>(),
        Report.find({ primary: true, repliedAt: range }, fields).lean<ReportForFigures[]>(),
        Report.find({ primary: true, open: true }, fields).lean<ReportForFigures[]>(),
      ]);
      const figures = computeFigures({ received, forwarded, replied, open }, from, to, computedAt);
      return { channel: 'error_reports', month, from, to, computedAt, ...figures };
    },

    async recomputeOpenDeadlines() {
      const version = calendarVersion();
      const stale = await Report.find(
        { open: true, $or: [{ 'forwardDeadline.calendarVersion': { $ne: version } }, { 'replyDeadline.calendarVersion': { $ne: version } }] },
        { forwardDeadline: 1, replyDeadline: 1 },
      ).lean<Pick<ErrorReportDoc, '_id' | 'forwardDeadline' | 'replyDeadline'>[]>();
      let changed = 0;
      for (const r of stale) {
        const res = await Report.updateOne(
          { _id: r._id, open: true },
          { $set: { forwardDeadline: freshDeadline(r.forwardDeadline), replyDeadline: freshDeadline(r.replyDeadline) } },
        );
        changed += res.modifiedCount;
      }
      return changed;
    },

    canAccessScreenshots,
  };
}
