/** The supervision statistics as the API returns them (shared/stats.ts). */
import {
  RATED_CHANNELS,
  STATS_CHANNEL_DESCRIPTIONS,
  STATS_CHANNEL_LABELS,
  STATS_CHANNELS,
  type MonthlyStats,
  type PublicStats,
  type PublicStatsFigures,
} from '../../../../shared/stats';
import { ratio } from './stats-channels';
import type { MonthlyStatistics, PublicCounts, PublicStatistics } from './stats.service';

const CHANNEL_INFO = STATS_CHANNELS.map((channel) => ({
  channel,
  name: STATS_CHANNEL_LABELS[channel],
  description: STATS_CHANNEL_DESCRIPTIONS[channel],
  hasRatings: RATED_CHANNELS.includes(channel),
}));

export function presentMonthlyStats(s: MonthlyStatistics): MonthlyStats {
  return {
    month: s.month,
    from: s.from.toISOString(),
    to: s.to.toISOString(),
    computedAt: s.computedAt.toISOString(),
    scope: s.scope,
    departmentId: s.departmentId,
    channels: CHANNEL_INFO,
    rows: s.rows,
  };
}

function publicFigures(c: PublicCounts): PublicStatsFigures {
  return {
    received: c.received,
    handled: c.handled,
    onTimeRate: ratio(c.handledOnTime, c.replied),
    satisfactionRate: ratio(c.satisfied, c.rated),
  };
}

/** Only totals and rates: the response schema drops anything else. */
export function presentPublicStats(s: PublicStatistics): PublicStats {
  return {
    month: s.month,
    yearToDate: s.yearToDate,
    channels: s.channels.map((c) => ({
      channel: c.channel,
      name: STATS_CHANNEL_LABELS[c.channel],
      month: publicFigures(c.month),
      yearToDate: publicFigures(c.yearToDate),
    })),
  };
}
