/**
 * China Standard Time calendar-date arithmetic for the working-day calendar.
 *
 * Every legal deadline counts calendar days in China (Asia/Shanghai: UTC+8 all year, no DST), so
 * dates are handled as "day numbers" (days since 1970-01-01 in CST) and never through the server's
 * local time zone: `Date#getDate()` on a server running in UTC would put an instant of 01:00 CST on
 * the previous day.
 */

/** A calendar date in China Standard Time, formatted `YYYY-MM-DD`. */
export type IsoDate = string;

/** An instant (mapped to its CST calendar date) or a CST calendar date as `YYYY-MM-DD`. */
export type DateInput = Date | IsoDate;

const MS_PER_DAY = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Four-digit years only, so every date round-trips through `YYYY-MM-DD`. */
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

const WEEKDAY_NAMES = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;

/** Year, month (1-12) and day of month. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Days since 1970-01-01 for a proleptic Gregorian date (no range check). */
export function dayNumberFromCivil(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: integer-only, no Date allocation.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Inverse of {@link dayNumberFromCivil}. */
export function civilFromDayNumber(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(dayNumber: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Saturday or Sunday. */
export function isWeekend(dayNumber: number): boolean {
  const w = weekdayOf(dayNumber);
  return w === 0 || w === 6;
}

/** Parses a strict `YYYY-MM-DD` calendar date; returns undefined when malformed or not a real date. */
export function tryParseIsoDate(value: string): number | undefined {
  const m = ISO_DATE_RE.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const n = dayNumberFromCivil(year, month, day);
  const back = civilFromDayNumber(n);
  return back.month === month && back.day === day ? n : undefined;
}

/**
 * CST day number of an instant or a `YYYY-MM-DD` date.
 * @throws RangeError for an invalid Date, a malformed or unreal date string, or a year outside 1000-9999.
 */
export function toDayNumber(input: DateInput): number {
  if (input instanceof Date) {
    const t = input.getTime();
    if (!Number.isFinite(t)) throw new RangeError('Invalid Date');
    const n = Math.floor((t + CST_OFFSET_MS) / MS_PER_DAY);
    const { year } = civilFromDayNumber(n);
    if (year < MIN_YEAR || year > MAX_YEAR) throw new RangeError(`Date outside the supported years ${MIN_YEAR}-${MAX_YEAR}`);
    return n;
  }
  if (typeof input === 'string') {
    const n = tryParseIsoDate(input);
    if (n === undefined) throw new RangeError(`Expected a real calendar date as YYYY-MM-DD, got "${input}"`);
    return n;
  }
  throw new TypeError('Expected a Date or a YYYY-MM-DD string');
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` of a day number. */
export function formatIsoDate(dayNumber: number): IsoDate {
  const { year, month, day } = civilFromDayNumber(dayNumber);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** The CST calendar date of an instant (or a validated date string), as `YYYY-MM-DD`. */
export function toCstDate(input: DateInput): IsoDate {
  return formatIsoDate(toDayNumber(input));
}

/** The last millisecond (23:59:59.999 CST) of a day. */
export function endOfCstDay(dayNumber: number): Date {
  return new Date((dayNumber + 1) * MS_PER_DAY - CST_OFFSET_MS - 1);
}

/** The first millisecond (00:00 CST) of a day. */
export function startOfCstDay(dayNumber: number): Date {
  return new Date(dayNumber * MS_PER_DAY - CST_OFFSET_MS);
}

/** 周一 … 周日 for a day number. */
export function weekdayNameOf(dayNumber: number): string {
  return WEEKDAY_NAMES[weekdayOf(dayNumber)];
}

/**
 * The instants a CST calendar month `YYYY-MM` spans: its first moment (inclusive) and the next
 * month's (exclusive), for monthly figures that must follow China's month, not UTC's.
 * @throws RangeError for anything but `YYYY-MM`
 */
export function cstMonthRange(month: string): { from: Date; to: Date } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM, got ${month}`);
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return {
    from: new Date(Date.UTC(year, index, 1) - CST_OFFSET_MS),
    to: new Date(Date.UTC(year, index + 1, 1) - CST_OFFSET_MS),
  };
}
