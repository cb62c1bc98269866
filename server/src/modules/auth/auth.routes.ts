/** Sign-in for citizens (WeChat) and staff (password), and the staff member's own account. */
import { CitizenLoginResponseSchema, CitizenLoginSchema } from '../../../../shared/auth';
import {
  StaffLoginResponseSchema,
  StaffLoginSchema,
  StaffPasswordChangeSchema,
  StaffViewSchema,
} from '../../../../shared/staff';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentStaff } from '../staff/staff.presenter';
import { presentCitizen } from '../user/user.presenter';
import type { StaffSession } from './auth.service';

function presentStaffSession(session: StaffSession) {
  return { token: session.token, expiresAt: session.expiresAt.toISOString(), staff: presentStaff(session.staff) };
}

export const authRoutes = defineRouteModule({
  tag: 'auth',
  description: 'Sign-in and tokens',
  routes: [
    defineRoute({
      method: 'post',
      path: '/api/auth/wechat',
      summary: 'Sign in a citizen with a wx.login code',
      description:
        'Exchanges the code through WeChat jscode2session and returns a citizen token. In the development dev-login mode, `dev:<name>` codes sign in a stable test user without WeChat.',
      auth: 'public',
      body: CitizenLoginSchema,
      response: CitizenLoginResponseSchema,
      errors: ['invalid_code', 'user_blocked', 'wechat_unavailable'],
      handler: async ({ actor, input, services }) => {
        const session = await services.auth.loginCitizen(actor, input.body);
        return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: presentCitizen(session.user) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout-all',
      summary: 'Sign the citizen out everywhere',
      description: 'Every token of the citizen, this one included, stops working at once (401); each device signs in again.',
      auth: 'citizen',
      handler: async ({ actor, services }) => {
        await services.users.signOutEverywhere(actor);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/auth/login',
      summary: 'Sign in a staff member',
      description:
        'Failures are counted per username and client address: after `LOGIN_MAX_FAILURES` of them that address waits before each further attempt, the wait doubling per failure (429 `rate_limited` with `retryAfter` seconds). Other addresses, the rightful user’s included, are not held back; an admin lifts the wait with `POST /api/admin/staff/{id}/unlock`.',
      auth: 'public',
      body: StaffLoginSchema,
      response: StaffLoginResponseSchema,
      errors: ['invalid_credentials', 'rate_limited'],
      handler: async ({ actor, input, services }) => presentStaffSession(await services.auth.loginStaff(actor, input.body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/auth/me',
      summary: 'The signed-in staff member',
      auth: staffAuth(),
      response: StaffViewSchema,
      handler: async ({ actor, services }) => presentStaff(await services.auth.currentStaff(actor)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/auth/password',
      summary: 'Change the signed-in staff member’s password',
      description: 'Returns a new token; every older token of the account stops working.',
      auth: staffAuth(),
      body: StaffPasswordChangeSchema,
      response: StaffLoginResponseSchema,
      errors: ['wrong_password'],
      handler: async ({ actor, input, services }) => presentStaffSession(await services.auth.changeOwnPassword(actor, input.body)),
    }),
  ],
});
