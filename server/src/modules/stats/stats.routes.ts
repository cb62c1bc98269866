/**
 * Supervision statistics (月度督查统计). Staff: the monthly table per channel and department, as
 * JSON or (`?format=csv`) as a CSV file; `admin`, `office` and `reviewer` see every row, a
 * `handler` only their own department's. Public: per channel totals of a complete month and the
 * year to date, with no departments and no personal data.
 */
import { Readable } from 'node:stream';
import { MonthlyStatsQuerySchema, MonthlyStatsSchema, PublicStatsQuerySchema, PublicStatsSchema } from '../../../../shared/stats';
import { attachmentDisposition, CSV_CONTENT_TYPE } from '../../lib/csv';
import { binaryResponse, defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentMonthlyStats, presentPublicStats } from './stats.presenter';

export const statsRoutes = defineRouteModule({
  tag: 'stats',
  description: '月度督查统计: monthly supervision figures of the mailbox, 找错 reports, consultations and policy interpretation',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/admin/stats/monthly',
      summary: 'Monthly figures per channel and department (JSON, or CSV with format=csv; audited)',
      description:
        'Default month: the current CST month; a later month is 400. Handlers get their own department\'s rows only ' +
        '(no unassigned bucket, no totals). `format=csv` answers a UTF-8 CSV with BOM and CRLF line ends for spreadsheets.',
      auth: staffAuth('admin', 'office', 'reviewer', 'handler'),
      query: MonthlyStatsQuerySchema,
      response: MonthlyStatsSchema,
      binaryResponse: { mediaTypes: ['text/csv'], description: 'With format=csv: 渠道, 部门, 收件数, … one line per row' },
      handler: async ({ actor, input, services }) => {
        if (input.query.format === 'json') return presentMonthlyStats(await services.stats.monthlyStatistics(actor, input.query));
        const { filename, content } = await services.stats.exportMonthlyCsv(actor, input.query);
        return binaryResponse({
          stream: Readable.from([content]),
          contentType: CSV_CONTENT_TYPE,
          contentLength: content.length,
          headers: { 'Content-Disposition': attachmentDisposition(filename), 'Cache-Control': 'no-store' },
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/stats/public',
      summary: 'Published figures per channel for a complete month and the year to date',
      description: 'Default month: the last complete CST month; the current month or later is 400. No departments, no personal data.',
      auth: 'public',
      publicCache: { maxAgeSeconds: 60 },
      query: PublicStatsQuerySchema,
      response: PublicStatsSchema,
      handler: async ({ actor, input, services }) => presentPublicStats(await services.stats.publicStatistics(actor, input.query)),
    }),
  ],
});
