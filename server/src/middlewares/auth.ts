/**
 * Authentication and role checks for one route. Reads `Authorization: Bearer <token>`, resolves
 * it to an actor (staff tokens are checked against the account on every request, so
 * deactivation and password changes take effect at once), and enforces the route's `auth`:
 * no or bad token → 401 `unauthorized`; a valid token of the wrong kind or role → 403 `forbidden`.
 * Public routes accept requests without a token and ignore a bad one.
 */
import type { Actor } from '../lib/actor';
import { forbidden, unauthorized } from '../lib/errors';
import type { AppMiddleware } from '../lib/http';
import type { RouteAuth } from '../lib/route';
import type { Services } from '../services';

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** True when `actor` satisfies `auth`. */
export function isAllowed(auth: RouteAuth, actor: Actor): boolean {
  if (auth === 'public') return true;
  if (auth === 'citizen') return actor.kind === 'citizen';
  if (auth === 'signedIn') return actor.kind === 'citizen' || actor.kind === 'staff';
  return actor.kind === 'staff' && (auth.staff.length === 0 || auth.staff.includes(actor.role));
}

export function authenticate(auth: RouteAuth, services: Services): AppMiddleware {
  return async (ctx, next) => {
    const origin = { ip: ctx.ip, requestId: ctx.state.requestId };
    const token = bearerToken(ctx.get('authorization') || undefined);
    const resolved = token === undefined ? null : await services.auth.resolveToken(token, origin);
    if (auth !== 'public' && resolved === null) throw unauthorized();
    const actor: Actor = resolved ?? { kind: 'anonymous', ...origin };
    if (!isAllowed(auth, actor)) throw forbidden();
    ctx.state.actor = actor;
    await next();
  };
}
