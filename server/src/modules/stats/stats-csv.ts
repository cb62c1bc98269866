/**
 * The supervision table as a CSV file for spreadsheets, written with the shared helper
 * (`lib/csv.ts`: UTF-8 with BOM, CRLF, RFC 4180 quoting, formula guard — department names are
 * typed by people). Counts stay numbers; rates become percentages with one decimal (`93.3%`);
 * a null figure is an empty cell, never 0.
 */
import { STATS_CSV_HEADER, STATS_TOTAL_LABEL, STATS_UNASSIGNED_LABEL, type StatsRow } from '../../../../shared/stats';
import { buildCsv, type CsvCell } from '../../lib/csv';

/** A 0–1 rate as a percentage with one decimal, or empty. */
export function formatPercent(rate: number | null): string {
  return rate === null ? '' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** 部门 column: the department's name, 未分派（办公室） or 合计. */
function departmentCell(row: StatsRow): string {
  if (row.kind === 'total') return STATS_TOTAL_LABEL;
  if (row.kind === 'unassigned') return STATS_UNASSIGNED_LABEL;
  return row.departmentName ?? '';
}

/** One line per row, columns as {@link STATS_CSV_HEADER}. */
export function buildStatsCsv(rows: readonly StatsRow[]): Buffer {
  const lines: CsvCell[][] = rows.map((r) => [
    r.channelName,
    departmentCell(r),
    r.received,
    r.handled,
    r.replied,
    r.handledOnTime,
    formatPercent(r.onTimeRate),
    r.overdueNow,
    r.averageWorkingDays,
    r.rated,
    r.satisfied,
    formatPercent(r.satisfactionRate),
  ]);
  return buildCsv(STATS_CSV_HEADER, lines);
}

/** `月度督查统计-2026-10.csv` */
export function statsCsvFilename(month: string): string {
  return `月度督查统计-${month}.csv`;
}
