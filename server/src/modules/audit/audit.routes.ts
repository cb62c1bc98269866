/** Reading the audit log (admin only). */
import { AuditPageSchema, AuditQuerySchema } from '../../../../shared/audit';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentAuditEntry } from './audit.presenter';

export const auditRoutes = defineRouteModule({
  tag: 'audit',
  description: 'Audit log of staff actions, logins and reads of personal data',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/admin/audit',
      summary: 'List audit entries, newest first',
      description: 'Filters combine with AND. `from` is inclusive, `to` exclusive. Page with `nextCursor`.',
      auth: staffAuth('admin'),
      query: AuditQuerySchema,
      response: AuditPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.audit.listAudit(actor, input.query);
        return { items: page.entries.map(presentAuditEntry), nextCursor: page.nextCursor };
      },
    }),
  ],
});
