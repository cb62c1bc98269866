/**
 * Plain-language (Simplified Chinese) explanation of how a stored deadline was computed, built
 * only from the stored {@link Deadline} so it stays true to what was computed even after the
 * calendar changes.
 */
import type { Deadline } from './calendar';
import { civilFromDayNumber, toDayNumber, weekdayNameOf } from './calendar-dates';

function fullDate(dayNumber: number): string {
  const { year, month, day } = civilFromDayNumber(dayNumber);
  return `${year}年${month}月${day}日`;
}

/** Month and day, with the year only when it differs from the start date's year. */
function shortDate(dayNumber: number, startYear: number): string {
  const { year, month, day } = civilFromDayNumber(dayNumber);
  return year === startYear ? `${month}月${day}日` : `${year}年${month}月${day}日`;
}

interface HolidayRun {
  name: string;
  first: number;
  last: number;
}

/** Consecutive skipped holiday days of the same name, in order. */
function holidayRuns(deadline: Deadline): HolidayRun[] {
  const runs: HolidayRun[] = [];
  for (const s of deadline.skipped) {
    if (s.reason !== 'holiday') continue;
    const n = toDayNumber(s.date);
    const name = s.name ?? '节假日';
    const last = runs[runs.length - 1];
    if (last && last.name === name && last.last === n - 1) last.last = n;
    else runs.push({ name, first: n, last: n });
  }
  return runs;
}

const BASIS_NOTES: Record<Deadline['basis'], string> = {
  'chinese-days': '',
  override: '其中部分年份的节假日安排依据本地维护的国务院通知数据。',
  'weekends-only': '注意：期限涉及尚未公布节假日安排的年份，相关日期仅按周末推算，安排公布后期限可能调整。',
};

/**
 * E.g. "自2026年9月30日起算15个工作日（当日不计），跳过国庆节假期（10月1日至10月7日）及周末5天，
 * 10月10日（周六）调休上班，计入工作日，截止2026年10月27日（周二）。"
 */
export function explainDeadline(deadline: Deadline): string {
  const start = toDayNumber(deadline.startDate);
  const due = toDayNumber(deadline.dueDate);
  const startYear = civilFromDayNumber(start).year;
  const note = BASIS_NOTES[deadline.basis];

  if (deadline.workingDays === 0) {
    return `期限为当日，截止${fullDate(due)}（${weekdayNameOf(due)}）。${note}`;
  }

  const parts = [`自${fullDate(start)}起算${deadline.workingDays}个工作日（当日不计）`];

  const runs = holidayRuns(deadline).map((r) => {
    const span = r.first === r.last ? shortDate(r.first, startYear) : `${shortDate(r.first, startYear)}至${shortDate(r.last, startYear)}`;
    return `${r.name}假期（${span}）`;
  });
  const weekendDays = deadline.skipped.filter((s) => s.reason === 'weekend').length;
  if (runs.length > 0 && weekendDays > 0) parts.push(`跳过${runs.join('、')}及周末${weekendDays}天`);
  else if (runs.length > 0) parts.push(`跳过${runs.join('、')}`);
  else if (weekendDays > 0) parts.push(`跳过周末${weekendDays}天`);

  if (deadline.makeupWorkdays.length > 0) {
    const days = deadline.makeupWorkdays.map((d) => {
      const n = toDayNumber(d);
      return `${shortDate(n, startYear)}（${weekdayNameOf(n)}）`;
    });
    parts.push(`${days.join('、')}调休上班，计入工作日`);
  }

  parts.push(`截止${fullDate(due)}（${weekdayNameOf(due)}）`);
  return `${parts.join('，')}。${note}`;
}
