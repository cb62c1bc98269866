/**
 * Notifications to citizens: an in-app inbox entry, always, plus a WeChat subscribe message
 * through an outbox when the caller asks for one and its template is configured.
 *
 * `notify` only writes: the inbox entry and the outbox job go in together (in the caller's
 * transaction when it passes a session, else in one of our own), so a notification is never
 * half-recorded and a feature can notify inside the same transaction as the state change that
 * caused it. Delivery happens later in the outbox worker ({@link NotificationService.deliverDue},
 * run as a background task on every instance): jobs are claimed one at a time with an atomic
 * `findOneAndUpdate` that sets a lease, so two instances never send the same job while its lease
 * holds, and a job whose instance died is reclaimed once the lease runs out. See ADR 020.
 */
import { randomBytes } from 'node:crypto';
import { isValidObjectId, Types, type ClientSession } from 'mongoose';
import type { AdminNotificationQuery, InboxQuery, KnownSubscribeTemplateKey } from '../../../../shared/notifications';
import type { CitizenActor, StaffActor } from '../../lib/actor';
import { afterCursorFilter, decodeCursor, pageOf } from '../../lib/cursor';
import { notFound } from '../../lib/errors';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import {
  prepareSubscribeData,
  WECHAT_ERRCODE,
  WechatApiError,
  WechatTemplateDataError,
  type SubscribeDataInput,
} from '../../lib/wechat';
import type { ServiceDeps } from '../../services';
import type { InboxEntryDoc, InboxLinkDoc, NotificationAttemptDoc, NotificationJobDoc } from './notification.model';

/**
 * A subscribe-message template, by our key. The known keys autocomplete; any other snake_case key
 * works once it is configured in `WECHAT_TEMPLATE_IDS`.
 */
export type SubscribeTemplateKey = KnownSubscribeTemplateKey | (string & {});

/** What to tell a citizen. */
export interface NotifyInput {
  /** The citizen's user id (`users._id`); the openid is looked up when the message is sent. */
  userId: string;
  /** What happened, e.g. `letter_replied`; shown to staff and used by the mini-program's icons. */
  kind: string;
  /** Inbox title (≤ 100 characters kept). */
  title: string;
  /** Inbox text (≤ 1,000 characters kept). */
  body: string;
  /** What the entry opens in the mini-program. */
  link?: { type: string; id: string };
  /**
   * Also send a WeChat subscribe message with this template. `data` is keyed by the template's
   * fields (`thing1`, `time2`, …); `thing`/`name` values are cut to WeChat's limits, other
   * malformed values make the job fail (the inbox entry is written regardless).
   */
  subscribe?: { template: SubscribeTemplateKey; data: SubscribeDataInput; page?: string };
  /** Unique key (e.g. `letter:<id>:replied`): a second notify with the same key does nothing. */
  dedupeKey?: string;
}

/** Options of {@link NotificationService.notify}. */
export interface NotifyOptions {
  /** Write within this transaction (the inbox entry and the outbox job commit with the caller's change). */
  session?: ClientSession;
}

/** What one worker run did. */
export interface DeliveryReport {
  sent: number;
  /** Attempts that failed but will be tried again. */
  retried: number;
  failed: number;
  refused: number;
  skipped: number;
}

/** A page of the inbox. */
export interface InboxPageResult {
  entries: InboxEntryDoc[];
  nextCursor: string | null;
  unreadCount: number;
}

export interface NotificationService {
  /** Writes the inbox entry and, when asked and configured, the outbox job; see {@link NotifyInput}. */
  notify(input: NotifyInput, options?: NotifyOptions): Promise<void>;
  /** The citizen's inbox, newest first, with the unread count. */
  listInbox(actor: CitizenActor, query: InboxQuery): Promise<InboxPageResult>;
  /** Marks one of the citizen's entries read (idempotent). @throws not_found for another citizen's entry */
  markRead(actor: CitizenActor, id: string): Promise<InboxEntryDoc>;
  /** Marks every unread entry of the citizen read; returns how many. */
  markAllRead(actor: CitizenActor): Promise<number>;
  /** Outbox jobs for the back office, newest first. */
  listJobs(actor: StaffActor, query: AdminNotificationQuery): Promise<{ jobs: NotificationJobDoc[]; nextCursor: string | null }>;
  /**
   * The outbox worker: claims due jobs one by one (at most `limit`, default 50) and sends them.
   * Safe to run on every instance at once.
   */
  deliverDue(options?: { limit?: number }): Promise<DeliveryReport>;
}

/** Lengths kept in the inbox. */
const TITLE_MAX = 100;
const BODY_MAX = 1000;

/** Cuts to `max` characters (code points), marking the cut. */
function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** A new id for this process, for `claimedBy` and attempt records. */
export function newInstanceId(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Delay before retry number `attempt` (1 = after the first failure): exponential from `baseMs`,
 * capped at `maxMs`, with "equal jitter" (a random point in the upper half) so instances that
 * failed together do not retry together.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

export function createNotificationService({ models, config, logger, clock, wechat, db, services, instanceId }: ServiceDeps): NotificationService {
  const log = logger.child({ component: 'notifications' });
  const instance = instanceId ?? newInstanceId();
  const warnedTemplates = new Set<string>();
  // Long enough for a token fetch, the send, a forced refresh and the resend, each up to the timeout.
  const leaseMs = Math.max(60_000, 6 * config.wechat.timeoutMs);
  const maxAttempts = config.notifications.maxAttempts;

  type JobPlan = Pick<NotificationJobDoc, 'template' | 'templateId' | 'page' | 'data' | 'status' | 'nextAttemptAt' | 'attemptLog' | 'lastError'>;

  /** What kind of outbox job a notify call produces, or null for inbox only. */
  const planJob = (subscribe: NonNullable<NotifyInput['subscribe']>, now: Date): JobPlan | null => {
    const templateId = config.wechat.templateIds[subscribe.template];
    if (!templateId) {
      if (!warnedTemplates.has(subscribe.template)) {
        warnedTemplates.add(subscribe.template);
        log.warn({ template: subscribe.template }, 'no WeChat template id configured for this key (WECHAT_TEMPLATE_IDS): these notifications go to the inbox only');
      }
      return null;
    }
    const base = { template: subscribe.template, templateId, page: subscribe.page ?? null, attemptLog: [] as NotificationAttemptDoc[] };
    let data: Record<string, { value: string }>;
    try {
      data = prepareSubscribeData(subscribe.data).data;
    } catch (err) {
      if (!(err instanceof WechatTemplateDataError)) throw err;
      // A feature's template data breaks WeChat's rules: a bug to fix, but the citizen still
      // gets the inbox entry and staff see the failed job.
      log.error({ template: subscribe.template, issues: err.issues }, 'subscribe message data refused; the message is not sent');
      const entry = { at: now, errcode: err.errcode, errmsg: err.errmsg, instance };
      return { ...base, data: {}, status: 'failed', nextAttemptAt: null, attemptLog: [entry], lastError: { errcode: err.errcode, errmsg: err.errmsg } };
    }
    if (!wechat) {
      const errmsg = 'WeChat credentials are not configured: inbox only';
      return { ...base, data, status: 'skipped', nextAttemptAt: null, lastError: { errcode: null, errmsg } };
    }
    return { ...base, data, status: 'pending', nextAttemptAt: now };
  };

  /** The two writes of notify, within `session` when given. */
  const write = async (input: NotifyInput, plan: JobPlan | null, now: Date, session: ClientSession | undefined): Promise<void> => {
    const entryId = new Types.ObjectId();
    const link: InboxLinkDoc | null = input.link ? { type: input.link.type, id: input.link.id } : null;
    const entry = {
      _id: entryId,
      userId: new Types.ObjectId(input.userId),
      kind: input.kind,
      title: clip(input.title.trim(), TITLE_MAX),
      body: clip(input.body.trim(), BODY_MAX),
      link,
      readAt: null,
      createdAt: now,
    };
    const opts = session ? { session } : {};
    if (input.dedupeKey !== undefined) {
      // An upsert on the unique key: the entry is inserted once, later calls match and change nothing.
      const res = await models.InboxEntry.updateOne({ dedupeKey: input.dedupeKey }, { $setOnInsert: entry }, { upsert: true, ...opts });
      if (res.upsertedCount === 0) return;
    } else {
      await models.InboxEntry.create([entry], opts);
    }
    if (!plan) return;
    const job = {
      userId: entry.userId,
      inboxEntryId: entryId,
      kind: input.kind,
      title: entry.title,
      link,
      ...plan,
      attempts: 0,
      maxAttempts,
      leaseUntil: null,
      claimedBy: null,
      sentAt: null,
      msgid: null,
      ...(input.dedupeKey === undefined ? {} : { dedupeKey: input.dedupeKey }),
      createdAt: now,
      updatedAt: now,
    };
    await models.NotificationJob.create([job], opts);
  };

  /** Claims the next due job (or one whose lease expired); returns it as it was before the claim. */
  const claimNext = async (now: Date): Promise<NotificationJobDoc | null> =>
    models.NotificationJob.findOneAndUpdate(
      {
        $or: [
          { status: 'pending', nextAttemptAt: { $lte: now } },
          { status: 'sending', leaseUntil: { $lte: now } },
        ],
      },
      {
        $set: { status: 'sending', leaseUntil: new Date(now.getTime() + leaseMs), claimedBy: instance, updatedAt: now },
        $inc: { attempts: 1 },
      },
      { sort: { nextAttemptAt: 1, _id: 1 }, returnDocument: 'before' },
    ).lean<NotificationJobDoc>();

  type Outcome = keyof DeliveryReport;

  /** Records the end of an attempt, if this instance still holds the job. */
  const finish = async (
    job: NotificationJobDoc,
    attempt: number,
    outcome: Outcome,
    entries: NotificationAttemptDoc[],
    set: Partial<NotificationJobDoc>,
  ): Promise<Outcome> => {
    const status = outcome === 'retried' ? 'pending' : outcome;
    const last = entries[entries.length - 1];
    const res = await models.NotificationJob.updateOne(
      { _id: job._id, status: 'sending', claimedBy: instance, attempts: attempt },
      {
        $set: {
          status,
          leaseUntil: null,
          updatedAt: new Date(clock()),
          // A success keeps the previous error for the record.
          ...(last && last.errcode !== 0 ? { lastError: { errcode: last.errcode, errmsg: last.errmsg } } : {}),
          ...set,
        },
        $push: { attemptLog: { $each: entries } },
      },
    );
    if (res.matchedCount === 0) {
      // Our lease ran out and another instance took the job over: its outcome wins.
      log.warn({ jobId: job._id.toHexString(), outcome }, 'lost the lease of a notification job before recording the attempt');
    }
    return outcome;
  };

  const deliver = async (job: NotificationJobDoc, now: Date): Promise<Outcome> => {
    const attempt = job.attempts + 1;
    const entries: NotificationAttemptDoc[] = [];
    if (job.status === 'sending') {
      entries.push({ at: now, errcode: null, errmsg: `lease of ${job.claimedBy ?? 'unknown'} expired; reclaimed`, instance });
    }
    const record = (errcode: number | null, errmsg: string) => entries.push({ at: new Date(clock()), errcode, errmsg, instance });
    if (!wechat) {
      record(null, 'WeChat credentials are not configured: inbox only');
      return finish(job, attempt, 'skipped', entries, { nextAttemptAt: null });
    }
    const user = await services.users.findUser(job.userId.toHexString());
    if (!user) {
      record(null, 'user not found');
      return finish(job, attempt, 'failed', entries, { nextAttemptAt: null });
    }
    try {
      const result = await wechat.sendSubscribeMessage({
        touser: user.openid,
        templateId: job.templateId,
        data: job.data,
        miniprogramState: config.wechat.miniprogramState,
        ...(job.page ? { page: job.page } : {}),
      });
      record(0, 'ok');
      return finish(job, attempt, 'sent', entries, { sentAt: new Date(clock()), msgid: result.msgid ?? null, nextAttemptAt: null });
    } catch (err) {
      let retryable: boolean;
      if (err instanceof WechatApiError) {
        record(err.errcode, err.errmsg);
        if (err.errcode === WECHAT_ERRCODE.userRefused) {
          // The user has no subscription quota left (or refused): final, the inbox entry stands.
          return finish(job, attempt, 'refused', entries, { nextAttemptAt: null });
        }
        retryable = err.retryable && !err.final;
        if (!retryable) log.warn({ jobId: job._id.toHexString(), errcode: err.errcode }, 'subscribe message failed for good');
      } else {
        // Not WeChat's answer (a database hiccup, a bug): log it and try again later.
        log.error({ err, jobId: job._id.toHexString() }, 'sending a subscribe message failed unexpectedly');
        record(null, `internal error: ${err instanceof Error ? err.name : 'unknown'}`);
        retryable = true;
      }
      if (retryable && attempt < job.maxAttempts) {
        const nextAttemptAt = new Date(clock() + retryDelayMs(attempt, config.notifications.retryBaseMs, config.notifications.retryMaxMs));
        return finish(job, attempt, 'retried', entries, { nextAttemptAt });
      }
      return finish(job, attempt, 'failed', entries, { nextAttemptAt: null });
    }
  };

  return {
    async notify(input, options = {}) {
      if (!isValidObjectId(input.userId) || !/^[0-9a-f]{24}$/i.test(input.userId)) throw new Error(`notify: invalid userId ${JSON.stringify(input.userId)}`);
      if (input.title.trim() === '') throw new Error('notify: the title is empty');
      const now = new Date(clock());
      const plan = input.subscribe ? planJob(input.subscribe, now) : null;
      if (options.session) {
        await write(input, plan, now, options.session);
        return;
      }
      if (!plan) {
        try {
          await write(input, null, now, undefined);
        } catch (err) {
          // Two calls with one dedupeKey racing: the loser's upsert collides; the entry exists.
          if (!(input.dedupeKey !== undefined && isDuplicateKeyError(err))) throw err;
        }
        return;
      }
      // Entry and job commit together or not at all.
      try {
        await db.connection.transaction(async (session) => write(input, plan, now, session));
      } catch (err) {
        if (!(input.dedupeKey !== undefined && isDuplicateKeyError(err))) throw err;
      }
    },

    async listInbox(actor, query) {
      const userId = new Types.ObjectId(actor.userId);
      const filters: Record<string, unknown>[] = [{ userId }];
      if (query.cursor) filters.push(afterCursorFilter('createdAt', decodeCursor(query.cursor)));
      const [rows, unreadCount] = await Promise.all([
        models.InboxEntry.find({ $and: filters }).sort({ createdAt: -1, _id: -1 }).limit(query.limit + 1).lean<InboxEntryDoc[]>(),
        models.InboxEntry.countDocuments({ userId, readAt: null }),
      ]);
      const page = pageOf(rows, query.limit, (r) => r.createdAt);
      return { entries: page.rows, nextCursor: page.nextCursor, unreadCount };
    },

    async markRead(actor, id) {
      if (!isValidObjectId(id)) throw notFound();
      const filter = { _id: new Types.ObjectId(id), userId: new Types.ObjectId(actor.userId) };
      await models.InboxEntry.updateOne({ ...filter, readAt: null }, { $set: { readAt: new Date(clock()) } });
      const entry = await models.InboxEntry.findOne(filter).lean<InboxEntryDoc>();
      if (!entry) throw notFound();
      return entry;
    },

    async markAllRead(actor) {
      const res = await models.InboxEntry.updateMany(
        { userId: new Types.ObjectId(actor.userId), readAt: null },
        { $set: { readAt: new Date(clock()) } },
      );
      return res.modifiedCount;
    },

    async listJobs(_actor, query) {
      const filters: Record<string, unknown>[] = [];
      if (query.status) filters.push({ status: query.status });
      if (query.kind) filters.push({ kind: query.kind });
      if (query.cursor) filters.push(afterCursorFilter('createdAt', decodeCursor(query.cursor)));
      const rows = await models.NotificationJob.find(filters.length > 0 ? { $and: filters } : {})
        .sort({ createdAt: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<NotificationJobDoc[]>();
      const page = pageOf(rows, query.limit, (r) => r.createdAt);
      return { jobs: page.rows, nextCursor: page.nextCursor };
    },

    async deliverDue(options = {}) {
      const limit = options.limit ?? 50;
      const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, refused: 0, skipped: 0 };
      for (let i = 0; i < limit; i++) {
        const now = new Date(clock());
        const job = await claimNext(now);
        if (!job) break;
        report[await deliver(job, now)] += 1;
      }
      if (report.sent + report.retried + report.failed + report.refused + report.skipped > 0) log.info({ ...report }, 'outbox run');
      return report;
    },
  };
}
