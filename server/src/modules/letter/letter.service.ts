/**
 * Director's mailbox (主任信箱): citizens write letters, the office accepts or rejects them and
 * assigns a department, the department's handler drafts a reply, a reviewer approves it (or
 * returns it) and the office sends it; the writer rates the reply and may follow up once if
 * dissatisfied.
 *
 *   submitted → accepted | rejected(reason) → assigned(department) → drafted → approved → replied → rated
 *                                              ↑ reassign (assigned, drafted)  │ return(reason)
 *                                              └──────────────────────────────┘
 *   rated (score ≤ 2) → follow-up (once) → assigned (same department, new reply deadline) → …
 *
 * Every transition is a conditional update (`status` must still be the one read), so two staff
 * acting at once cannot both succeed; the update, its audit entry and the writer's notification
 * commit in one transaction. Deadlines are computed with the working-day calendar at submission
 * (and at a follow-up) and stored with how they were computed; overdue is derived at read time.
 * See ADR 030.
 */
import { createHash } from 'node:crypto';
import { isValidObjectId, Types, type ClientSession, type mongo } from 'mongoose';
import {
  DEFAULT_LETTER_SETTINGS,
  LETTER_LIMITS,
  LetterSettingsSchema,
  letterSubmissionIssues,
  OPEN_LETTER_STATUSES,
  type LetterAdminListQuery,
  type LetterCategory,
  type LetterCreate,
  type LetterEventType,
  type LetterMineQuery,
  type LetterPublicQuery,
  type LetterPublicReview,
  type LetterPublicVersionInput,
  type LetterSettings,
  type LetterStatus,
} from '../../../../shared/letters';
import type { Actor, CitizenActor, StaffActor } from '../../lib/actor';
import { cstMonthRange } from '../../lib/calendar-dates';
import { addWorkingDays, recomputeDeadline, toCstDate } from '../../lib/calendar';
import { changesOf } from '../../lib/changes';
import { afterAscendingCursorFilter, afterCursorFilter, decodeCursor, decodePhasedCursor, encodePhasedCursor, pageOf } from '../../lib/cursor';
import { AppError, conflict, invalidState, isAppError, notFound, validationError } from '../../lib/errors';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import type { ServiceDeps } from '../../services';
import type { LetterDoc, LetterEventDoc, LetterExtensionDoc, LetterLockDoc, LetterNoteDoc, LetterPublicVersionDoc, LetterSettingsDoc } from './letter.model';
import { maskedTexts, originalTexts } from './letter-public-version';
import { freshDeadline } from '../../lib/deadline-view';
import { acceptedNotification, extendedNotification, rejectedNotification, repliedNotification, type LetterNotification } from './letter-notifications';
import { computeFigures, type LetterMonthlyFigures } from './letter-stats';
import { containsText } from '../../lib/regex';
import { COUNTER_WRITE_CONCERN } from '../../lib/write-concern';

export type { LetterMonthlyFigures } from './letter-stats';

/** Prefix of tracking numbers (信箱): `XX20261123-0007`. */
export const TRACKING_PREFIX = 'XX';
/** How long an identical submission waits for the lock holder's letter before taking the lock over. */
const LOCK_WAIT_MS = 10_000;
/** Tracking numbers one instance reserves at a time (see nextTrackingNo). */
export const TRACKING_BLOCK = 10;
/** `_id` of the settings document. */
export const SETTINGS_ID = 'mailbox';
/** Owner type of letter attachments in the uploads service and subject type in content safety. */
export const LETTER_OWNER_TYPE = 'letter';
/** Rate-limit bucket of the per-citizen daily submission cap. */
export const SUBMISSION_BUCKET = 'letter_submit';

/** Statuses whose letters are listed publicly (when consented and not held for review). */
const PUBLIC_STATUSES: readonly LetterStatus[] = ['replied', 'rated'];
const PUBLIC_REVIEW_OK: readonly LetterPublicReview[] = ['not_needed', 'approved'];
/**
 * The fields public views read (presentPublicLetter): lists fetch only these, not the timeline,
 * deadlines and hashes, which are most of a letter's size.
 */
const PUBLIC_PROJECTION: Record<string, 1> = {
  trackingNo: 1,
  category: 1,
  categoryName: 1,
  departmentName: 1,
  submittedAt: 1,
  repliedAt: 1,
  // Dates and departments of the replies and the follow-up; their texts come from publicVersion.
  'replies.round': 1,
  'replies.departmentName': 1,
  'replies.sentAt': 1,
  'followUp.at': 1,
  publicVersion: 1,
};
/** A rating at or below this is dissatisfied and allows the one follow-up. */
export const FOLLOW_UP_MAX_SCORE = 2;
/** Attempts of a staff transition whose conditional update lost to a concurrent one that left a valid state. */
const TRANSITION_ATTEMPTS = 3;

/** Attachment metadata as the uploads service returns it. */
export interface LetterAttachment {
  id: string;
  contentType: string;
  size: number;
  filename: string;
}

/** A letter and the instant "now" was when it was read (for derived overdue flags). */
export interface LetterRecord {
  letter: LetterDoc;
  now: Date;
}

/** A letter with its attachments. */
export interface LetterDetail extends LetterRecord {
  attachments: LetterAttachment[];
}

/** A letter's public version as the office reviews it, and whether the letter is listed now. */
export interface LetterPublicVersionRecord {
  letter: LetterDoc;
  listed: boolean;
}

/** A page of letters. */
export interface LetterPage {
  letters: LetterDoc[];
  nextCursor: string | null;
  now: Date;
}

/** A page of the staff list, with how many letters match its filters in all. */
export interface LetterStaffPage extends LetterPage {
  total: number;
}

/** Settings in force and when an admin last saved them (null: defaults). */
export interface LetterSettingsState {
  settings: LetterSettings;
  updatedAt: Date | null;
}

export interface LetterService {
  // ---- citizens ----
  /**
   * Creates a letter, or returns the earlier one when this is a repeat (same Idempotency-Key, or
   * the same category, subject and content within the duplicate window): `created: false`.
   * @throws validation_error (category, limits in force), content_risky, invalid_attachment,
   *   idempotency_key_reused, rate_limited (daily cap)
   */
  submitLetter(actor: CitizenActor, input: LetterCreate, options?: { idempotencyKey?: string }): Promise<LetterRecord & { created: boolean }>;
  /** The citizen's letters, newest first. */
  listMyLetters(actor: CitizenActor, query: LetterMineQuery): Promise<LetterPage>;
  /** @throws not_found (also for another citizen's letter) */
  getMyLetter(actor: CitizenActor, id: string): Promise<LetterDetail>;
  /** Rates the latest reply. @throws not_found, already_rated, invalid_state */
  rateLetter(actor: CitizenActor, id: string, input: { score: number; comment?: string }): Promise<LetterDetail>;
  /**
   * The one follow-up after a dissatisfied rating: back to the same department with a new reply
   * deadline. @throws not_found, follow_up_used, invalid_state, content_risky
   */
  followUpLetter(actor: CitizenActor, id: string, input: { content: string }): Promise<LetterDetail>;

  // ---- everybody ----
  /** Replied letters whose writers consented and that no reviewer holds back. */
  listPublicLetters(actor: Actor, query: LetterPublicQuery): Promise<LetterPage>;
  /** @throws not_found */
  getPublicLetter(actor: Actor, id: string): Promise<LetterDoc>;

  // ---- staff ----
  /** Letters the actor may see (handlers: their department's), newest first, filtered. */
  listLetters(actor: StaffActor, query: LetterAdminListQuery): Promise<LetterStaffPage>;
  /** One letter with personal data; audited as `letter.read_personal_data`. @throws not_found */
  getLetter(actor: StaffActor, id: string): Promise<LetterDetail>;
  /** Office: submitted → accepted. */
  acceptLetter(actor: StaffActor, id: string): Promise<LetterRecord>;
  /** Office: submitted → rejected, the writer is told the reason. */
  rejectLetter(actor: StaffActor, id: string, reason: string): Promise<LetterRecord>;
  /** Office: accepted → assigned, or reassign from assigned/drafted. @throws validation_error (unknown department) */
  assignLetter(actor: StaffActor, id: string, departmentId: string): Promise<LetterRecord>;
  /** Handler of the assigned department: assigned → drafted, or redraft while drafted. */
  draftReply(actor: StaffActor, id: string, reply: string): Promise<LetterRecord>;
  /** Reviewer: drafted → approved. */
  approveReply(actor: StaffActor, id: string): Promise<LetterRecord>;
  /** Reviewer: drafted → assigned, with the reason in the timeline. */
  returnDraft(actor: StaffActor, id: string, reason: string): Promise<LetterRecord>;
  /** Office: approved → replied; the writer gets an inbox entry and a `letter_replied` message. */
  sendReply(actor: StaffActor, id: string): Promise<LetterRecord>;
  /**
   * Handler of the assigned department: a mis-assigned letter goes back to the office (assigned or
   * drafted → accepted, no department, any draft discarded) with the reason in the staff timeline.
   * The reply deadline is unchanged. Audited as `letter.return_to_office`.
   */
  returnToOffice(actor: StaffActor, id: string, reason: string): Promise<LetterRecord>;
  /**
   * Handler of the assigned department asks for more working days to reply (延期), while the letter
   * is assigned or drafted: one pending request at a time, one granted extension per reply round.
   * Audited `letter.extension_request`. @throws not_found, invalid_state (`details.reason`)
   */
  requestExtension(actor: StaffActor, id: string, input: { workingDays: number; reason: string }): Promise<LetterRecord>;
  /**
   * Reviewer grants the pending extension: the reply deadline becomes the original count plus the
   * extra working days from the same start; the writer is told the new date and why.
   * Audited `letter.extension_grant`. @throws not_found, invalid_state
   */
  grantExtension(actor: StaffActor, id: string): Promise<LetterRecord>;
  /** Reviewer refuses the pending extension with a reason (internal). Audited `letter.extension_refuse`. */
  refuseExtension(actor: StaffActor, id: string, reason: string): Promise<LetterRecord>;
  /**
   * Any staff member who may see the letter adds an internal note (in any state). Audited as
   * `letter.note`. @throws not_found, letter_notes_full (LETTER_LIMITS.notesMax reached)
   */
  addNote(actor: StaffActor, id: string, text: string): Promise<{ note: LetterNoteDoc; letter: LetterDoc }>;

  /**
   * Office: the public version to confirm (confirmed texts, else the masked proposal) beside the
   * originals. Reading the originals is audited as `letter.read_personal_data`. @throws not_found
   */
  getPublicVersion(actor: StaffActor, id: string): Promise<LetterPublicVersionRecord>;
  /**
   * Office: confirms the public texts, edited or not (公开前审核); only then is the letter listed.
   * The originals are not changed. Audited as `letter.public_version_confirm`.
   * @throws not_found, invalid_state (not replied, no consent, or changed meanwhile),
   *   validation_error (follow-up texts given for a letter without one, or missing for one with one)
   */
  confirmPublicVersion(actor: StaffActor, id: string, input: LetterPublicVersionInput): Promise<LetterPublicVersionRecord>;

  // ---- settings ----
  /** The settings in force (defaults until an admin saves them); read per request. */
  getSettings(): Promise<LetterSettingsState>;
  /** Admin: replaces the settings. Audited as `letter_settings.update`. @throws validation_error */
  updateSettings(actor: StaffActor, input: LetterSettings): Promise<LetterSettingsState>;

  // ---- other features ----
  /**
   * The mailbox's figures for a CST month `YYYY-MM` (supervision statistics): received, handled,
   * replied on time, overdue now, average working days to reply, satisfaction — in total and per
   * department. See letter-stats.ts for the exact definitions.
   */
  countsForMonth(month: string): Promise<LetterMonthlyFigures>;
  /** Whether the actor may see the letter (its writer; staff who may handle it). For attachment downloads. */
  canAccessLetter(actor: Actor, letterId: string): Promise<boolean>;
  /**
   * Content review decided on a letter's public text (registered with content safety's
   * `onDecision`): approved letters may be listed, rejected ones never are.
   */
  applyContentDecision(letterId: string, decision: 'approved' | 'rejected', options?: { session?: ClientSession }): Promise<void>;
  /**
   * Recomputes the stored deadlines of open letters computed with another calendar version (after
   * a new holiday notice); returns how many letters changed. Idempotent.
   */
  recomputeOpenDeadlines(): Promise<number>;
  /** Deletes "identical submission" locks older than any duplicate window; returns how many. */
  sweepSubmissionLocks(): Promise<number>;
}

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** A timeline step without the actor fields. */
type EventInput = Omit<LetterEventDoc, 'at' | 'actorKind' | 'actorRole' | 'actorId'>;

/** What a staff transition changes, computed from the letter as read. */
interface TransitionPlan {
  set: Record<string, unknown>;
  /** Fields removed (sub-documents are removed, never set to null: see LetterDoc.draft). */
  unset?: Record<string, ''>;
  push?: Record<string, unknown>;
  /** Further conditions of the update besides the status read (e.g. no pending extension). */
  where?: Record<string, unknown>;
  event: EventInput;
  audit?: Record<string, unknown>;
  /** Runs in the transaction after the update (notifications). */
  after?: (updated: LetterDoc, session: ClientSession) => Promise<void>;
}

interface TransitionSpec {
  /** Audit verb: `letter.<action>`. */
  action: string;
  from: readonly LetterStatus[];
  plan: (letter: LetterDoc, now: Date) => TransitionPlan | Promise<TransitionPlan>;
}

export function createLetterService({ models, db, clock, logger, services, config }: ServiceDeps): LetterService {
  const now = () => new Date(clock());

  // ---------------------------------------------------------------- settings

  // Settings are read on every submission and list: keep them for SETTINGS_CACHE_SECONDS
  // (monotonic time). This instance's own updates drop the copy at once; other instances see a
  // change within that many seconds.
  let settingsCache: { state: LetterSettingsState; until: number } | null = null;
  const settingsTtlMs = config.settingsCacheSeconds * 1000;

  const getSettings = async (): Promise<LetterSettingsState> => {
    if (settingsCache && settingsCache.until > performance.now()) return settingsCache.state;
    const state = await readSettings();
    if (settingsTtlMs > 0) settingsCache = { state, until: performance.now() + settingsTtlMs };
    return state;
  };

  const readSettings = async (): Promise<LetterSettingsState> => {
    const doc = await models.LetterSettings.findById(SETTINGS_ID).lean<LetterSettingsDoc>();
    if (!doc) return { settings: DEFAULT_LETTER_SETTINGS, updatedAt: null };
    const parsed = LetterSettingsSchema.safeParse({
      categories: doc.categories,
      limits: doc.limits,
      duplicateWindowMinutes: doc.duplicateWindowMinutes,
      submissionsPerDay: doc.submissionsPerDay,
      publicListing: doc.publicListing,
    });
    if (!parsed.success) {
      // Only an edit outside the API can get here; the defaults keep the mailbox working.
      logger.error({ issues: parsed.error.issues.length }, 'stored mailbox settings are invalid; using the defaults');
      return { settings: DEFAULT_LETTER_SETTINGS, updatedAt: doc.updatedAt };
    }
    return { settings: parsed.data, updatedAt: doc.updatedAt };
  };

  // ---------------------------------------------------------------- helpers

  const oid = (id: string) => new Types.ObjectId(id);

  /** Filter limiting staff to the letters they may see: handlers only their department's. */
  const staffScope = (actor: StaffActor): Record<string, unknown> => {
    if (actor.role !== 'handler') return {};
    return actor.departmentId ? { departmentId: oid(actor.departmentId) } : { _id: { $exists: false } };
  };

  const loadForStaff = async (actor: StaffActor, id: string, session?: ClientSession): Promise<LetterDoc> => {
    const doc = isValidObjectId(id)
      ? await models.Letter.findOne({ _id: oid(id), ...staffScope(actor) }).session(session ?? null).lean<LetterDoc>()
      : null;
    if (!doc) throw notFound();
    return doc;
  };

  const loadForOwner = async (actor: CitizenActor, id: string): Promise<LetterDoc> => {
    const doc = isValidObjectId(id) ? await models.Letter.findOne({ _id: oid(id), userId: oid(actor.userId) }).lean<LetterDoc>() : null;
    if (!doc) throw notFound();
    return doc;
  };

  const attachmentsOf = async (letter: LetterDoc): Promise<LetterAttachment[]> => {
    const infos = await services.uploads.listForOwner({ type: LETTER_OWNER_TYPE, id: letter._id.toHexString() });
    return infos.map((a) => ({ id: a.id, contentType: a.contentType, size: a.size, filename: a.filename }));
  };

  const notify = (n: LetterNotification, session: ClientSession) => services.notifications.notify(n, { session });

  const staffEvent = (actor: StaffActor, at: Date, e: EventInput): LetterEventDoc => ({
    ...e,
    at,
    actorKind: 'staff',
    actorRole: actor.role,
    actorId: actor.staffId,
  });

  const citizenEvent = (actor: CitizenActor, at: Date, e: EventInput): LetterEventDoc => ({
    ...e,
    at,
    actorKind: 'citizen',
    actorRole: null,
    actorId: actor.userId,
  });

  /**
   * Runs a staff action: visibility (404), expected state (409 invalid_state with the current
   * status), then one transaction with the conditional update, the audit entry and notifications.
   * If the conditional update loses to a concurrent action that left the letter in a state this
   * action also accepts, the action is planned again on the new state.
   */
  const transition = async (actor: StaffActor, id: string, spec: TransitionSpec): Promise<LetterRecord> => {
    for (let attempt = 1; ; attempt++) {
      const before = await loadForStaff(actor, id);
      if (!spec.from.includes(before.status)) throw invalidState({ status: before.status });
      const at = now();
      const plan = await spec.plan(before, at);
      const outcome = await db.connection.transaction(async (session) => {
        const updated = await models.Letter.findOneAndUpdate(
          { _id: before._id, status: before.status, ...staffScope(actor), ...plan.where },
          { $set: plan.set, $push: { timeline: staffEvent(actor, at, plan.event), ...plan.push }, ...(plan.unset ? { $unset: plan.unset } : {}) },
          { session, returnDocument: 'after' },
        ).lean<LetterDoc>();
        if (!updated) return null;
        await services.audit.recordAudit({
          actor,
          action: `letter.${spec.action}`,
          targetType: 'letter',
          targetId: before._id,
          details: { trackingNo: before.trackingNo, from: before.status, to: updated.status, ...plan.audit },
          session,
        });
        if (plan.after) await plan.after(updated, session);
        return updated;
      });
      if (outcome) return { letter: outcome, now: at };
      // Someone else changed the letter first: say what it is now, or try again if still valid.
      const current = await models.Letter.findOne({ _id: before._id, ...staffScope(actor) }, { status: 1 }).lean<Pick<LetterDoc, 'status'>>();
      if (!current) throw notFound();
      if (!spec.from.includes(current.status) || attempt >= TRANSITION_ATTEMPTS) throw invalidState({ status: current.status });
    }
  };

  /** The department's name, or a 400 on `departmentId` when it does not exist. */
  const departmentName = async (actor: StaffActor, departmentId: string): Promise<string> => {
    try {
      return (await services.departments.getDepartment(actor, departmentId)).name;
    } catch (err) {
      if (isAppError(err, 'not_found')) throw validationError([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
      throw err;
    }
  };

  // ---------------------------------------------------------------- submission

  /**
   * Tracking numbers are handed out from blocks of {@link TRACKING_BLOCK} reserved with one atomic
   * `$inc` on the day's counter, so a submission rarely needs a round trip for its number. Blocks
   * are per instance: numbers stay unique across instances, increase within one, and a restart
   * leaves a gap (citizens only need the number to be unique and short).
   */
  let trackingBlock: { day: string; next: number; end: number } | null = null;
  let trackingReservation: Promise<void> | null = null;

  const reserveTrackingBlock = async (day: string): Promise<void> => {
    // Not journaled: a block lost in a crash numbered no acknowledged letter (each letter's journaled
    // insert comes after its block in the journal), so handing its numbers out again is safe.
    const bump = () =>
      models.LetterCounter.findOneAndUpdate({ _id: day }, { $inc: { seq: TRACKING_BLOCK } }, { upsert: true, returnDocument: 'after', writeConcern: COUNTER_WRITE_CONCERN }).lean<{ seq: number }>();
    let doc: { seq: number } | null;
    try {
      doc = await bump();
    } catch (err) {
      // Two instances creating the day's counter at once: the loser retries and increments it.
      if (!isDuplicateKeyError(err)) throw err;
      doc = await bump();
    }
    if (!doc) throw new Error('tracking counter upsert returned nothing');
    trackingBlock = { day, next: doc.seq - TRACKING_BLOCK + 1, end: doc.seq };
  };

  const nextTrackingNo = async (at: Date): Promise<string> => {
    const day = toCstDate(at).replaceAll('-', '');
    for (;;) {
      const block = trackingBlock;
      if (block && block.day === day && block.next <= block.end) {
        const seq = block.next++;
        return `${TRACKING_PREFIX}${day}-${String(seq).padStart(4, '0')}`;
      }
      // One reservation at a time per instance; everyone waiting takes numbers from its block.
      trackingReservation ??= reserveTrackingBlock(day).finally(() => {
        trackingReservation = null;
      });
      await trackingReservation;
    }
  };

  interface ReplayQuery {
    userId: Types.ObjectId;
    idempotencyKey?: string;
    requestHash: string;
    contentHash: string;
    windowStart: Date | null;
  }

  /** The earlier letter this submission repeats, if any. @throws idempotency_key_reused */
  const findReplay = async (q: ReplayQuery, session?: ClientSession): Promise<LetterDoc | null> => {
    if (q.idempotencyKey) {
      const byKey = await models.Letter.findOne({ userId: q.userId, idempotencyKey: q.idempotencyKey }).session(session ?? null).lean<LetterDoc>();
      if (byKey) {
        if (byKey.requestHash !== q.requestHash) throw conflict('idempotency_key_reused', { trackingNo: byKey.trackingNo });
        return byKey;
      }
    }
    if (q.windowStart) {
      return models.Letter.findOne({ userId: q.userId, contentHash: q.contentHash, submittedAt: { $gte: q.windowStart } })
        .sort({ submittedAt: 1 })
        .session(session ?? null)
        .lean<LetterDoc>();
    }
    return null;
  };

  /**
   * Takes the "identical submission" lock for this citizen and content: one atomic upsert that
   * succeeds when no lock exists or the one there is older than the duplicate window (or names a
   * letter that was never written, `staleLetterId`). Returns the letter id holding a live lock
   * when someone else has it, or null when this submission now holds it.
   */
  const lockCollection = models.LetterLock.collection as unknown as mongo.Collection<LetterLockDoc>;

  /**
   * Takes the "identical submission" lock for this citizen and content: one atomic upsert that
   * succeeds when no lock exists or the one there is older than the duplicate window (or, with
   * `staleLetterId`, names that letter, which was never written). Returns the live lock when
   * someone else holds it, or null when this submission now holds it.
   */
  const takeContentLock = async (key: string, letterId: Types.ObjectId, at: Date, windowStart: Date, staleLetterId?: Types.ObjectId): Promise<LetterLockDoc | null> => {
    const expired = staleLetterId ? { letterId: staleLetterId } : { at: { $lt: windowStart } };
    try {
      // The driver directly: on every submission's path, with nothing for mongoose to cast. Not
      // journaled: the letter's own journaled insert makes it durable, and a lock lost in a crash
      // only guarded a letter that was never acknowledged.
      await lockCollection.updateOne({ _id: key, ...expired }, { $set: { letterId, at } }, { upsert: true, writeConcern: COUNTER_WRITE_CONCERN });
      return null;
    } catch (err) {
      // The upsert collided with a live lock on _id: that submission is the one to answer with.
      if (!isDuplicateKeyError(err)) throw err;
      return lockCollection.findOne({ _id: key });
    }
  };

  /**
   * Holds the content lock for this submission, or returns the letter of the identical submission
   * that holds it. A holder that fails releases its lock; one that has not written its letter
   * after {@link LOCK_WAIT_MS} of real time died in between, and its lock is taken over.
   */
  const acquireContentLock = async (key: string, letterId: Types.ObjectId, at: Date, windowStart: Date): Promise<LetterDoc | null> => {
    const giveUpAt = performance.now() + LOCK_WAIT_MS;
    for (;;) {
      let holder = await takeContentLock(key, letterId, at, windowStart);
      if (!holder) return null;
      const twin = await models.Letter.findById(holder.letterId).lean<LetterDoc>();
      if (twin) return twin;
      if (performance.now() > giveUpAt) {
        holder = await takeContentLock(key, letterId, at, windowStart, holder.letterId);
        if (!holder) return null;
        continue;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const submitLetter: LetterService['submitLetter'] = async (actor, input, options = {}) => {
    const { settings } = await getSettings();
    const issues = letterSubmissionIssues(input, settings);
    if (issues.length > 0) throw validationError(issues.map((i) => ({ in: 'body' as const, ...i })));
    const category = settings.categories.find((c) => c.key === input.category) as LetterCategory;

    const at = now();
    const userId = oid(actor.userId);
    const attachmentIds = [...new Set(input.attachmentIds ?? [])].sort();
    const contentHash = sha256([input.category, input.subject, input.content]);
    const requestHash = sha256([
      input.category,
      input.subject,
      input.content,
      input.contactName ?? null,
      input.contactPhone ?? null,
      input.publicConsent,
      attachmentIds,
    ]);
    const replay: ReplayQuery = {
      userId,
      idempotencyKey: options.idempotencyKey,
      requestHash,
      contentHash,
      windowStart: settings.duplicateWindowMinutes > 0 ? new Date(at.getTime() - settings.duplicateWindowMinutes * 60_000) : null,
    };
    // A repeated key answers before anything is counted or checked again.
    if (options.idempotencyKey) {
      const earlier = await findReplay({ ...replay, windowStart: null });
      if (earlier) return { letter: earlier, now: at, created: false };
    }

    const letterId = new Types.ObjectId();
    // Identical submissions within the window (a double tap, a retry after a timeout) race for one
    // lock; the loser answers with the winner's letter. The lock, not a transaction, makes this
    // race-free, so the common submission is a single insert.
    const lockKey = `content:${actor.userId}:${contentHash}`;
    let lockHeld = false;
    if (replay.windowStart) {
      const twin = await acquireContentLock(lockKey, letterId, at, replay.windowStart);
      if (twin) return { letter: twin, now: at, created: false };
      lockHeld = true;
    }
    const releaseLock = async () => {
      if (lockHeld) await lockCollection.deleteOne({ _id: lockKey, letterId }, { writeConcern: COUNTER_WRITE_CONCERN });
    };

    try {
      await services.rateLimits.consume(SUBMISSION_BUCKET, [{ subject: `user:${actor.userId}`, limit: settings.submissionsPerDay }], 86_400);

      let publicReview: LetterPublicReview = 'not_requested';
      let safety: Awaited<ReturnType<typeof services.contentSafety.assertNotRisky>> | null = null;
      if (input.publicConsent) {
        // Only text that may become public is checked; risky text is refused before anything is stored.
        safety = await services.contentSafety.assertNotRisky(actor, `${input.subject}\n${input.content}`, 'forum');
        publicReview = safety.suggest === 'review' ? 'pending' : 'not_needed';
      }

      const trackingNo = await nextTrackingNo(at);
      const acceptDeadline = addWorkingDays(at, category.acceptDays);
      const replyDeadline = addWorkingDays(at, category.replyDays);
      const doc: LetterDoc = {
        _id: letterId,
        trackingNo,
        userId,
        category: category.key,
        categoryName: category.name,
        subject: input.subject,
        content: input.content,
        contactName: input.contactName ?? null,
        contactPhone: input.contactPhone ?? null,
        publicConsent: input.publicConsent,
        publicReview,
        status: 'submitted',
        departmentId: null,
        departmentName: null,
        acceptDays: category.acceptDays,
        replyDays: category.replyDays,
        acceptDeadline,
        replyDeadline,
        openDueAt: acceptDeadline.dueAt,
        rejectReason: null,
        rejectedAt: null,
        replies: [],
        repliedAt: null,
        ratings: [],
        timeline: [citizenEvent(actor, at, { type: 'submitted', status: 'submitted', departmentId: null, departmentName: null, note: null })],
        contentHash,
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
        requestHash,
        submittedAt: at,
        createdAt: at,
        updatedAt: at,
      };

      const needsTransaction = attachmentIds.length > 0 || (publicReview === 'pending' && safety !== null);
      if (!needsTransaction) {
        // The document is complete and checked (shared schema above): insert it as is.
        await models.Letter.collection.insertOne(doc);
      } else {
        // The letter, its attachments and its review item change together or not at all.
        await db.connection.transaction(async (session) => {
          await models.Letter.collection.insertOne(doc, { session });
          if (attachmentIds.length > 0) {
            await services.uploads.claimForAttachment(actor, attachmentIds, { type: LETTER_OWNER_TYPE, id: letterId.toHexString() }, { session, kinds: ['image', 'pdf'] });
          }
          if (publicReview === 'pending' && safety) {
            await services.contentSafety.holdForReview(
              { subjectType: LETTER_OWNER_TYPE, subjectId: letterId.toHexString(), excerpt: `${input.subject}\n${input.content}`.slice(0, 500), result: safety },
              { session },
            );
          }
        });
      }
      return { letter: doc, now: at, created: true };
    } catch (err) {
      await releaseLock();
      // The same Idempotency-Key won a race on the unique (userId, idempotencyKey) index: answer with it.
      if (options.idempotencyKey && isDuplicateKeyError(err)) {
        const twin = await findReplay({ ...replay, windowStart: null });
        if (twin) return { letter: twin, now: at, created: false };
      }
      throw err;
    }
  };

  // ---------------------------------------------------------------- citizen actions

  const detail = async (letter: LetterDoc, at: Date): Promise<LetterDetail> => ({ letter, now: at, attachments: await attachmentsOf(letter) });

  const rateLetter: LetterService['rateLetter'] = async (actor, id, input) => {
    const before = await loadForOwner(actor, id);
    if (before.status === 'rated') throw conflict('already_rated');
    if (before.status !== 'replied') throw invalidState({ status: before.status });
    const at = now();
    const round = before.replies.length;
    const comment = input.comment ? input.comment : null;
    const updated = await models.Letter.findOneAndUpdate(
      { _id: before._id, userId: before.userId, status: 'replied' },
      {
        $set: { status: 'rated' },
        $push: {
          ratings: { round, score: input.score, comment, at },
          timeline: citizenEvent(actor, at, {
            type: 'rated',
            status: 'rated',
            departmentId: before.departmentId,
            departmentName: before.departmentName,
            note: comment ? `${input.score}分：${comment}` : `${input.score}分`,
          }),
        },
      },
      { returnDocument: 'after' },
    ).lean<LetterDoc>();
    if (!updated) {
      const current = await loadForOwner(actor, id);
      if (current.status === 'rated') throw conflict('already_rated');
      throw invalidState({ status: current.status });
    }
    return detail(updated, at);
  };

  const followUpLetter: LetterService['followUpLetter'] = async (actor, id, input) => {
    const before = await loadForOwner(actor, id);
    if (before.followUp) throw conflict('follow_up_used');
    const lastRating = before.ratings[before.ratings.length - 1];
    if (before.status !== 'rated' || !lastRating) throw invalidState({ status: before.status });
    if (lastRating.score > FOLLOW_UP_MAX_SCORE) throw invalidState({ status: before.status, reason: 'satisfied', maxScore: FOLLOW_UP_MAX_SCORE });

    let publicReview = before.publicReview;
    let safety: Awaited<ReturnType<typeof services.contentSafety.assertNotRisky>> | null = null;
    if (before.publicConsent) {
      safety = await services.contentSafety.assertNotRisky(actor, input.content, 'forum');
      if (safety.suggest === 'review') publicReview = 'pending';
    }
    const at = now();
    const replyDeadline = addWorkingDays(at, before.replyDays);
    const updated = await db.connection.transaction(async (session) => {
      const doc = await models.Letter.findOneAndUpdate(
        { _id: before._id, userId: before.userId, status: 'rated', followUp: { $exists: false } },
        {
          $set: {
            status: 'assigned',
            followUp: { content: input.content, at },
            replyDeadline,
            openDueAt: replyDeadline.dueAt,
            publicReview,
          },
          $unset: { draft: '' },
          $push: {
            timeline: citizenEvent(actor, at, {
              type: 'follow_up',
              status: 'assigned',
              departmentId: before.departmentId,
              departmentName: before.departmentName,
              note: input.content,
            }),
          },
        },
        { session, returnDocument: 'after' },
      ).lean<LetterDoc>();
      if (doc && safety && safety.suggest === 'review' && before.publicConsent) {
        await services.contentSafety.holdForReview(
          { subjectType: LETTER_OWNER_TYPE, subjectId: before._id.toHexString(), excerpt: input.content.slice(0, 500), result: safety },
          { session },
        );
      }
      return doc;
    });
    if (!updated) {
      const current = await loadForOwner(actor, id);
      if (current.followUp) throw conflict('follow_up_used');
      throw invalidState({ status: current.status });
    }
    return detail(updated, at);
  };

  // ---------------------------------------------------------------- lists

  const listPage = async (
    filters: Record<string, unknown>[],
    query: { cursor?: string; limit: number },
    field: 'submittedAt' | 'repliedAt',
    projection?: Record<string, 1>,
  ): Promise<LetterPage> => {
    const all = [...filters];
    if (query.cursor) all.push(afterCursorFilter(field, decodeCursor(query.cursor)));
    const rows = await models.Letter.find(all.length > 0 ? { $and: all } : {}, projection)
      .sort({ [field]: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean<LetterDoc[]>();
    const page = pageOf(rows, query.limit, (r) => (field === 'submittedAt' ? r.submittedAt : (r.repliedAt as Date)));
    return { letters: page.rows, nextCursor: page.nextCursor, now: now() };
  };

  /**
   * The queue by deadline: open letters by the due instant of their current step, earliest first
   * (ties by `_id`), then the closed ones (no deadline) newest first. The cursor names its phase,
   * so a page may end in the first and the next one continue into the second.
   */
  const dueAtPage = async (filters: Record<string, unknown>[], query: { cursor?: string; limit: number }): Promise<LetterPage> => {
    const key = query.cursor ? decodePhasedCursor(query.cursor, ['due', 'closed'] as const) : null;
    const rows: LetterDoc[] = [];
    let nextCursor: string | null = null;
    if (!key || key.phase === 'due') {
      const open = [...filters, { openDueAt: { $ne: null } }];
      if (key) open.push(afterAscendingCursorFilter('openDueAt', key));
      const found = await models.Letter.find({ $and: open }).sort({ openDueAt: 1, _id: 1 }).limit(query.limit + 1).lean<LetterDoc[]>();
      rows.push(...found.slice(0, query.limit));
      if (found.length > query.limit) {
        const last = rows[rows.length - 1];
        nextCursor = encodePhasedCursor('due', { at: last.openDueAt as Date, id: last._id });
      }
    }
    if (nextCursor === null && rows.length < query.limit + 1) {
      const closed = [...filters, { openDueAt: null }];
      if (key?.phase === 'closed') closed.push(afterCursorFilter('submittedAt', key));
      const want = query.limit - rows.length;
      const found = await models.Letter.find({ $and: closed }).sort({ submittedAt: -1, _id: -1 }).limit(want + 1).lean<LetterDoc[]>();
      rows.push(...found.slice(0, want));
      if (found.length > want) {
        const last = rows[rows.length - 1];
        nextCursor = last.openDueAt
          ? encodePhasedCursor('due', { at: last.openDueAt, id: last._id })
          : encodePhasedCursor('closed', { at: last.submittedAt, id: last._id });
      }
    }
    return { letters: rows, nextCursor, now: now() };
  };

  const textFilter = (q: string, fields: readonly string[]) => {
    const pattern = containsText(q);
    return { $or: fields.map((f) => ({ [f]: pattern })) };
  };

  /** Listed letters: replied, consented, not held by content review, and a confirmed public version. */
  const publicFilter = (): Record<string, unknown> => ({
    status: { $in: PUBLIC_STATUSES },
    publicConsent: true,
    publicReview: { $in: PUBLIC_REVIEW_OK },
    'publicVersion.confirmedAt': { $exists: true },
  });

  const isListed = (l: LetterDoc, settings: LetterSettings): boolean =>
    settings.publicListing && PUBLIC_STATUSES.includes(l.status) && l.publicConsent && PUBLIC_REVIEW_OK.includes(l.publicReview) && l.publicVersion !== undefined;

  /** Last day counted by `dueWithin = n`: due dates before the (n+1)-th working day from today. */
  const dueWithinLimit = (at: Date, n: number): Date => new Date(addWorkingDays(at, n + 1).dueAt.getTime() - 86_400_000);

  // ---------------------------------------------------------------- platform hooks

  const canAccessLetter: LetterService['canAccessLetter'] = async (actor, letterId) => {
    if (!isValidObjectId(letterId)) return false;
    if (actor.kind === 'citizen') return (await models.Letter.exists({ _id: oid(letterId), userId: oid(actor.userId) })) !== null;
    if (actor.kind === 'staff') return (await models.Letter.exists({ _id: oid(letterId), ...staffScope(actor) })) !== null;
    return false;
  };

  const applyContentDecision: LetterService['applyContentDecision'] = async (letterId, decision, options = {}) => {
    if (!isValidObjectId(letterId)) return;
    // Only a letter still waiting for a decision changes; a repeated decision is a no-op.
    await models.Letter.updateOne(
      { _id: oid(letterId), publicReview: 'pending' },
      { $set: { publicReview: decision } },
      options.session ? { session: options.session } : {},
    );
  };

  // Platform services exist when feature factories run, so the hooks are registered once per app:
  // attachments of a letter are readable by its writer and the staff who may handle it (staff
  // reads audited by uploads), and reviewers' decisions on public text reach the letter.
  services.uploads.registerAccess(LETTER_OWNER_TYPE, canAccessLetter, { personalData: true });
  services.contentSafety.onDecision(LETTER_OWNER_TYPE, (subjectId, decision, { session }) => applyContentDecision(subjectId, decision, { session }));

  // ---------------------------------------------------------------- the service

  return {
    submitLetter,

    async listMyLetters(actor, query) {
      return listPage([{ userId: oid(actor.userId) }], query, 'submittedAt');
    },

    async getMyLetter(actor, id) {
      return detail(await loadForOwner(actor, id), now());
    },

    rateLetter,
    followUpLetter,

    async listPublicLetters(_actor, query) {
      const { settings } = await getSettings();
      if (!settings.publicListing) return { letters: [], nextCursor: null, now: now() };
      const filters: Record<string, unknown>[] = [publicFilter()];
      if (query.category) filters.push({ category: query.category });
      // Only the confirmed public texts are searched: the stored originals hold what masking hides.
      if (query.q) filters.push(textFilter(query.q, ['publicVersion.subject', 'publicVersion.content']));
      return listPage(filters, query, 'repliedAt', PUBLIC_PROJECTION);
    },

    async getPublicLetter(_actor, id) {
      const { settings } = await getSettings();
      const doc =
        settings.publicListing && isValidObjectId(id)
          ? await models.Letter.findOne({ _id: oid(id), ...publicFilter() }, PUBLIC_PROJECTION).lean<LetterDoc>()
          : null;
      if (!doc) throw notFound();
      return doc;
    },

    async listLetters(actor, query) {
      const at = now();
      const filters: Record<string, unknown>[] = [];
      const scope = staffScope(actor);
      if (Object.keys(scope).length > 0) filters.push(scope);
      if (query.status) filters.push({ status: query.status });
      if (query.departmentId) filters.push({ departmentId: oid(query.departmentId) });
      if (query.category) filters.push({ category: query.category });
      // openDueAt is set only while a letter is open, so these filters select open letters.
      if (query.overdue === true) filters.push({ openDueAt: { $ne: null, $lt: at } });
      if (query.overdue === false) filters.push({ openDueAt: { $ne: null, $gte: at } });
      if (query.dueWithin !== undefined) filters.push({ openDueAt: { $ne: null, $lte: dueWithinLimit(at, query.dueWithin) } });
      if (query.q) filters.push(textFilter(query.q, ['trackingNo', 'subject', 'content']));
      if (query.publicVersion === 'pending') {
        // Never confirmed, or confirmed before the second reply (a letter has at most two rounds).
        filters.push({
          status: { $in: PUBLIC_STATUSES },
          publicConsent: true,
          $or: [{ publicVersion: { $exists: false } }, { 'replies.1': { $exists: true }, 'publicVersion.rounds': { $lt: 2 } }],
        });
      }
      const where = filters.length > 0 ? { $and: filters } : {};
      const [page, total] = await Promise.all([
        query.sort === 'dueAt' ? dueAtPage(filters, query) : listPage(filters, query, 'submittedAt'),
        models.Letter.countDocuments(where),
      ]);
      return { ...page, now: at, total };
    },

    async getLetter(actor, id) {
      const letter = await loadForStaff(actor, id);
      // Recorded before the data is returned: no personal data leaves unaudited.
      await services.audit.recordAudit({
        actor,
        action: 'letter.read_personal_data',
        targetType: 'letter',
        targetId: letter._id,
        details: { trackingNo: letter.trackingNo, fields: ['contactName', 'contactPhone', 'content'] },
      });
      return detail(letter, now());
    },

    async getPublicVersion(actor, id) {
      const letter = await loadForStaff(actor, id);
      await services.audit.recordAudit({
        actor,
        action: 'letter.read_personal_data',
        targetType: 'letter',
        targetId: letter._id,
        details: { trackingNo: letter.trackingNo, fields: ['subject', 'content', 'replies', 'followUp'], purpose: 'public_version' },
      });
      return { letter, listed: isListed(letter, (await getSettings()).settings) };
    },

    async confirmPublicVersion(actor, id, input) {
      const before = await loadForStaff(actor, id);
      if (!PUBLIC_STATUSES.includes(before.status)) throw invalidState({ status: before.status });
      if (!before.publicConsent) throw invalidState({ status: before.status, reason: 'no_public_consent' });
      const original = originalTexts(before);
      if (original.followUp && !input.followUp) {
        throw validationError([{ in: 'body', path: 'followUp', message: '该信件有追问，请同时确认追问及其答复的公开文本' }]);
      }
      if (!original.followUp && input.followUp) {
        throw validationError([{ in: 'body', path: 'followUp', message: '该信件没有追问，不能填写追问的公开文本' }]);
      }
      const at = now();
      const version: LetterPublicVersionDoc = {
        subject: input.subject,
        content: input.content,
        reply: input.reply,
        ...(input.followUp ? { followUp: { content: input.followUp.content, reply: input.followUp.reply } } : {}),
        rounds: before.replies.length,
        confirmedAt: at,
        confirmedBy: actor.staffId,
        confirmedByUsername: actor.username,
      };
      const proposal = maskedTexts(before);
      const updated = await db.connection.transaction(async (session) => {
        // Conditional on the replies read: a reply sent meanwhile must be seen before it is confirmed.
        const doc = await models.Letter.findOneAndUpdate(
          { _id: before._id, status: { $in: PUBLIC_STATUSES }, repliedAt: before.repliedAt },
          { $set: { publicVersion: version } },
          { session, returnDocument: 'after' },
        ).lean<LetterDoc>();
        if (!doc) return null;
        await services.audit.recordAudit({
          actor,
          action: 'letter.public_version_confirm',
          targetType: 'letter',
          targetId: before._id,
          details: {
            trackingNo: before.trackingNo,
            rounds: version.rounds,
            reconfirmed: before.publicVersion !== undefined,
            // Which texts differ from the masked proposal: the office's own edits.
            edited: {
              subject: input.subject !== proposal.subject,
              content: input.content !== proposal.content,
              reply: input.reply !== proposal.reply,
              followUp: Boolean(input.followUp && proposal.followUp && (input.followUp.content !== proposal.followUp.content || input.followUp.reply !== proposal.followUp.reply)),
            },
          },
          session,
        });
        return doc;
      });
      if (!updated) {
        const current = await loadForStaff(actor, id);
        throw invalidState({ status: current.status });
      }
      return { letter: updated, listed: isListed(updated, (await getSettings()).settings) };
    },

    acceptLetter: (actor, id) =>
      transition(actor, id, {
        action: 'accept',
        from: ['submitted'],
        plan: (letter, at) => ({
          set: { status: 'accepted', openDueAt: freshDeadline(letter.replyDeadline).dueAt },
          event: { type: 'accepted', status: 'accepted', departmentId: null, departmentName: null, note: null },
          after: (updated, session) => notify(acceptedNotification(updated, at, freshDeadline(updated.replyDeadline).dueDate), session),
        }),
      }),

    rejectLetter: (actor, id, reason) =>
      transition(actor, id, {
        action: 'reject',
        from: ['submitted'],
        plan: (_letter, at) => ({
          set: { status: 'rejected', rejectReason: reason, rejectedAt: at, openDueAt: null },
          event: { type: 'rejected', status: 'rejected', departmentId: null, departmentName: null, note: reason },
          audit: { reason },
          after: (updated, session) => notify(rejectedNotification(updated, at, reason), session),
        }),
      }),

    assignLetter: async (actor, id, departmentId) => {
      const name = await departmentName(actor, departmentId);
      return transition(actor, id, {
        action: 'assign',
        from: ['accepted', 'assigned', 'drafted'],
        plan: (letter) => {
          const type: LetterEventType = letter.status === 'accepted' ? 'assigned' : 'reassigned';
          return {
            // A draft belongs to the department that wrote it: reassigning discards it.
            set: { status: 'assigned', departmentId: oid(departmentId), departmentName: name },
            unset: { draft: '' },
            event: { type, status: 'assigned', departmentId: oid(departmentId), departmentName: name, note: null },
            audit: { departmentId, previousDepartmentId: letter.departmentId?.toHexString() ?? null },
          };
        },
      });
    },

    draftReply: (actor, id, reply) =>
      transition(actor, id, {
        action: 'draft',
        from: ['assigned', 'drafted'],
        plan: (letter, at) => {
          // Only handlers reach here (route auth), and staffScope limits them to their department.
          const dept = letter.departmentId as Types.ObjectId;
          return {
            set: {
              status: 'drafted',
              draft: { content: reply, departmentId: dept, departmentName: letter.departmentName ?? '', draftedAt: at, draftedBy: actor.staffId },
            },
            event: { type: 'drafted', status: 'drafted', departmentId: dept, departmentName: letter.departmentName, note: null },
            audit: { redraft: letter.status === 'drafted' },
          };
        },
      }),

    approveReply: (actor, id) =>
      transition(actor, id, {
        action: 'approve',
        from: ['drafted'],
        plan: (letter) => ({
          set: { status: 'approved' },
          event: { type: 'approved', status: 'approved', departmentId: letter.departmentId, departmentName: letter.departmentName, note: null },
        }),
      }),

    returnDraft: (actor, id, reason) =>
      transition(actor, id, {
        action: 'return',
        from: ['drafted'],
        plan: (letter) => ({
          // The draft stays so the department can revise it.
          set: { status: 'assigned' },
          event: { type: 'returned', status: 'assigned', departmentId: letter.departmentId, departmentName: letter.departmentName, note: reason },
          audit: { reason },
        }),
      }),

    sendReply: (actor, id) =>
      transition(actor, id, {
        action: 'send',
        from: ['approved'],
        plan: (letter, at) => {
          if (!letter.draft) throw new AppError('invalid_state', { details: { status: letter.status } });
          const round = letter.replies.length + 1;
          const reply = {
            round,
            content: letter.draft.content,
            departmentId: letter.departmentId,
            departmentName: letter.departmentName,
            sentAt: at,
            startedAt: round > 1 && letter.followUp ? letter.followUp.at : letter.submittedAt,
            dueAt: freshDeadline(letter.replyDeadline).dueAt,
          };
          return {
            set: { status: 'replied', repliedAt: at, openDueAt: null },
            unset: { draft: '' },
            push: { replies: reply },
            event: { type: 'replied', status: 'replied', departmentId: letter.departmentId, departmentName: letter.departmentName, note: null },
            audit: { round, onTime: at.getTime() <= reply.dueAt.getTime() },
            after: (updated, session) => notify(repliedNotification(updated, at, round, letter.departmentName), session),
          };
        },
      }),

    returnToOffice: (actor, id, reason) =>
      transition(actor, id, {
        action: 'return_to_office',
        from: ['assigned', 'drafted'],
        plan: (letter) => ({
          // Back to the office's queue as if just accepted: openDueAt keeps the reply deadline.
          set: { status: 'accepted', departmentId: null, departmentName: null },
          unset: { draft: '' },
          event: { type: 'returned_to_office', status: 'accepted', departmentId: letter.departmentId, departmentName: letter.departmentName, note: reason },
          audit: { reason, departmentId: letter.departmentId?.toHexString() ?? null, discardedDraft: Boolean(letter.draft) },
        }),
      }),

    requestExtension: (actor, id, input) =>
      transition(actor, id, {
        action: 'extension_request',
        from: ['assigned', 'drafted'],
        plan: (letter, at) => {
          const extensions = letter.extensions ?? [];
          const round = letter.replies.length + 1;
          if (extensions.some((x) => x.status === 'pending')) throw invalidState({ status: letter.status, reason: 'extension_pending' });
          if (extensions.some((x) => x.status === 'granted' && x.round === round)) throw invalidState({ status: letter.status, reason: 'extension_used' });
          const request: LetterExtensionDoc = {
            round,
            workingDays: input.workingDays,
            reason: input.reason,
            status: 'pending',
            requestedAt: at,
            requestedBy: actor.staffId,
            requestedByUsername: actor.username,
            decidedAt: null,
            decidedBy: null,
            decidedByUsername: null,
            refuseReason: null,
            previousDueDate: null,
            newDueDate: null,
          };
          return {
            set: {},
            push: { extensions: request },
            // Two requests at once: the second finds the first one's pending entry.
            where: { 'extensions.status': { $ne: 'pending' } },
            event: { type: 'extension_requested', status: letter.status, departmentId: letter.departmentId, departmentName: letter.departmentName, note: input.reason },
            audit: { workingDays: input.workingDays, reason: input.reason, round },
          };
        },
      }),

    grantExtension: (actor, id) =>
      transition(actor, id, {
        action: 'extension_grant',
        from: ['accepted', 'assigned', 'drafted', 'approved'],
        plan: (letter, at) => {
          const extensions = letter.extensions ?? [];
          const index = extensions.findIndex((x) => x.status === 'pending');
          if (index < 0) throw invalidState({ status: letter.status, reason: 'no_pending_extension' });
          const pending = extensions[index];
          const current = freshDeadline(letter.replyDeadline);
          // The same count from the same start, longer: the explanation stays one sentence.
          const extended = recomputeDeadline({ startDate: current.startDate, workingDays: current.workingDays + pending.workingDays });
          return {
            set: {
              replyDeadline: extended,
              openDueAt: extended.dueAt,
              [`extensions.${index}.status`]: 'granted',
              [`extensions.${index}.decidedAt`]: at,
              [`extensions.${index}.decidedBy`]: actor.staffId,
              [`extensions.${index}.decidedByUsername`]: actor.username,
              [`extensions.${index}.previousDueDate`]: current.dueDate,
              [`extensions.${index}.newDueDate`]: extended.dueDate,
            },
            where: { [`extensions.${index}.status`]: 'pending' },
            event: { type: 'extended', status: letter.status, departmentId: letter.departmentId, departmentName: letter.departmentName, note: pending.reason },
            audit: { workingDays: pending.workingDays, previousDueDate: current.dueDate, newDueDate: extended.dueDate, round: pending.round },
            after: (updated, session) => notify(extendedNotification(updated, at, pending.reason, extended.dueDate), session),
          };
        },
      }),

    refuseExtension: (actor, id, reason) =>
      transition(actor, id, {
        action: 'extension_refuse',
        from: ['accepted', 'assigned', 'drafted', 'approved'],
        plan: (letter, at) => {
          const index = (letter.extensions ?? []).findIndex((x) => x.status === 'pending');
          if (index < 0) throw invalidState({ status: letter.status, reason: 'no_pending_extension' });
          return {
            set: {
              [`extensions.${index}.status`]: 'refused',
              [`extensions.${index}.decidedAt`]: at,
              [`extensions.${index}.decidedBy`]: actor.staffId,
              [`extensions.${index}.decidedByUsername`]: actor.username,
              [`extensions.${index}.refuseReason`]: reason,
            },
            where: { [`extensions.${index}.status`]: 'pending' },
            event: { type: 'extension_refused', status: letter.status, departmentId: letter.departmentId, departmentName: letter.departmentName, note: reason },
            audit: { reason },
          };
        },
      }),

    async addNote(actor, id, text) {
      const letter = await loadForStaff(actor, id);
      const note: LetterNoteDoc = {
        _id: new Types.ObjectId(),
        text,
        at: now(),
        staffId: actor.staffId,
        username: actor.username,
        role: actor.role,
        departmentName: actor.role === 'handler' ? letter.departmentName : null,
      };
      const updated = await db.connection.transaction(async (session) => {
        // Conditional on the handler's scope (a reassignment meanwhile takes the letter away) and
        // on the cap, so the document cannot grow without bound.
        const doc = await models.Letter.findOneAndUpdate(
          { _id: letter._id, ...staffScope(actor), [`notes.${LETTER_LIMITS.notesMax - 1}`]: { $exists: false } },
          { $push: { notes: note } },
          { session, returnDocument: 'after' },
        ).lean<LetterDoc>();
        if (!doc) return null;
        await services.audit.recordAudit({
          actor,
          action: 'letter.note',
          targetType: 'letter',
          targetId: letter._id,
          details: { trackingNo: letter.trackingNo, noteId: note._id.toHexString(), status: letter.status },
          session,
        });
        return doc;
      });
      if (!updated) {
        await loadForStaff(actor, id);
        throw new AppError('letter_notes_full', { details: { max: LETTER_LIMITS.notesMax } });
      }
      return { note, letter: updated };
    },

    getSettings,

    async updateSettings(actor, input) {
      const settings = LetterSettingsSchema.parse(input);
      const before = await readSettings();
      const at = now();
      await db.connection.transaction(async (session) => {
        await models.LetterSettings.updateOne(
          { _id: SETTINGS_ID },
          { $set: { ...settings, updatedAt: at, updatedBy: actor.staffId } },
          { upsert: true, session },
        );
        await services.audit.recordAudit({
          actor,
          action: 'letter_settings.update',
          targetType: 'letter_settings',
          targetId: SETTINGS_ID,
          details: { changes: changesOf(before.settings, settings, ['categories', 'limits', 'duplicateWindowMinutes', 'submissionsPerDay', 'publicListing']) },
          session,
        });
      });
      settingsCache = null;
      return { settings, updatedAt: at };
    },

    async countsForMonth(month) {
      const { from, to } = cstMonthRange(month);
      const at = now();
      const range = { $gte: from, $lt: to };
      const [received, rejected, replied, rated, open] = await Promise.all([
        models.Letter.find({ submittedAt: range }).lean<LetterDoc[]>(),
        models.Letter.find({ rejectedAt: range }).lean<LetterDoc[]>(),
        models.Letter.find({ 'replies.sentAt': range }).lean<LetterDoc[]>(),
        models.Letter.find({ 'ratings.at': range }).lean<LetterDoc[]>(),
        models.Letter.find({ status: { $in: OPEN_LETTER_STATUSES } }).lean<LetterDoc[]>(),
      ]);
      return { channel: 'letters', month, from, to, computedAt: at, ...computeFigures({ received, rejected, replied, rated, open }, from, to, at) };
    },

    canAccessLetter,
    applyContentDecision,

    async sweepSubmissionLocks() {
      // The window is at most a day (LetterSettingsSchema); older locks can never match again.
      const result = await models.LetterLock.deleteMany({ at: { $lt: new Date(clock() - 86_400_000) } });
      return result.deletedCount;
    },

    async recomputeOpenDeadlines() {
      const open = await models.Letter.find({ status: { $in: OPEN_LETTER_STATUSES } }).lean<LetterDoc[]>();
      let changed = 0;
      for (const letter of open) {
        const accept = freshDeadline(letter.acceptDeadline);
        const reply = freshDeadline(letter.replyDeadline);
        if (accept === letter.acceptDeadline && reply === letter.replyDeadline) continue;
        const openDueAt = (letter.status === 'submitted' ? accept : reply).dueAt;
        const result = await models.Letter.updateOne(
          { _id: letter._id, status: letter.status },
          { $set: { acceptDeadline: accept, replyDeadline: reply, openDueAt } },
        );
        changed += result.modifiedCount;
      }
      return changed;
    },
  };
}
