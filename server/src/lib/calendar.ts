/**
 * The Chinese working-day calendar behind every deadline (政府信息公开 replies, mailbox, 找错
 * reports, interpretations …).
 *
 * - Holidays and 调休 make-up working days come from the `chinese-days` package; years it does not
 *   cover come from `config/calendar-overrides.json`, which also wins for any date it lists.
 * - A computation that touches a year covered by neither still answers (counting weekends only)
 *   but says so: the result's `basis` is `'weekends-only'` and a warning is raised once per year.
 * - All dates are China Standard Time calendar dates, whatever the server's time zone.
 * - Counting follows 政府信息公开条例 practice: the day of receipt does not count, the n-th working
 *   day after it is the last day, and the deadline is the end of that day (23:59:59.999 CST).
 *
 * Call {@link initCalendar} at boot (with the app logger) and warn if {@link coveredYears} lacks
 * next year; the module functions use that instance, or a default one created on first use.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import {
  civilFromDayNumber,
  endOfCstDay,
  formatIsoDate,
  isWeekend,
  toDayNumber,
  type DateInput,
  type IsoDate,
} from './calendar-dates';
import {
  CalendarConfigError,
  DECEMBER_TAIL_FIRST_DAY,
  loadCalendarOverrides,
  parseCalendarOverrides,
  type NormalizedOverrides,
} from './calendar-overrides';
import { loadPackageCalendarData, type PackageCalendarData } from './calendar-package';

export type { DateInput, IsoDate } from './calendar-dates';
export { toCstDate } from './calendar-dates';
export { CalendarConfigError };
export type { CalendarOverridesInput } from './calendar-overrides';
export { explainDeadline } from './calendar-explain';

/**
 * Where the day classification of a result came from, worst case over every day consulted:
 * `'chinese-days'` only package data; `'override'` some day's year relies on the local overrides
 * file; `'weekends-only'` some day lies in a year whose holiday notice neither source has, so
 * only weekends were skipped there and the result may change once the notice is added.
 */
export type DeadlineBasis = 'chinese-days' | 'override' | 'weekends-only';

/** A non-working day passed over while counting. */
export interface SkippedDay {
  date: IsoDate;
  /** `'holiday'` also for a weekend that falls inside a holiday (it is part of 国庆节 etc.). */
  reason: 'weekend' | 'holiday';
  /** Holiday name (国庆节, 春节, 中秋 …) for `'holiday'`. */
  name?: string;
}

/** A computed deadline, stored with the case so the citizen can be shown how it was computed. */
export interface Deadline {
  /** End (23:59:59.999 CST) of the last working day. */
  dueAt: Date;
  /** Working days counted after the start date. */
  workingDays: number;
  /** CST date the count starts from (receipt); it does not count itself. */
  startDate: IsoDate;
  /** CST date of the last working day. */
  dueDate: IsoDate;
  /** Non-working days passed over, in order. */
  skipped: SkippedDay[];
  /** 调休 Saturdays/Sundays that were counted as working days, in order. */
  makeupWorkdays: IsoDate[];
  basis: DeadlineBasis;
  /** {@link calendarVersion} at computation time; differs from the current one after a calendar change. */
  calendarVersion: string;
}

/** What kind of day a date is. */
export interface DayInfo {
  date: IsoDate;
  working: boolean;
  kind: 'workday' | 'weekend' | 'holiday' | 'makeup-workday';
  /** Holiday name for `'holiday'`, and the holiday made up for on a `'makeup-workday'`. */
  name?: string;
  basis: DeadlineBasis;
}

/** Options for {@link createWorkingCalendar}. */
export interface WorkingCalendarOptions {
  /** Overrides as data (same shape as the JSON file), validated like the file; wins over `overridesPath`. */
  overrides?: unknown;
  /** Overrides file; defaults to `config/calendar-overrides.json` at the repository root. */
  overridesPath?: string;
  /** Called once per uncovered year the first time a computation touches it. Default: `process.emitWarning`. */
  onUncoveredYear?: (year: number, message: string) => void;
}

/** A calendar instance; see the module functions of the same names for the semantics. */
export interface WorkingCalendar {
  isWorkingDay(date: DateInput): boolean;
  dayInfo(date: DateInput): DayInfo;
  addWorkingDays(start: DateInput, n: number): Deadline;
  workingDaysBetween(from: DateInput, to: DateInput): number;
  recomputeDeadline(deadline: Pick<Deadline, 'startDate' | 'workingDays'>): Deadline;
  needsRecompute(deadline: Pick<Deadline, 'calendarVersion'>): boolean;
  coveredYears(): number[];
  calendarVersion(): string;
  /** The `source` note of the overrides for a notice year, if the overrides file lists it. */
  overrideSource(year: number): string | undefined;
}

/** Upper bound on `n`; the longest legal window is 20 + 20 working days, this only stops runaway input. */
export const MAX_WORKING_DAYS = 1000;

/** Default overrides file: <repo>/config/calendar-overrides.json. */
export const DEFAULT_OVERRIDES_PATH = path.resolve(__dirname, '../../../config/calendar-overrides.json');

const BASES: readonly DeadlineBasis[] = ['chinese-days', 'override', 'weekends-only'];
const RANK_PACKAGE = 0;
const RANK_OVERRIDE = 1;
const RANK_UNCOVERED = 2;

interface ClassifiedDay {
  working: boolean;
  name: string;
}

let packageData: PackageCalendarData | undefined;

function defaultWarning(_year: number, message: string): void {
  process.emitWarning(message, { type: 'CalendarWarning', code: 'CALENDAR_YEAR_NOT_COVERED' });
}

function versionOf(pkg: PackageCalendarData, overrides: NormalizedOverrides): string {
  const base = `chinese-days@${pkg.version}`;
  if (overrides.years.length === 0) return base;
  // Hash the data that affects counting and explanations (dates, kinds, names, covered years),
  // not the source notes, so fixing a typo in a note does not trigger a recompute of every case.
  const entries = [...overrides.days.values()]
    .sort((a, b) => a.dayNumber - b.dayNumber)
    .map((d) => [formatIsoDate(d.dayNumber), d.working ? 'work' : 'off', d.name]);
  const hash = crypto.createHash('sha256').update(JSON.stringify({ years: overrides.years, entries })).digest('hex');
  return `${base}+overrides.${hash.slice(0, 12)}`;
}

/**
 * Builds a calendar from the package data and the overrides (validated here).
 * @throws CalendarConfigError when the overrides are invalid, or list a year the package does not
 *   cover without its 元旦 (Jan 1) holiday, which means an incomplete or mis-keyed notice.
 */
export function createWorkingCalendar(options: WorkingCalendarOptions = {}): WorkingCalendar {
  const pkg = (packageData ??= loadPackageCalendarData());
  const overrides =
    options.overrides !== undefined
      ? parseCalendarOverrides(options.overrides)
      : loadCalendarOverrides(options.overridesPath ?? DEFAULT_OVERRIDES_PATH);
  const onUncoveredYear = options.onUncoveredYear ?? defaultWarning;

  const coverage = new Map<number, number>();
  for (const y of pkg.years) coverage.set(y, RANK_PACKAGE);
  for (const y of overrides.years) coverage.set(y, RANK_OVERRIDE);

  const incomplete = overrides.years.filter((y) => {
    if (pkg.years.includes(y)) return false;
    const jan1 = overrides.days.get(toDayNumber(`${y}-01-01`));
    return !jan1 || jan1.working;
  });
  if (incomplete.length > 0) {
    throw new CalendarConfigError(
      'Calendar overrides look incomplete',
      incomplete.map((y) => `years.${y}: the package has no ${y} data and the override does not list 元旦 (${y}-01-01) as a holiday`),
    );
  }

  const special = new Map<number, ClassifiedDay>();
  for (const d of pkg.days.values()) special.set(d.dayNumber, { working: d.working, name: d.name });
  for (const d of overrides.days.values()) special.set(d.dayNumber, { working: d.working, name: d.name });

  const years = [...coverage.keys()].sort((a, b) => a - b);
  const version = versionOf(pkg, overrides);
  const warned = new Set<number>();

  function yearRank(year: number): number {
    const rank = coverage.get(year);
    if (rank !== undefined) return rank;
    if (!warned.has(year)) {
      warned.add(year);
      onUncoveredYear(
        year,
        `Working-day calendar has no holiday data for ${year} (chinese-days@${pkg.version} covers ` +
          `${pkg.years[0]}-${pkg.years[pkg.years.length - 1]}; overrides list ${overrides.years.join(', ') || 'no year'}). ` +
          `Dates in ${year} are counted with weekends only and flagged basis 'weekends-only'. ` +
          `Add the State Council notice for ${year} to config/calendar-overrides.json or upgrade chinese-days.`,
      );
    }
    return RANK_UNCOVERED;
  }

  function rankOf(dayNumber: number): number {
    const { year, month, day } = civilFromDayNumber(dayNumber);
    const rank = yearRank(year);
    // The next year's notice may bridge 元旦 back into these days.
    if (month === 12 && day >= DECEMBER_TAIL_FIRST_DAY) return Math.max(rank, yearRank(year + 1));
    return rank;
  }

  function working(dayNumber: number): boolean {
    const s = special.get(dayNumber);
    return s ? s.working : !isWeekend(dayNumber);
  }

  function dayInfo(date: DateInput): DayInfo {
    const n = toDayNumber(date);
    const basis = BASES[rankOf(n)];
    const s = special.get(n);
    const iso = formatIsoDate(n);
    if (s) {
      return s.working
        ? { date: iso, working: true, kind: 'makeup-workday', name: s.name, basis }
        : { date: iso, working: false, kind: 'holiday', name: s.name, basis };
    }
    return isWeekend(n)
      ? { date: iso, working: false, kind: 'weekend', basis }
      : { date: iso, working: true, kind: 'workday', basis };
  }

  function addWorkingDays(start: DateInput, n: number): Deadline {
    if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
      throw new RangeError(`working days must be an integer from 0 to ${MAX_WORKING_DAYS}, got ${n}`);
    }
    const startDay = toDayNumber(start);
    const skipped: SkippedDay[] = [];
    const makeupWorkdays: IsoDate[] = [];
    // With n = 0 nothing is counted; the start day's own coverage is what the answer rests on.
    let rank = n === 0 ? rankOf(startDay) : RANK_PACKAGE;
    let day = startDay;
    let counted = 0;
    while (counted < n) {
      day++;
      const r = rankOf(day);
      if (r > rank) rank = r;
      const s = special.get(day);
      if (s) {
        if (s.working) {
          counted++;
          if (isWeekend(day)) makeupWorkdays.push(formatIsoDate(day));
        } else {
          skipped.push({ date: formatIsoDate(day), reason: 'holiday', name: s.name });
        }
      } else if (isWeekend(day)) {
        skipped.push({ date: formatIsoDate(day), reason: 'weekend' });
      } else {
        counted++;
      }
    }
    return {
      dueAt: endOfCstDay(day),
      workingDays: n,
      startDate: formatIsoDate(startDay),
      dueDate: formatIsoDate(day),
      skipped,
      makeupWorkdays,
      basis: BASES[rank],
      calendarVersion: version,
    };
  }

  function countWorking(afterDay: number, upToDay: number): number {
    let count = 0;
    for (let d = afterDay + 1; d <= upToDay; d++) {
      rankOf(d); // raises the once-per-year warning for uncovered years
      if (working(d)) count++;
    }
    return count;
  }

  function workingDaysBetween(from: DateInput, to: DateInput): number {
    const a = toDayNumber(from);
    const b = toDayNumber(to);
    if (a === b) return 0;
    return b > a ? countWorking(a, b) : -countWorking(b, a);
  }

  return {
    isWorkingDay: (date) => {
      const n = toDayNumber(date);
      rankOf(n);
      return working(n);
    },
    dayInfo,
    addWorkingDays,
    workingDaysBetween,
    recomputeDeadline: (d) => addWorkingDays(d.startDate, d.workingDays),
    needsRecompute: (d) => d.calendarVersion !== version,
    coveredYears: () => [...years],
    calendarVersion: () => version,
    overrideSource: (year) => overrides.sources.get(year),
  };
}

let defaultCalendar: WorkingCalendar | undefined;

/**
 * Creates the calendar the module functions use (loading and validating the overrides file) and
 * returns it. Call once at boot, passing the app logger, so a bad overrides file stops startup.
 */
export function initCalendar(options: WorkingCalendarOptions = {}): WorkingCalendar {
  defaultCalendar = createWorkingCalendar(options);
  return defaultCalendar;
}

function calendar(): WorkingCalendar {
  return (defaultCalendar ??= createWorkingCalendar());
}

/**
 * Whether a date (an instant's CST date, or `YYYY-MM-DD`) is a working day, 调休 included. In a year
 * without holiday data this is the weekends-only answer (with the once-per-year warning); use
 * {@link dayInfo} when the caller must know the basis.
 */
export function isWorkingDay(date: DateInput): boolean {
  return calendar().isWorkingDay(date);
}

/** Kind of day, holiday name and data basis for a date. */
export function dayInfo(date: DateInput): DayInfo {
  return calendar().dayInfo(date);
}

/**
 * The deadline `n` working days after `start`'s CST date: that date itself does not count (a
 * Friday receipt + 1 is the next working Monday; a receipt on a holiday counts from the first
 * working day after it), and the deadline is the end of the n-th working day, 23:59:59.999 CST.
 * `n = 0` means "the same day": due at the end of the start date, whatever kind of day it is.
 * @throws RangeError for a non-integer `n`, `n < 0`, `n >` {@link MAX_WORKING_DAYS}, or a bad date.
 */
export function addWorkingDays(start: DateInput, n: number): Deadline {
  return calendar().addWorkingDays(start, n);
}

/**
 * Working days strictly after `from`'s CST date up to and including `to`'s CST date.
 * Same date: 0. If `to` is before `from`, the negated count for the swapped pair, so
 * `workingDaysBetween(a, b) === -workingDaysBetween(b, a)`. With `to` = a deadline's due date:
 * > 0 working days left (the due day included), 0 due today, < 0 overdue by that many working days.
 */
export function workingDaysBetween(from: DateInput, to: DateInput): number {
  return calendar().workingDaysBetween(from, to);
}

/** Recomputes a stored deadline from its `startDate` and `workingDays` with the current calendar. */
export function recomputeDeadline(deadline: Pick<Deadline, 'startDate' | 'workingDays'>): Deadline {
  return calendar().recomputeDeadline(deadline);
}

/** True when a stored deadline was computed with another calendar version (recompute it). */
export function needsRecompute(deadline: Pick<Deadline, 'calendarVersion'>): boolean {
  return calendar().needsRecompute(deadline);
}

/** Years with holiday data (package or overrides), ascending. Warn at boot if next year is missing. */
export function coveredYears(): number[] {
  return calendar().coveredYears();
}

/**
 * Identifies the calendar data: `chinese-days@<version>`, plus `+overrides.<hash>` when the
 * overrides file lists any year. Changes whenever the package is upgraded or the overrides change.
 */
export function calendarVersion(): string {
  return calendar().calendarVersion();
}
