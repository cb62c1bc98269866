/**
 * Supervision statistics (月度督查统计): one table of the monthly figures of every channel that
 * answers the public, per department and in total, for staff (JSON or CSV), and per channel
 * totals with the year to date for the public.
 *
 * Nothing is counted here: each channel's service computes its own figures for any month
 * (`countsForMonth` / `monthlyStatistics`, definitions in the channel's module) and
 * stats-channels.ts maps them onto one row schema. The four channels are asked concurrently.
 *
 * Who sees what (documented choice): `admin`, `office` and `reviewer` see every row; a `handler`
 * sees only their own department's rows — no unassigned bucket and no totals, which would reveal
 * the other departments' figures by subtraction. Every staff read is audited (`stats.read`).
 *
 * Months are CST calendar months. Staff may ask for the current month (the office collects the
 * figures before the 29th, so the month in progress is the usual question; "overdue now" is as of
 * the call); the public sees complete months only, by default the last one.
 */
import type { MonthlyStatsQuery, PublicStatsQuery, StatsChannel, StatsFigures, StatsRow } from '../../../../shared/stats';
import { cstMonthOf, monthsOfYearTo, previousMonth, STATS_CHANNEL_LABELS, STATS_CHANNELS } from '../../../../shared/stats';
import type { Actor, StaffActor } from '../../lib/actor';
import { cstMonthRange } from '../../lib/calendar-dates';
import { forbidden, validationError } from '../../lib/errors';
import type { ServiceDeps } from '../../services';
import { fromConsultations, fromErrorReports, fromLetters, fromPolicies, type ChannelMonthFigures } from './stats-channels';
import { buildStatsCsv, statsCsvFilename } from './stats-csv';

/** The staff table for one month. */
export interface MonthlyStatistics {
  month: string;
  from: Date;
  to: Date;
  computedAt: Date;
  /** `department` for a handler: only that department's rows. */
  scope: 'all' | 'department';
  departmentId: string | null;
  /** Per channel ({@link STATS_CHANNELS} order): departments by name, the unassigned bucket, then the total. */
  rows: StatsRow[];
}

/** Counts the public figures are summed from (the presenter turns them into rates). */
export interface PublicCounts {
  received: number;
  handled: number;
  replied: number;
  handledOnTime: number;
  /** Null for channels without ratings. */
  rated: number | null;
  satisfied: number | null;
}

/** One channel's public figures: the month and January through the month. */
export interface PublicChannelStatistics {
  channel: StatsChannel;
  month: PublicCounts;
  yearToDate: PublicCounts;
}

/** The public figures of a complete month. */
export interface PublicStatistics {
  month: string;
  yearToDate: { from: string; to: string };
  channels: PublicChannelStatistics[];
}

export interface StatsService {
  /**
   * The month's table (default: the current CST month), scoped to the actor's department for
   * handlers; audited `stats.read`. @throws validation_error (a month after the current one),
   * forbidden (a handler without a department)
   */
  monthlyStatistics(actor: StaffActor, query: Pick<MonthlyStatsQuery, 'month'>): Promise<MonthlyStatistics>;
  /** The same table as a CSV file (UTF-8 with BOM, CRLF); audited `stats.read` with `format: 'csv'`. */
  exportMonthlyCsv(actor: StaffActor, query: Pick<MonthlyStatsQuery, 'month'>): Promise<{ filename: string; content: Buffer }>;
  /**
   * Per channel totals of a complete month (default: the last one) and of the year to date; no
   * departments, no personal data. @throws validation_error (the current month or later)
   */
  publicStatistics(actor: Actor, query: PublicStatsQuery): Promise<PublicStatistics>;
  /**
   * For other features (e.g. the annual report): every channel's figures for a CST month on the
   * shared row schema, unscoped and not audited. @throws RangeError for a malformed month
   */
  figuresForMonth(month: string): Promise<ChannelMonthFigures[]>;
}

export function createStatsService({ services, clock }: ServiceDeps): StatsService {
  const figuresForMonth: StatsService['figuresForMonth'] = async (month) => {
    // Independent reads of four features: run them together.
    const [letters, errorReports, consultations, policies] = await Promise.all([
      services.letters.countsForMonth(month),
      services.errorReports.countsForMonth(month),
      services.consultations.monthlyStatistics(month),
      services.policies.countsForMonth(month),
    ]);
    return [fromLetters(letters), fromErrorReports(errorReports), fromConsultations(consultations), fromPolicies(policies)];
  };

  /** The staff month: given or the current one, never after the current one. */
  const staffMonth = (month: string | undefined): string => {
    const current = cstMonthOf(clock());
    const m = month ?? current;
    if (m > current) throw validationError([{ in: 'query', path: 'month', message: `不能查询未来月份的统计，最晚为${current}` }]);
    return m;
  };

  const rowsOf = (channels: ChannelMonthFigures[], departmentId: string | null): StatsRow[] => {
    const rows: StatsRow[] = [];
    for (const c of channels) {
      const base = { channel: c.channel, channelName: STATS_CHANNEL_LABELS[c.channel] };
      for (const d of c.departments) {
        if (departmentId !== null && d.departmentId !== departmentId) continue;
        rows.push({ ...base, kind: d.kind, departmentId: d.departmentId, departmentName: d.departmentName, ...d.figures });
      }
      if (departmentId === null) rows.push({ ...base, kind: 'total', departmentId: null, departmentName: null, ...c.total });
    }
    return rows;
  };

  const build = async (actor: StaffActor, query: Pick<MonthlyStatsQuery, 'month'>, format: 'json' | 'csv'): Promise<MonthlyStatistics> => {
    if (actor.role === 'handler' && !actor.departmentId) throw forbidden();
    const month = staffMonth(query.month);
    const computedAt = new Date(clock());
    const scopedTo = actor.role === 'handler' ? actor.departmentId : null;
    const rows = rowsOf(await figuresForMonth(month), scopedTo);
    await services.audit.recordAudit({
      actor,
      action: 'stats.read',
      targetType: 'stats',
      targetId: month,
      details: { month, format, scope: scopedTo ? 'department' : 'all', departmentId: scopedTo, rows: rows.length },
    });
    return { month, ...cstMonthRange(month), computedAt, scope: scopedTo ? 'department' : 'all', departmentId: scopedTo, rows };
  };

  const publicCounts = (f: StatsFigures): PublicCounts => ({
    received: f.received ?? 0,
    handled: f.handled ?? 0,
    replied: f.replied ?? 0,
    handledOnTime: f.handledOnTime ?? 0,
    rated: f.rated,
    satisfied: f.satisfied,
  });
  const addCounts = (a: PublicCounts, b: PublicCounts): PublicCounts => ({
    received: a.received + b.received,
    handled: a.handled + b.handled,
    replied: a.replied + b.replied,
    handledOnTime: a.handledOnTime + b.handledOnTime,
    rated: a.rated === null || b.rated === null ? null : a.rated + b.rated,
    satisfied: a.satisfied === null || b.satisfied === null ? null : a.satisfied + b.satisfied,
  });

  return {
    monthlyStatistics: (actor, query) => build(actor, query, 'json'),

    async exportMonthlyCsv(actor, query) {
      const stats = await build(actor, query, 'csv');
      return { filename: statsCsvFilename(stats.month), content: buildStatsCsv(stats.rows) };
    },

    async publicStatistics(_actor, query) {
      const last = previousMonth(cstMonthOf(clock()));
      const month = query.month ?? last;
      if (month > last) throw validationError([{ in: 'query', path: 'month', message: `只能查询已结束月份的统计，最近为${last}` }]);
      const months = monthsOfYearTo(month);
      const byMonth: ChannelMonthFigures[][] = [];
      // One month at a time: each month already asks the four channels at once, and twelve
      // months at once would put dozens of full scans on the database together.
      for (const m of months) byMonth.push(await figuresForMonth(m));
      const channels = STATS_CHANNELS.map((channel) => {
        const monthly = byMonth.map((figures) => publicCounts(figures.find((f) => f.channel === channel)!.total));
        return { channel, month: monthly[monthly.length - 1], yearToDate: monthly.reduce(addCounts) };
      });
      return { month, yearToDate: { from: months[0], to: month }, channels };
    },

    figuresForMonth,
  };
}

