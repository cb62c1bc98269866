/**
 * Local holiday overrides (`config/calendar-overrides.json`): the State Council's 节假日安排 for
 * years the `chinese-days` package does not cover yet, or corrections to dates it has wrong.
 * Validated with zod when the calendar is created; a bad file stops the server at boot rather
 * than silently producing wrong deadlines. The format is documented in config/README-calendar.md.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { civilFromDayNumber, isWeekend, tryParseIsoDate } from './calendar-dates';

/**
 * A notice for year Y can move days at the end of December of Y-1 (元旦 bridged to the weekend
 * before it: the package data has make-up workdays on 2006-12-30, 2007-12-29, 2011-12-31,
 * 2018-12-29 and 元旦 holidays from 2007-12-30, 2018-12-30, 2022-12-31). Dec 29 is the earliest
 * day such a bridge can reach (Jan 1 on a Tuesday, make-up on the Saturday before).
 */
export const DECEMBER_TAIL_FIRST_DAY = 29;

/** A holiday name as the notice gives it (国庆节, 春节 …); shown to citizens. */
const NameSchema = z.string().trim().min(1).max(40);

const IsoDateSchema = z
  .string()
  .refine((s) => tryParseIsoDate(s) !== undefined, { message: 'expected a real calendar date as YYYY-MM-DD' });

const SingleHolidaySchema = z.strictObject({ name: NameSchema, date: IsoDateSchema });
const HolidayRangeSchema = z.strictObject({ name: NameSchema, from: IsoDateSchema, to: IsoDateSchema });

const YearOverridesSchema = z.strictObject({
  /** Where the dates come from, e.g. the notice's title and document number (国办发明电〔2026〕N号). */
  source: z.string().trim().min(1),
  /** Days off (放假), one date or an inclusive range each; weekends inside the holiday may be listed. */
  holidays: z.array(z.union([SingleHolidaySchema, HolidayRangeSchema])).default([]),
  /** 调休 make-up working days (上班的周六/周日), with the holiday they make up for. */
  workdays: z.array(z.strictObject({ date: IsoDateSchema, name: NameSchema })).default([]),
});

/** One override entry after expansion of ranges. */
export interface OverrideDay {
  dayNumber: number;
  working: boolean;
  name: string;
  /** The notice year this entry belongs to (the `years` key). */
  noticeYear: number;
}

/** Validated overrides, ranges expanded. */
export interface NormalizedOverrides {
  /** Notice years listed in the file, ascending. */
  years: number[];
  /** Entries keyed by day number. */
  days: Map<number, OverrideDay>;
  /** Source note per notice year. */
  sources: Map<number, string>;
}

/** Longest holiday range accepted; the longest real one (2020 春节 extension included) is far shorter. */
const MAX_RANGE_DAYS = 31;

/** Schema of `config/calendar-overrides.json`. */
export const CalendarOverridesSchema = z
  .strictObject({
    $comment: z.string().optional(),
    years: z.record(z.string().regex(/^\d{4}$/, 'year keys are four-digit years'), YearOverridesSchema),
  })
  .transform((input, ctx): NormalizedOverrides => {
    const days = new Map<number, OverrideDay>();
    const sources = new Map<number, string>();
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });

    for (const [yearKey, block] of Object.entries(input.years)) {
      const noticeYear = Number(yearKey);
      sources.set(noticeYear, block.source);

      const add = (dayNumber: number, working: boolean, name: string, path: PropertyKey[]) => {
        const { year, month, day } = civilFromDayNumber(dayNumber);
        const inYear = year === noticeYear;
        const inPreviousTail = year === noticeYear - 1 && month === 12 && day >= DECEMBER_TAIL_FIRST_DAY;
        if (!inYear && !inPreviousTail) {
          issue(path, `date is outside ${noticeYear} (only Dec ${DECEMBER_TAIL_FIRST_DAY}-31 of the previous year may be listed)`);
          return;
        }
        if (working && !isWeekend(dayNumber)) {
          issue(path, 'a make-up working day (调休上班) must be a Saturday or Sunday');
          return;
        }
        const existing = days.get(dayNumber);
        if (existing) {
          issue(path, `date is listed twice (also in ${existing.noticeYear} as ${existing.working ? 'a workday' : 'a holiday'})`);
          return;
        }
        days.set(dayNumber, { dayNumber, working, name, noticeYear });
      };

      block.holidays.forEach((h, i) => {
        const path = ['years', yearKey, 'holidays', i];
        if ('date' in h) {
          add(tryParseIsoDate(h.date)!, false, h.name, path);
          return;
        }
        const from = tryParseIsoDate(h.from)!;
        const to = tryParseIsoDate(h.to)!;
        if (to < from) return issue(path, '`to` is before `from`');
        if (to - from + 1 > MAX_RANGE_DAYS) return issue(path, `a holiday range longer than ${MAX_RANGE_DAYS} days is surely a typo`);
        for (let d = from; d <= to; d++) add(d, false, h.name, path);
      });
      block.workdays.forEach((w, i) => add(tryParseIsoDate(w.date)!, true, w.name, ['years', yearKey, 'workdays', i]));
    }

    return { years: [...sources.keys()].sort((a, b) => a - b), days, sources };
  });

/** The file's input shape (what tests inject and what the JSON file holds). */
export type CalendarOverridesInput = z.input<typeof CalendarOverridesSchema>;

/** Raised when the overrides file is missing, not JSON or fails validation; lists every problem. */
export class CalendarConfigError extends Error {
  override readonly name = 'CalendarConfigError';
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(details.length ? `${message}:\n  - ${details.join('\n  - ')}` : message);
  }
}

/** Validates overrides given as data (already parsed JSON). */
export function parseCalendarOverrides(raw: unknown, origin = 'calendar overrides'): NormalizedOverrides {
  const result = CalendarOverridesSchema.safeParse(raw);
  if (!result.success) {
    throw new CalendarConfigError(
      `Invalid ${origin}`,
      result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`),
    );
  }
  return result.data;
}

/** Reads and validates the overrides file. */
export function loadCalendarOverrides(filePath: string): NormalizedOverrides {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    throw new CalendarConfigError(`Cannot read calendar overrides file ${filePath}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CalendarConfigError(`Calendar overrides file ${filePath} is not valid JSON: ${(err as Error).message}`);
  }
  return parseCalendarOverrides(raw, `calendar overrides file ${filePath}`);
}
