/** Staff account management (admin only). Own-account routes are in the auth module. */
import { z } from 'zod';
import {
  StaffCreateSchema,
  StaffListQuerySchema,
  StaffListResponseSchema,
  StaffPasswordResetSchema,
  StaffUpdateSchema,
  StaffViewSchema,
} from '../../../../shared/staff';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentStaff } from './staff.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });

export const staffRoutes = defineRouteModule({
  tag: 'staff',
  description: 'Staff accounts of the back office',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/admin/staff',
      summary: 'List staff accounts by username',
      auth: staffAuth('admin'),
      query: StaffListQuerySchema,
      response: StaffListResponseSchema,
      handler: async ({ actor, input, services }) => ({
        items: (await services.staff.listStaff(actor, input.query)).map(presentStaff),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/staff',
      summary: 'Create a staff account',
      description: 'Handlers (`handler`) must belong to a department.',
      auth: staffAuth('admin'),
      body: StaffCreateSchema,
      response: StaffViewSchema,
      status: 201,
      errors: ['username_taken'],
      handler: async ({ actor, input, services }) => presentStaff(await services.staff.createStaff(actor, input.body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/staff/:id',
      summary: 'Get a staff account',
      auth: staffAuth('admin'),
      params: IdParams,
      response: StaffViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentStaff(await services.staff.getStaff(actor, input.params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/admin/staff/:id',
      summary: 'Change name, role, department or active flag',
      description: 'Changing role, department or active flag ends the account’s sessions. The last active admin cannot be demoted or deactivated.',
      auth: staffAuth('admin'),
      params: IdParams,
      body: StaffUpdateSchema,
      response: StaffViewSchema,
      errors: ['not_found', 'last_admin'],
      handler: async ({ actor, input, services }) =>
        presentStaff(await services.staff.updateStaff(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/staff/:id/reset-password',
      summary: 'Set a new password for a staff account',
      description: 'Ends the account’s sessions and lifts a login lockout.',
      auth: staffAuth('admin'),
      params: IdParams,
      body: StaffPasswordResetSchema,
      response: StaffViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) =>
        presentStaff(await services.staff.resetPassword(actor, input.params.id, input.body.password)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/staff/:id/unlock',
      summary: 'Lift the login back-off of a staff account',
      description: 'Forgets the account’s failed logins from every address, so every address may try again at once. Audited.',
      auth: staffAuth('admin'),
      params: IdParams,
      response: StaffViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentStaff(await services.staff.unlockStaff(actor, input.params.id)),
    }),
  ],
});
