/**
 * Supervision statistics (月度督查统计): the monthly figures of every channel that answers the
 * public — the director's mailbox (主任信箱), 我为政府网站找错 reports, consultations (意见征集) and
 * policy interpretation (政策解读) — on one row schema, per department and in total, for staff;
 * and per channel totals for the public. Used by the BFF and the mini-program.
 *
 * Each channel's own module defines its figures (letter-stats.ts, error-report-stats.ts,
 * consultation.service.ts, policy-stats.ts); the statistics map them onto {@link StatsFigures}.
 * A figure a channel does not have is `null`, never 0.
 */
import { z } from 'zod';

/** The channels, in the order of the table. */
export const STATS_CHANNELS = ['letters', 'error_reports', 'consultations', 'policy_interpretations'] as const;
export const StatsChannelSchema = z.enum(STATS_CHANNELS);
export type StatsChannel = z.infer<typeof StatsChannelSchema>;

/** Chinese channel names (the 渠道 column). */
export const STATS_CHANNEL_LABELS: Record<StatsChannel, string> = {
  letters: '主任信箱',
  error_reports: '我为政府网站找错',
  consultations: '意见征集',
  policy_interpretations: '政策解读',
};

/** What the figures of each channel count, shown under the table. */
export const STATS_CHANNEL_DESCRIPTIONS: Record<StatsChannel, string> = {
  letters:
    '收件数为本月提交的来信；办结数为本月答复和不予受理的来信；答复数为本月发出的答复（含追问后的再次答复），' +
    '按时办结数为其中在答复期限内发出的，按时办结率以答复数为基数；满意率为本月评价中4分及以上的比例。',
  error_reports:
    '收件数为本月提交的找错报告（含重复报告）；办结数（答复数）为本月答复的报告，重复报告随首次报告处理，不重复计算；' +
    '按时为提交后3个工作日内答复。',
  consultations: '收件数为本月收到的意见条数；办结数（答复数）为本月公布的采纳情况；按时为征集结束后1个月内公布。',
  policy_interpretations:
    '收件数为本月发布且须配套解读的政策文件；办结数（答复数）为本月首次发布解读的文件；按时为文件发布后3个工作日内发布解读。',
};

/** Channels whose cases are rated by the citizen (satisfaction figures). */
export const RATED_CHANNELS: readonly StatsChannel[] = ['letters'];

/** The earliest year the statistics answer for. */
export const STATS_MIN_YEAR = 2000;

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM`, China Standard Time, not before {@link STATS_MIN_YEAR}. (Not in the future is checked by the BFF's clock.) */
export const StatsMonthSchema = z
  .string({ error: '月份格式应为YYYY-MM，例如2026-10' })
  .trim()
  .superRefine((s, ctx) => {
    const m = MONTH_RE.exec(s);
    if (!m) ctx.addIssue({ code: 'custom', message: '月份格式应为YYYY-MM，例如2026-10' });
    else if (Number(m[1]) < STATS_MIN_YEAR) ctx.addIssue({ code: 'custom', message: `月份不能早于${STATS_MIN_YEAR}年1月` });
  });

/** The CST month (`YYYY-MM`) an instant falls in. */
export function cstMonthOf(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** The month before `month` (`YYYY-MM`). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** January to `month` of its year, in order. */
export function monthsOfYearTo(month: string): string[] {
  const [y, m] = month.split('-').map(Number);
  return Array.from({ length: m }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`);
}

/** `GET /api/admin/stats/monthly` query. */
export const MonthlyStatsQuerySchema = z.object({
  /** Default: the current CST month. */
  month: StatsMonthSchema.optional(),
  format: z.enum(['json', 'csv'], { error: '导出格式只能是 json 或 csv' }).default('json'),
});
export type MonthlyStatsQuery = z.infer<typeof MonthlyStatsQuerySchema>;

/** `GET /api/stats/public` query. */
export const PublicStatsQuerySchema = z.object({
  /** Default: the last complete CST month. */
  month: StatsMonthSchema.optional(),
});
export type PublicStatsQuery = z.infer<typeof PublicStatsQuerySchema>;

const count = z.number().int().nonnegative().nullable();
/** 0–1, four decimals; null when the base is 0 or the channel has no such figure. */
const rate = z.number().min(0).max(1).nullable();

/**
 * The figures of one row, the same for every channel. Rates are computed from the counts:
 * `onTimeRate` = handledOnTime / replied, `satisfactionRate` = satisfied / rated.
 */
export const StatsFiguresSchema = z.object({
  /** 收件数 */
  received: count,
  /** 办结数 (the mailbox counts rejections as handled too). */
  handled: count,
  /** 答复数: the handled cases that had a deadline to meet (the base of the on-time rate). */
  replied: count,
  /** 按时办结数 */
  handledOnTime: count,
  /** 按时办结率 */
  onTimeRate: rate,
  /** 当前超期数: open cases past their deadline when the figures were computed. */
  overdueNow: count,
  /** 平均办理工作日: as the channel rounds it; null when nothing was handled. */
  averageWorkingDays: z.number().nonnegative().nullable(),
  /** 评价数, 满意数 (score ≥ 4), 满意率: null for channels without ratings. */
  rated: count,
  satisfied: count,
  satisfactionRate: rate,
});
export type StatsFigures = z.infer<typeof StatsFiguresSchema>;

/** `department` rows, the `unassigned` bucket (not yet with a department: the office), and each channel's `total`. */
export const StatsRowKindSchema = z.enum(['department', 'unassigned', 'total']);
export type StatsRowKind = z.infer<typeof StatsRowKindSchema>;

export const StatsRowSchema = StatsFiguresSchema.extend({
  channel: StatsChannelSchema,
  channelName: z.string(),
  kind: StatsRowKindSchema,
  /** Null for the unassigned and total rows. */
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
});
export type StatsRow = z.infer<typeof StatsRowSchema>;

export const StatsChannelInfoSchema = z.object({
  channel: StatsChannelSchema,
  name: z.string(),
  description: z.string(),
  hasRatings: z.boolean(),
});

/** `GET /api/admin/stats/monthly` answer. */
export const MonthlyStatsSchema = z.object({
  month: z.string(),
  /** The month's start (inclusive) and the next month's (exclusive), CST midnights as instants. */
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** When the figures (and "overdue now") were computed. */
  computedAt: z.iso.datetime(),
  /** `all` for admin, office and reviewer; `department` for a handler (own department's rows only, no totals). */
  scope: z.enum(['all', 'department']),
  departmentId: z.string().nullable(),
  channels: z.array(StatsChannelInfoSchema),
  /** Per channel: departments by name, the unassigned bucket, then the total (scope `all` only). */
  rows: z.array(StatsRowSchema),
});
export type MonthlyStats = z.infer<typeof MonthlyStatsSchema>;

/** What governments publish per channel: no departments, no overdue cases, no personal data. */
export const PublicStatsFiguresSchema = z.object({
  received: z.number().int().nonnegative(),
  handled: z.number().int().nonnegative(),
  onTimeRate: rate,
  /** The mailbox only; null for the other channels and when nothing was rated. */
  satisfactionRate: rate,
});
export type PublicStatsFigures = z.infer<typeof PublicStatsFiguresSchema>;

/** `GET /api/stats/public` answer. */
export const PublicStatsSchema = z.object({
  month: z.string(),
  /** The year-to-date period: January of the month's year through the month. */
  yearToDate: z.object({ from: z.string(), to: z.string() }),
  channels: z.array(
    z.object({
      channel: StatsChannelSchema,
      name: z.string(),
      month: PublicStatsFiguresSchema,
      yearToDate: PublicStatsFiguresSchema,
    }),
  ),
});
export type PublicStats = z.infer<typeof PublicStatsSchema>;

/** Header of the CSV export (the columns of {@link StatsFiguresSchema} after 渠道 and 部门). */
export const STATS_CSV_HEADER = [
  '渠道',
  '部门',
  '收件数',
  '办结数',
  '答复数',
  '按时办结数',
  '按时办结率',
  '当前超期数',
  '平均办理工作日',
  '评价数',
  '满意数',
  '满意率',
] as const;

/** 部门 column of the non-department rows. */
export const STATS_TOTAL_LABEL = '合计';
export const STATS_UNASSIGNED_LABEL = '未分派（办公室）';
