/** Citizens as the back office manages them (admin only): look one up, block, unblock. */
import { z } from 'zod';
import { CitizenAdminViewSchema, CitizenBlockSchema } from '../../../../shared/auth';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentCitizenForAdmin } from './user.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });

export const userRoutes = defineRouteModule({
  tag: 'users',
  description: 'Citizen accounts (sign-in and block state; never the openid)',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/admin/users/:id',
      summary: 'Get a citizen account',
      description: 'Citizen ids appear in the audit log (`actor.id` of citizen entries).',
      auth: staffAuth('admin'),
      params: IdParams,
      response: CitizenAdminViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentCitizenForAdmin(await services.users.getUser(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/users/:id/block',
      summary: 'Block a citizen',
      description: 'The citizen can no longer sign in, and every token they hold stops working at once (403 `user_blocked`). Audited with the reason.',
      auth: staffAuth('admin'),
      params: IdParams,
      body: CitizenBlockSchema,
      response: CitizenAdminViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentCitizenForAdmin(await services.users.blockUser(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/users/:id/unblock',
      summary: 'Lift a citizen’s block',
      description: 'The citizen may sign in again; tokens issued before the block stay invalid. Audited.',
      auth: staffAuth('admin'),
      params: IdParams,
      response: CitizenAdminViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentCitizenForAdmin(await services.users.unblockUser(actor, input.params.id)),
    }),
  ],
});
