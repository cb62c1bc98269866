/** 我为政府网站找错: citizens' reports (`/api/error-reports`) and their handling (`/api/admin/error-reports`). */
import { z } from 'zod';
import {
  AdminErrorReportDetailSchema,
  AdminErrorReportPageSchema,
  AdminErrorReportQuerySchema,
  AdminErrorReportSummarySchema,
  ErrorReportCreatedSchema,
  ErrorReportCreateSchema,
  ErrorReportFormOptionsSchema,
  ErrorReportForwardSchema,
  ErrorReportReplySchema,
  MyErrorReportDetailSchema,
  MyErrorReportPageSchema,
  MyErrorReportQuerySchema,
} from '../../../../shared/error-reports';
import { IdempotentCreateHeadersSchema } from '../../../../shared/idempotency';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth, withStatus } from '../../lib/route';
import {
  presentCreated,
  presentMyDetail,
  presentMySummary,
  presentStaffActionResult,
  presentStaffDetail,
  presentStaffSummary,
} from './error-report.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });

export const errorReportRoutes = defineRouteModule({
  tag: 'error-reports',
  description: '我为政府网站找错: website error reports, forwarded within 1 and replied within 3 working days of submission',
  routes: [
    defineRoute({
      method: 'post',
      path: '/api/error-reports',
      summary: 'Report an error on a government website',
      description:
        'Deadlines run from the submission: forward due 1 working day after it, reply due 3 working days after it ' +
        '(Chinese calendar, holidays and 调休 included), each with an explanation. A report on the same normalized URL ' +
        'and error type as an open report is linked to it (`linked: true`) and follows its state. Screenshots are ' +
        'image uploads (`POST /api/uploads`), at most 5. With an `Idempotency-Key` this citizen already sent with ' +
        'the same request, answers 200 with that report instead of creating another.',
      auth: 'citizen',
      headers: IdempotentCreateHeadersSchema,
      body: ErrorReportCreateSchema,
      response: ErrorReportCreatedSchema,
      status: 201,
      otherStatuses: [200],
      errors: ['invalid_attachment', 'idempotency_key_reused'],
      handler: async ({ actor, input, services }) => {
        const result = await services.errorReports.submitReport(actor, input.body, { idempotencyKey: input.headers['idempotency-key'] });
        const body = presentCreated(result.report);
        return result.created ? body : withStatus(200, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/error-reports/options',
      summary: 'The report form: error types with their labels, the bounds in force and the deadlines',
      auth: 'public',
      publicCache: { maxAgeSeconds: 60 },
      response: ErrorReportFormOptionsSchema,
      handler: ({ services }) => services.errorReports.formOptions(),
    }),
    defineRoute({
      method: 'get',
      path: '/api/error-reports/mine',
      summary: 'List my error reports, newest first',
      auth: 'citizen',
      query: MyErrorReportQuerySchema,
      response: MyErrorReportPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.errorReports.listMyReports(actor, input.query);
        return { items: page.reports.map(presentMySummary), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/error-reports/:id',
      summary: 'Get one of my error reports with its timeline, reply, deadlines and screenshots',
      auth: 'citizen',
      params: IdParams,
      response: MyErrorReportDetailSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentMyDetail(await services.errorReports.getMyReport(actor, input.params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/error-reports',
      summary: 'List error reports (handlers: those forwarded to their department)',
      description:
        '`overdue` is derived from the deadlines and the calendar at read time. `q` searches URL and description as plain text. ' +
        '`sort=dueAt` is the queue by deadline: open reports by the due date of their current step, earliest first, then ' +
        'replied and closed ones newest first. `total` counts every report matching the filters.',
      auth: staffAuth('office', 'handler'),
      query: AdminErrorReportQuerySchema,
      response: AdminErrorReportPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.errorReports.listReports(actor, input.query);
        return { items: page.reports.map((r) => presentStaffSummary(r, page.asOf)), nextCursor: page.nextCursor, total: page.total };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/error-reports/:id',
      summary: 'Get an error report with the reporter’s contact (the read is audited)',
      auth: staffAuth('office', 'handler'),
      params: IdParams,
      response: AdminErrorReportDetailSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentStaffDetail(await services.errorReports.getReport(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/error-reports/:id/forward',
      summary: 'Forward a submitted report to the department running the site',
      description: 'Due 1 working day after submission; forwarding later is allowed and recorded as late. Linked duplicates follow.',
      auth: staffAuth('office'),
      params: IdParams,
      body: ErrorReportForwardSchema,
      response: AdminErrorReportSummarySchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentStaffActionResult(await services.errorReports.forwardReport(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/error-reports/:id/reply',
      summary: 'Reply to a forwarded report (fixed, not an error, not our site)',
      description:
        'By a handler of the department it was forwarded to, or the office. Due 3 working days after submission. ' +
        'Linked duplicates follow and every reporter is notified (inbox and subscribe message `error_report_replied`).',
      auth: staffAuth('office', 'handler'),
      params: IdParams,
      body: ErrorReportReplySchema,
      response: AdminErrorReportSummarySchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentStaffActionResult(await services.errorReports.replyReport(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/error-reports/:id/close',
      summary: 'Close a replied report',
      auth: staffAuth('office'),
      params: IdParams,
      response: AdminErrorReportSummarySchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentStaffActionResult(await services.errorReports.closeReport(actor, input.params.id)),
    }),
  ],
});
