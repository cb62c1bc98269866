/**
 * Maps each channel's own monthly figures onto the one row schema of the supervision statistics
 * (`StatsFigures` in shared/stats.ts). The channels define and count their figures themselves
 * (letter-stats.ts, error-report-stats.ts, consultation.service.ts, policy-stats.ts); here they
 * are only renamed, and the rates computed from the counts. A figure a channel does not have is
 * `null`, never a made-up 0.
 *
 * | row field          | 主任信箱                  | 找错                     | 意见征集                        | 政策解读                     |
 * | ------------------ | ------------------------- | ------------------------ | ------------------------------- | ---------------------------- |
 * | received           | received                  | received                 | opinionsReceived                | received                     |
 * | handled            | handled (replied+rejected)| handled (= replied)      | feedbackPublished               | handled                      |
 * | replied            | replied                   | replied                  | feedbackPublished               | handled                      |
 * | handledOnTime      | repliedOnTime             | repliedOnTime            | feedbackPublishedOnTime         | handledOnTime                |
 * | overdueNow         | overdueNow                | overdueNow               | feedbackOverdueNow              | overdueNow                   |
 * | averageWorkingDays | averageReplyWorkingDays   | averageReplyWorkingDays  | averageWorkingDaysToFeedback    | averageWorkingDaysToHandle   |
 * | rated, satisfied   | rated, satisfied          | null                     | null                            | null                         |
 *
 * `onTimeRate` = handledOnTime / replied (the mailbox's rejections have no reply deadline, so they
 * are handled but not part of the rate); `satisfactionRate` = satisfied / rated, recomputed from
 * the counts rather than taken from the mailbox's two-decimal rate so percentages keep one decimal.
 */
import type { StatsChannel, StatsFigures, StatsRowKind } from '../../../../shared/stats';
import type { ConsultationDepartmentMonth, ConsultationMonthlyStatistics } from '../consultation/consultation.service';
import type { ErrorReportFigures, ErrorReportMonthlyFigures } from '../error-report/error-report-stats';
import type { LetterFigures, LetterMonthlyFigures } from '../letter/letter-stats';
import type { PolicyFigures, PolicyMonthlyFigures } from '../policy/policy-stats';
import { roundTo } from '../../lib/numbers';

/** One department's (or the unassigned bucket's) figures of a channel. */
export interface ChannelDepartmentFigures {
  kind: Exclude<StatsRowKind, 'total'>;
  departmentId: string | null;
  departmentName: string | null;
  figures: StatsFigures;
}

/** One channel's figures for a month, on the shared row schema. */
export interface ChannelMonthFigures {
  channel: StatsChannel;
  /** Departments by name as the channel orders them, the unassigned bucket last. */
  departments: ChannelDepartmentFigures[];
  total: StatsFigures;
}

type Counts = Omit<StatsFigures, 'onTimeRate' | 'satisfactionRate'>;

/** `part / whole`, four decimals; null when either is unknown or the whole is 0. */
export function ratio(part: number | null, whole: number | null): number | null {
  return part === null || whole === null || whole === 0 ? null : roundTo(part / whole, 4);
}

/** The figures with their rates. */
export function withRates(c: Counts): StatsFigures {
  return { ...c, onTimeRate: ratio(c.handledOnTime, c.replied), satisfactionRate: ratio(c.satisfied, c.rated) };
}

function department(id: string | null, name: string | null, figures: StatsFigures): ChannelDepartmentFigures {
  return id === null ? { kind: 'unassigned', departmentId: null, departmentName: null, figures } : { kind: 'department', departmentId: id, departmentName: name, figures };
}

const letterFigures = (f: LetterFigures): StatsFigures =>
  withRates({
    received: f.received,
    handled: f.handled,
    replied: f.replied,
    handledOnTime: f.repliedOnTime,
    overdueNow: f.overdueNow,
    averageWorkingDays: f.averageReplyWorkingDays,
    rated: f.rated,
    satisfied: f.satisfied,
  });

/** 主任信箱: `services.letters.countsForMonth`. */
export function fromLetters(m: LetterMonthlyFigures): ChannelMonthFigures {
  return {
    channel: 'letters',
    departments: m.byDepartment.map((d) => department(d.departmentId, d.departmentName, letterFigures(d))),
    total: letterFigures(m.total),
  };
}

const errorReportFigures = (f: ErrorReportFigures): StatsFigures =>
  withRates({
    received: f.received,
    handled: f.handled,
    replied: f.replied,
    handledOnTime: f.repliedOnTime,
    overdueNow: f.overdueNow,
    averageWorkingDays: f.averageReplyWorkingDays,
    rated: null,
    satisfied: null,
  });

/** 我为政府网站找错: `services.errorReports.countsForMonth`. */
export function fromErrorReports(m: ErrorReportMonthlyFigures): ChannelMonthFigures {
  return {
    channel: 'error_reports',
    departments: m.byDepartment.map((d) => department(d.departmentId, d.departmentName, errorReportFigures(d))),
    total: errorReportFigures(m.total),
  };
}

const consultationFigures = (f: Omit<ConsultationDepartmentMonth, 'departmentId' | 'departmentName'>): StatsFigures =>
  withRates({
    received: f.opinionsReceived,
    handled: f.feedbackPublished,
    replied: f.feedbackPublished,
    handledOnTime: f.feedbackPublishedOnTime,
    overdueNow: f.feedbackOverdueNow,
    averageWorkingDays: f.averageWorkingDaysToFeedback,
    rated: null,
    satisfied: null,
  });

/** 意见征集: `services.consultations.monthlyStatistics`. */
export function fromConsultations(m: ConsultationMonthlyStatistics): ChannelMonthFigures {
  return {
    channel: 'consultations',
    departments: m.departments.map((d) => department(d.departmentId, d.departmentName, consultationFigures(d))),
    total: consultationFigures(m.totals),
  };
}

const policyFigures = (f: PolicyFigures): StatsFigures =>
  withRates({
    received: f.received,
    handled: f.handled,
    replied: f.handled,
    handledOnTime: f.handledOnTime,
    overdueNow: f.overdueNow,
    averageWorkingDays: f.averageWorkingDaysToHandle,
    rated: null,
    satisfied: null,
  });

/** 政策解读: `services.policies.countsForMonth`. */
export function fromPolicies(m: PolicyMonthlyFigures): ChannelMonthFigures {
  return {
    channel: 'policy_interpretations',
    departments: m.byDepartment.map((d) => department(d.departmentId, d.departmentName, policyFigures(d))),
    total: policyFigures(m.total),
  };
}
