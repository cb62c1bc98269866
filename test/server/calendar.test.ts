/**
 * Working-day calendar on real dates. Expected values are derived by hand from the State Council
 * notice for 2026 (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04), which the package data
 * was checked against: 元旦 Jan 1-3 (Jan 4 Sun 上班); 春节 Feb 15-23 (Feb 14 Sat, Feb 28 Sat 上班);
 * 清明 Apr 4-6; 劳动节 May 1-5 (May 9 Sat 上班); 端午 Jun 19-21; 中秋 Sep 25-27;
 * 国庆节 Oct 1-7 (Sep 20 Sun, Oct 10 Sat 上班).
 */
import chineseDaysPackageJson from 'chinese-days/package.json';
import {
  CalendarConfigError,
  addWorkingDays,
  calendarVersion,
  coveredYears,
  createWorkingCalendar,
  dayInfo,
  explainDeadline,
  isWorkingDay,
  recomputeDeadline,
  workingDaysBetween,
  type CalendarOverridesInput,
  type Deadline,
} from '../../server/src/lib/calendar';

const PACKAGE_VERSION: string = chineseDaysPackageJson.version;

function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A made-up 2027 arrangement for injection tests; NOT the real 2027 notice (unpublished). */
const FICTIONAL_2027: CalendarOverridesInput = {
  years: {
    '2027': {
      source: 'test fixture, not a real notice',
      holidays: [
        { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
        { name: '国庆节', from: '2027-10-01', to: '2027-10-07' },
      ],
      workdays: [{ date: '2027-10-09', name: '国庆节' }],
    },
  },
};

describe('2026 holiday data (package checked against the State Council notice)', () => {
  const holidays: Array<[string, string, string]> = [
    ['元旦', '2026-01-01', '2026-01-03'],
    ['春节', '2026-02-15', '2026-02-23'],
    ['清明', '2026-04-04', '2026-04-06'],
    ['劳动节', '2026-05-01', '2026-05-05'],
    ['端午', '2026-06-19', '2026-06-21'],
    ['中秋', '2026-09-25', '2026-09-27'],
    ['国庆节', '2026-10-01', '2026-10-07'],
  ];

  it.each(holidays)('gives every day of %s (%s to %s) off', (name, from, to) => {
    for (const date of dateRange(from, to)) {
      expect(dayInfo(date)).toEqual({ date, working: false, kind: 'holiday', name, basis: 'chinese-days' });
      expect(isWorkingDay(date)).toBe(false);
    }
  });

  it.each([
    ['2026-01-04', '元旦'],
    ['2026-02-14', '春节'],
    ['2026-02-28', '春节'],
    ['2026-05-09', '劳动节'],
    ['2026-09-20', '国庆节'],
    ['2026-10-10', '国庆节'],
  ])('counts the 调休 weekend day %s (%s) as a working day', (date, name) => {
    expect(dayInfo(date)).toEqual({ date, working: true, kind: 'makeup-workday', name, basis: 'chinese-days' });
  });

  it('treats the weekdays right after the holidays and ordinary weekends normally', () => {
    expect(dayInfo('2026-10-08')).toMatchObject({ working: true, kind: 'workday' });
    expect(dayInfo('2026-02-24')).toMatchObject({ working: true, kind: 'workday' });
    expect(dayInfo('2026-10-11')).toMatchObject({ working: false, kind: 'weekend' });
    expect(dayInfo('2026-03-07')).toMatchObject({ working: false, kind: 'weekend' });
  });

  it('knows historical special cases (2020 春节 extension, 2019 元旦 bridged into December 2018)', () => {
    expect(dayInfo('2020-01-31')).toMatchObject({ working: false, kind: 'holiday', name: '春节' });
    expect(dayInfo('2018-12-29')).toMatchObject({ working: true, kind: 'makeup-workday', name: '元旦' });
    expect(dayInfo('2018-12-31')).toMatchObject({ working: false, kind: 'holiday', name: '元旦' });
  });

  it('reports the years it covers and a version naming the package', () => {
    const years = coveredYears();
    for (let y = 2004; y <= 2026; y++) expect(years).toContain(y);
    expect(calendarVersion()).toMatch(new RegExp(`^chinese-days@${PACKAGE_VERSION.replace(/\./g, '\\.')}`));
  });
});

describe('addWorkingDays', () => {
  it('counts 15 working days across 国庆 2026, skipping Oct 1-7 and counting Sat Oct 10', () => {
    // Oct 8 (1), Oct 9 (2), Sat Oct 10 (3), Oct 12-16 (4-8), Oct 19-23 (9-13), Oct 26 (14), Oct 27 (15)
    const d = addWorkingDays('2026-09-30', 15);
    expect(d).toEqual<Deadline>({
      dueAt: new Date('2026-10-27T15:59:59.999Z'),
      workingDays: 15,
      startDate: '2026-09-30',
      dueDate: '2026-10-27',
      skipped: [
        ...dateRange('2026-10-01', '2026-10-07').map((date) => ({ date, reason: 'holiday' as const, name: '国庆节' })),
        { date: '2026-10-11', reason: 'weekend' },
        { date: '2026-10-17', reason: 'weekend' },
        { date: '2026-10-18', reason: 'weekend' },
        { date: '2026-10-24', reason: 'weekend' },
        { date: '2026-10-25', reason: 'weekend' },
      ],
      makeupWorkdays: ['2026-10-10'],
      basis: 'chinese-days',
      calendarVersion: calendarVersion(),
    });
  });

  it('counts a 20-working-day window over 中秋 and 国庆 with both 调休 days (Sun Sep 20, Sat Oct 10)', () => {
    // Fri Sep 18: Sun Sep 20 (1), Sep 21-24 (2-5), 中秋 25-27, Sep 28-30 (6-8), 国庆 Oct 1-7,
    // Oct 8-10 (9-11), Oct 12-16 (12-16), Oct 19-22 (17-20)
    const d = addWorkingDays('2026-09-18', 20);
    expect(d.dueDate).toBe('2026-10-22');
    expect(d.makeupWorkdays).toEqual(['2026-09-20', '2026-10-10']);
    expect(d.skipped.filter((s) => s.reason === 'holiday').map((s) => s.name)).toEqual([
      ...Array(3).fill('中秋'),
      ...Array(7).fill('国庆节'),
    ]);
    expect(d.skipped.filter((s) => s.reason === 'weekend').map((s) => s.date)).toEqual([
      '2026-09-19',
      '2026-10-11',
      '2026-10-17',
      '2026-10-18',
    ]);
  });

  it('counts a 20-working-day window over Spring Festival 2026 with Sat Feb 14 and Sat Feb 28', () => {
    // Thu Feb 12: Feb 13 (1), Sat Feb 14 (2), 春节 15-23, Feb 24-27 (3-6), Sat Feb 28 (7),
    // Mar 2-6 (8-12), Mar 9-13 (13-17), Mar 16-18 (18-20)
    const d = addWorkingDays('2026-02-12', 20);
    expect(d.dueDate).toBe('2026-03-18');
    expect(d.dueAt.toISOString()).toBe('2026-03-18T15:59:59.999Z');
    expect(d.makeupWorkdays).toEqual(['2026-02-14', '2026-02-28']);
    expect(d.skipped.filter((s) => s.reason === 'holiday')).toHaveLength(9);
    expect(d.skipped.map((s) => s.date)).toContain('2026-03-01');
  });

  it('makes a Friday receipt + 1 working day the next working Monday', () => {
    expect(addWorkingDays('2026-03-06', 1)).toMatchObject({
      dueDate: '2026-03-09',
      skipped: [
        { date: '2026-03-07', reason: 'weekend' },
        { date: '2026-03-08', reason: 'weekend' },
      ],
    });
  });

  it('makes a Friday receipt before 清明 + 1 the Tuesday after it', () => {
    const d = addWorkingDays('2026-04-03', 1);
    expect(d.dueDate).toBe('2026-04-07');
    expect(d.skipped).toEqual(dateRange('2026-04-04', '2026-04-06').map((date) => ({ date, reason: 'holiday', name: '清明' })));
  });

  it('makes a Friday receipt before 春节 + 1 the 调休 Saturday Feb 14', () => {
    expect(addWorkingDays('2026-02-13', 1)).toMatchObject({ dueDate: '2026-02-14', skipped: [], makeupWorkdays: ['2026-02-14'] });
    expect(addWorkingDays('2026-02-13', 3).dueDate).toBe('2026-02-25');
  });

  it('counts from the first working day after a receipt on a holiday', () => {
    expect(addWorkingDays('2026-10-03', 1).dueDate).toBe('2026-10-08');
    expect(addWorkingDays('2026-10-03', 3)).toMatchObject({ dueDate: '2026-10-10', makeupWorkdays: ['2026-10-10'] });
    // 劳动节: May 6 (1), 7 (2), 8 (3), Sat May 9 (4)
    expect(addWorkingDays('2026-05-02', 4)).toMatchObject({ dueDate: '2026-05-09', makeupWorkdays: ['2026-05-09'] });
  });

  it('treats 0 working days as the end of the start date itself', () => {
    const d = addWorkingDays('2026-10-03', 0);
    expect(d).toMatchObject({ startDate: '2026-10-03', dueDate: '2026-10-03', skipped: [], makeupWorkdays: [] });
    expect(d.dueAt.toISOString()).toBe('2026-10-03T15:59:59.999Z');
  });

  it('rejects a negative, fractional or absurd number of days and invalid dates', () => {
    expect(() => addWorkingDays('2026-03-02', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', 1001)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-3-2', 1)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date('not a date'), 1)).toThrow(RangeError);
  });
});

describe('China Standard Time', () => {
  it('maps 2026-09-30T17:00:00Z to Oct 1 (a holiday) and 15:59:59.999Z to Sep 30', () => {
    expect(isWorkingDay(new Date('2026-09-30T17:00:00Z'))).toBe(false);
    expect(dayInfo(new Date('2026-09-30T17:00:00Z'))).toMatchObject({ date: '2026-10-01', kind: 'holiday', name: '国庆节' });
    expect(isWorkingDay(new Date('2026-09-30T15:59:59.999Z'))).toBe(true);
    expect(addWorkingDays(new Date('2026-09-30T17:00:00Z'), 1).startDate).toBe('2026-10-01');
  });

  it('starts the count from the CST date of an instant, not the UTC date', () => {
    // Thu Mar 5 16:30 UTC is Fri Mar 6 00:30 CST, so + 1 is Monday, not Friday.
    expect(addWorkingDays(new Date('2026-03-05T16:30:00Z'), 1)).toMatchObject({ startDate: '2026-03-06', dueDate: '2026-03-09' });
    expect(workingDaysBetween(new Date('2026-03-05T15:00:00Z'), new Date('2026-03-05T16:30:00Z'))).toBe(1);
  });

  it('gives the same answers whatever the server time zone is', () => {
    const saved = process.env.TZ;
    const instant = new Date('2026-09-30T17:00:00Z');
    try {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = tz;
        expect(dayInfo(instant).date).toBe('2026-10-01');
        const d = addWorkingDays(instant, 1);
        expect(d.dueDate).toBe('2026-10-08');
        expect(d.dueAt.toISOString()).toBe('2026-10-08T15:59:59.999Z');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after the first date up to and including the second, across holidays', () => {
    expect(workingDaysBetween('2026-09-30', '2026-10-27')).toBe(15);
    expect(workingDaysBetween('2026-09-30', '2026-10-08')).toBe(1);
    expect(workingDaysBetween('2026-10-01', '2026-10-07')).toBe(0);
    // Feb 14 (Sat, 调休), Feb 24-27, Feb 28 (Sat, 调休)
    expect(workingDaysBetween('2026-02-13', '2026-02-28')).toBe(6);
  });

  it('is 0 on the same date and antisymmetric when the dates are swapped', () => {
    expect(workingDaysBetween('2026-10-08', new Date('2026-10-08T09:00:00+08:00'))).toBe(0);
    expect(workingDaysBetween('2026-10-27', '2026-09-30')).toBe(-15);
    // Overdue by one working day the day after a Tuesday deadline.
    expect(workingDaysBetween('2026-10-28', '2026-10-27')).toBe(-1);
  });

  it('agrees with addWorkingDays', () => {
    for (const start of ['2026-01-30', '2026-02-12', '2026-04-30', '2026-06-18', '2026-09-18', '2026-09-30']) {
      for (const n of [1, 2, 3, 7, 15, 20]) {
        expect(workingDaysBetween(start, addWorkingDays(start, n).dueDate)).toBe(n);
      }
    }
  });
});

describe('years without holiday data', () => {
  it('counts weekends only, flags the result and warns once per year', () => {
    const warnings: number[] = [];
    const cal = createWorkingCalendar({ overrides: { years: {} }, onUncoveredYear: (y) => warnings.push(y) });
    // Thu 2027-09-30: Fri Oct 1 is counted, as nothing is known about 国庆 2027.
    const d = cal.addWorkingDays('2027-09-30', 5);
    expect(d).toMatchObject({ dueDate: '2027-10-07', basis: 'weekends-only' });
    expect(d.skipped).toEqual([
      { date: '2027-10-02', reason: 'weekend' },
      { date: '2027-10-03', reason: 'weekend' },
    ]);
    cal.addWorkingDays('2027-03-01', 3);
    cal.workingDaysBetween('2027-01-01', '2027-12-28');
    expect(warnings).toEqual([2027]);
    expect(cal.coveredYears()).not.toContain(2027);
  });

  it("flags the last days of December when next year's notice (which may bridge 元旦) is missing", () => {
    const warnings: number[] = [];
    const cal = createWorkingCalendar({ overrides: { years: {} }, onUncoveredYear: (y) => warnings.push(y) });
    expect(cal.addWorkingDays('2026-12-21', 1)).toMatchObject({ dueDate: '2026-12-22', basis: 'chinese-days' });
    expect(warnings).toEqual([]);
    expect(cal.addWorkingDays('2026-12-28', 1)).toMatchObject({ dueDate: '2026-12-29', basis: 'weekends-only' });
    expect(warnings).toEqual([2027]);
  });

  it('uses injected overrides for a year the package lacks', () => {
    const warnings: number[] = [];
    const cal = createWorkingCalendar({ overrides: FICTIONAL_2027, onUncoveredYear: (y) => warnings.push(y) });
    // 国庆 Oct 1-7, Fri Oct 8 (1), Sat Oct 9 调休 (2), Oct 11-13 (3-5)
    const d = cal.addWorkingDays('2027-09-30', 5);
    expect(d).toMatchObject({ dueDate: '2027-10-13', basis: 'override', makeupWorkdays: ['2027-10-09'] });
    expect(d.skipped.filter((s) => s.reason === 'holiday').map((s) => s.date)).toEqual(dateRange('2027-10-01', '2027-10-07'));
    expect(cal.dayInfo('2027-10-09')).toMatchObject({ kind: 'makeup-workday', name: '国庆节', basis: 'override' });
    expect(cal.coveredYears()).toContain(2027);
    expect(cal.overrideSource(2027)).toBe('test fixture, not a real notice');
    expect(warnings).toEqual([]);
    expect(cal.calendarVersion()).toMatch(/^chinese-days@[\d.]+\+overrides\.[0-9a-f]{12}$/);
  });

  it('lets an override win over the package for the dates it lists only', () => {
    const cal = createWorkingCalendar({
      overrides: { years: { '2026': { source: 'test fixture', holidays: [{ name: '国庆节', date: '2026-10-08' }] } } },
    });
    expect(cal.addWorkingDays('2026-09-30', 1)).toMatchObject({ dueDate: '2026-10-09', basis: 'override' });
    expect(cal.dayInfo('2026-10-01')).toMatchObject({ kind: 'holiday', name: '国庆节' });
    expect(cal.dayInfo('2026-10-10')).toMatchObject({ kind: 'makeup-workday' });
    expect(cal.addWorkingDays('2025-03-03', 1).basis).toBe('chinese-days');
  });

  it('recomputes a stored deadline when the calendar changes', () => {
    const before = createWorkingCalendar({ overrides: { years: {} }, onUncoveredYear: () => undefined });
    const after = createWorkingCalendar({ overrides: FICTIONAL_2027 });
    const stored: Deadline = JSON.parse(JSON.stringify(before.addWorkingDays('2027-09-30', 5)));
    expect(stored.dueDate).toBe('2027-10-07');
    expect(after.needsRecompute(stored)).toBe(true);
    expect(before.needsRecompute(stored)).toBe(false);
    const fresh = after.recomputeDeadline(stored);
    expect(fresh).toMatchObject({ startDate: '2027-09-30', workingDays: 5, dueDate: '2027-10-13', basis: 'override' });
    expect(fresh.calendarVersion).not.toBe(stored.calendarVersion);
  });

  it('recomputes to the same deadline on an unchanged calendar', () => {
    const stored: Deadline = JSON.parse(JSON.stringify(addWorkingDays('2026-09-30', 15)));
    const again = recomputeDeadline(stored);
    expect(again.dueDate).toBe(stored.dueDate);
    expect(again.calendarVersion).toBe(stored.calendarVersion);
  });
});

describe('overrides validation', () => {
  it('reports every problem in a bad overrides file at once', () => {
    let error: unknown;
    try {
      createWorkingCalendar({
        overrides: {
          years: {
            '2027': {
              source: '',
              holidays: [
                { name: '元旦', from: '2027-01-03', to: '2027-01-01' },
                { name: '春节', date: '2027-02-30' },
                { name: '国庆节', date: '2028-10-01' },
              ],
              workdays: [{ date: '2027-10-08', name: '国庆节' }],
            },
          },
        },
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CalendarConfigError);
    const details = (error as CalendarConfigError).details.join('\n');
    expect(details).toMatch(/years\.2027\.source/);
    expect(details).toMatch(/years\.2027\.holidays\.1\.date: expected a real calendar date/);
    // Structural errors stop zod before the cross-field checks; those are covered below.
  });

  it('rejects reversed ranges, dates outside the year, weekday make-up days and duplicates', () => {
    expect(() =>
      createWorkingCalendar({
        overrides: {
          years: {
            '2027': {
              source: 'test',
              holidays: [
                { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
                { name: '春节', from: '2027-02-10', to: '2027-02-05' },
                { name: '国庆节', date: '2028-10-01' },
                { name: '国庆节', date: '2027-01-02' },
              ],
              workdays: [{ date: '2027-10-08', name: '国庆节' }],
            },
          },
        },
      }),
    ).toThrow(
      expect.objectContaining({
        details: [
          'years.2027.holidays.1: `to` is before `from`',
          'years.2027.holidays.2: date is outside 2027 (only Dec 29-31 of the previous year may be listed)',
          'years.2027.holidays.3: date is listed twice (also in 2027 as a holiday)',
          'years.2027.workdays.0: a make-up working day (调休上班) must be a Saturday or Sunday',
        ],
      }),
    );
  });

  it('rejects a new year that lacks 元旦, which means an incomplete or mis-keyed notice', () => {
    expect(() =>
      createWorkingCalendar({
        overrides: { years: { '2027': { source: 'test', holidays: [{ name: '国庆节', from: '2027-10-01', to: '2027-10-07' }] } } },
      }),
    ).toThrow(/does not list 元旦 \(2027-01-01\)/);
  });

  it("accepts next year's 元旦 bridged into Dec 29-31 in that year's block, but no earlier day", () => {
    const bridged = (holidays: Array<{ name: string; date: string } | { name: string; from: string; to: string }>) =>
      createWorkingCalendar({ overrides: { years: { '2027': { source: 'test fixture', holidays } } } });
    const cal = bridged([{ name: '元旦', from: '2026-12-31', to: '2027-01-03' }]);
    expect(cal.dayInfo('2026-12-31')).toMatchObject({ kind: 'holiday', name: '元旦', basis: 'override' });
    expect(cal.addWorkingDays('2026-12-30', 1)).toMatchObject({ dueDate: '2027-01-04', basis: 'override' });
    expect(() => bridged([{ name: '元旦', from: '2026-12-28', to: '2027-01-03' }])).toThrow(/date is outside 2027/);
  });

  it('loads the real overrides file', () => {
    const cal = createWorkingCalendar();
    expect(cal.coveredYears()).toEqual(expect.arrayContaining([2024, 2025, 2026]));
  });

  it('fails clearly when the overrides file is missing', () => {
    expect(() => createWorkingCalendar({ overridesPath: '/nonexistent/calendar-overrides.json' })).toThrow(CalendarConfigError);
  });
});

describe('explainDeadline', () => {
  it('explains a deadline across 国庆 with the holiday name, the 调休 Saturday and the due date', () => {
    expect(explainDeadline(addWorkingDays('2026-09-30', 15))).toBe(
      '自2026年9月30日起算15个工作日（当日不计），跳过国庆节假期（10月1日至10月7日）及周末5天，' +
        '10月10日（周六）调休上班，计入工作日，截止2026年10月27日（周二）。',
    );
  });

  it('lists several holidays and 调休 days, and writes the year when it changes', () => {
    const text = explainDeadline(addWorkingDays('2026-09-18', 20));
    expect(text).toContain('跳过中秋假期（9月25日至9月27日）、国庆节假期（10月1日至10月7日）及周末4天');
    expect(text).toContain('9月20日（周日）、10月10日（周六）调休上班');
    // Wed 2025-12-31 (1), 元旦 Jan 1-3, Sun Jan 4 调休 (2), Mon Jan 5 (3)
    const acrossYear = explainDeadline(addWorkingDays('2025-12-30', 3));
    expect(acrossYear).toBe(
      '自2025年12月30日起算3个工作日（当日不计），跳过元旦假期（2026年1月1日至2026年1月3日），' +
        '2026年1月4日（周日）调休上班，计入工作日，截止2026年1月5日（周一）。',
    );
  });

  it('warns in the text when the deadline rests on weekends only', () => {
    const cal = createWorkingCalendar({ overrides: { years: {} }, onUncoveredYear: () => undefined });
    const text = explainDeadline(cal.addWorkingDays('2027-09-30', 5));
    expect(text).toContain('截止2027年10月7日（周四）');
    expect(text).toContain('仅按周末推算');
  });

  it('explains a same-day deadline and one on override data', () => {
    expect(explainDeadline(addWorkingDays('2026-03-04', 0))).toBe('期限为当日，截止2026年3月4日（周三）。');
    const cal = createWorkingCalendar({ overrides: FICTIONAL_2027 });
    expect(explainDeadline(cal.addWorkingDays('2027-09-30', 5))).toContain('本地维护');
  });
});
