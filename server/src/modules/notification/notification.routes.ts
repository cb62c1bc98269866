/** The citizen's in-app inbox, and the subscribe-message outbox for staff. */
import { z } from 'zod';
import {
  AdminNotificationPageSchema,
  AdminNotificationQuerySchema,
  InboxItemSchema,
  InboxPageSchema,
  InboxQuerySchema,
  InboxReadAllResponseSchema,
} from '../../../../shared/notifications';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentInboxEntry, presentNotificationJob } from './notification.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });

export const notificationRoutes = defineRouteModule({
  tag: 'notifications',
  description: 'In-app inbox (站内消息) and WeChat subscribe-message delivery',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/inbox',
      summary: 'List my inbox, newest first, with the unread count',
      auth: 'citizen',
      query: InboxQuerySchema,
      response: InboxPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.notifications.listInbox(actor, input.query);
        return { items: page.entries.map(presentInboxEntry), nextCursor: page.nextCursor, unreadCount: page.unreadCount };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/inbox/read-all',
      summary: 'Mark every entry of my inbox read',
      auth: 'citizen',
      response: InboxReadAllResponseSchema,
      handler: async ({ actor, services }) => ({ marked: await services.notifications.markAllRead(actor), unreadCount: 0 }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/inbox/:id/read',
      summary: 'Mark one inbox entry read',
      description: 'Idempotent. Another citizen’s entry answers 404.',
      auth: 'citizen',
      params: IdParams,
      response: InboxItemSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentInboxEntry(await services.notifications.markRead(actor, input.params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/notifications',
      summary: 'List subscribe-message jobs (e.g. failed or refused sends), newest first',
      auth: staffAuth('admin', 'office'),
      query: AdminNotificationQuerySchema,
      response: AdminNotificationPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.notifications.listJobs(actor, input.query);
        return { items: page.jobs.map(presentNotificationJob), nextCursor: page.nextCursor };
      },
    }),
  ],
});
