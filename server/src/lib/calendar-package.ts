/**
 * Holiday and 调休 data from the `chinese-days` package.
 *
 * We read the package's published JSON (`dist/chinese-days.json`, documented in its README for
 * non-JS consumers) instead of calling `isWorkday()` per day: its date helper formats dates with
 * the server's local time zone, which shifts days on servers not running in UTC or UTC+8, and a
 * per-day call is slower than one map lookup. The JSON's shape is validated so that a package
 * upgrade that changes it fails at boot instead of silently yielding weekends-only deadlines.
 */
import chineseDaysJson from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackageJson from 'chinese-days/package.json';
import { z } from 'zod';
import { civilFromDayNumber, tryParseIsoDate } from './calendar-dates';

/** One day the package lists. */
export interface PackageDay {
  dayNumber: number;
  working: boolean;
  /** Chinese holiday name (国庆节, 春节, 中秋 …). */
  name: string;
}

/** What the calendar needs from the package. */
export interface PackageCalendarData {
  version: string;
  /** Years whose State Council notice the package includes, ascending. */
  years: number[];
  days: Map<number, PackageDay>;
}

// Values look like "National Day,国庆节,3": English name, Chinese name, statutory length.
const DayMapSchema = z.record(
  z.string().refine((s) => tryParseIsoDate(s) !== undefined, 'expected YYYY-MM-DD keys'),
  z.string().regex(/^[^,]*,[^,]+(,.*)?$/, 'expected "English,中文,..." values'),
);
const PackageJsonSchema = z.object({ holidays: DayMapSchema, workdays: DayMapSchema });
const PackageMetaSchema = z.object({ version: z.string().min(1) });

function chineseName(value: string): string {
  return value.split(',')[1].trim();
}

/** Loads and validates the package data (call once). */
export function loadPackageCalendarData(): PackageCalendarData {
  const raw: unknown = chineseDaysJson;
  const meta: unknown = chineseDaysPackageJson;
  const parsed = PackageJsonSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`chinese-days data has an unexpected shape: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const { version } = PackageMetaSchema.parse(meta);

  const days = new Map<number, PackageDay>();
  const years = new Set<number>();
  for (const [date, value] of Object.entries(parsed.data.holidays)) {
    const dayNumber = tryParseIsoDate(date)!;
    days.set(dayNumber, { dayNumber, working: false, name: chineseName(value) });
    const { year, month, day } = civilFromDayNumber(dayNumber);
    // Every notice gives 元旦 (Jan 1) off, so Jan 1 marks a year as covered; a late-December
    // entry alone only means the next year's 元旦 was bridged back into it.
    if (month === 1 && day === 1) years.add(year);
  }
  for (const [date, value] of Object.entries(parsed.data.workdays)) {
    const dayNumber = tryParseIsoDate(date)!;
    if (days.has(dayNumber)) throw new Error(`chinese-days lists ${date} both as a holiday and as a workday`);
    days.set(dayNumber, { dayNumber, working: true, name: chineseName(value) });
  }
  return { version, years: [...years].sort((a, b) => a - b), days };
}
