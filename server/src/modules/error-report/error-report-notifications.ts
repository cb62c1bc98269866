/**
 * What a reporter is told when the department replies: an in-app inbox entry always, and a WeChat
 * subscribe message when the template is configured (WECHAT_TEMPLATE_IDS `error_report_replied`)
 * and the citizen subscribed.
 *
 * Template layout (the field keys of the template chosen in the mini-program console,
 * 问题处理结果通知): character_string1 反映编号, thing2 问题类型, phrase3 处理结果, date4 答复时间,
 * thing5 温馨提示. Free-text fields are cut to WeChat's limits by the notification service;
 * result labels are at most 5 汉字 (a `phrase`).
 */
import { ERROR_REPORT_RESULT_LABELS, ERROR_REPORT_TYPE_LABELS } from '../../../../shared/error-reports';
import { toCstDate } from '../../lib/calendar';
import type { ErrorReportDoc, ErrorReportReplyDoc } from './error-report.model';

/** Our subscribe-message template key. */
export const ERROR_REPORT_REPLIED_TEMPLATE = 'error_report_replied';
/** Owner type of screenshots and inbox links. */
export const ERROR_REPORT_OWNER_TYPE = 'error_report';

/** The mini-program page showing one of the citizen's reports. */
export function errorReportPage(reportId: string): string {
  return `packages/error-report/pages/detail/index?id=${reportId}`;
}

/** Input of `services.notifications.notify` (its parameter type, kept structural here). */
export interface ErrorReportNotification {
  userId: string;
  kind: string;
  title: string;
  body: string;
  link: { type: string; id: string };
  subscribe: { template: string; data: Record<string, string | number>; page: string };
  dedupeKey: string;
}

/** The reply to `report` (a primary or one of its duplicates) reached its reporter. */
export function repliedNotification(report: Pick<ErrorReportDoc, '_id' | 'userId' | 'trackingNo' | 'errorType'>, reply: ErrorReportReplyDoc): ErrorReportNotification {
  const id = report._id.toHexString();
  const result = ERROR_REPORT_RESULT_LABELS[reply.result];
  const by = reply.departmentName ?? '相关部门';
  return {
    userId: report.userId.toHexString(),
    kind: 'error_report_replied',
    title: '您反映的网站问题已答复',
    body: `您反映的网站问题（编号${report.trackingNo}）已由${by}答复，处理结果：${result}。${reply.message}`,
    link: { type: ERROR_REPORT_OWNER_TYPE, id },
    subscribe: {
      template: ERROR_REPORT_REPLIED_TEMPLATE,
      data: {
        character_string1: report.trackingNo,
        thing2: ERROR_REPORT_TYPE_LABELS[report.errorType],
        phrase3: result,
        date4: toCstDate(reply.repliedAt),
        thing5: '请进入小程序查看答复详情',
      },
      page: errorReportPage(id),
    },
    dedupeKey: `error_report:${id}:replied`,
  };
}
