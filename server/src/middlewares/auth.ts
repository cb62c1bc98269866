/**
 * Authentication and role checks for one route. Reads `Authorization: Bearer <token>`, resolves
 * it to an actor (every token is checked against its account on every request, so deactivation,
 * password changes, sign-out everywhere and blocking take effect at once), and enforces the
 * route's `auth`: no or bad token → 401 `unauthorized`; a blocked citizen → 403 `user_blocked`;
 * a valid token of the wrong kind or role → 403 `forbidden`. Public routes accept requests
 * without a token, refuse a bad one (401) and serve a blocked citizen as anonymous.
 */
import type { Actor, RequestOrigin } from '../lib/actor';
import { AppError, forbidden, unauthorized } from '../lib/errors';
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

/**
 * The actor of a token, null for a bad one. A blocked citizen reads public routes as anyone, is
 * told `user_blocked` on routes citizens may call, and is simply `forbidden` on staff routes.
 */
async function resolve(auth: RouteAuth, services: Services, token: string, origin: RequestOrigin): Promise<Actor | null> {
  try {
    return await services.auth.resolveToken(token, origin);
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'user_blocked')) throw err;
    if (auth === 'public') return { kind: 'anonymous', ...origin };
    if (typeof auth === 'object') throw forbidden();
    throw err;
  }
}

export function authenticate(auth: RouteAuth, services: Services): AppMiddleware {
  return async (ctx, next) => {
    const origin = { ip: ctx.ip, requestId: ctx.state.requestId };
    const token = bearerToken(ctx.get('authorization') || undefined);
    const resolved = token === undefined ? null : await resolve(auth, services, token, origin);
    // A token that was sent must be good, on public routes too: the client learns at once that
    // its session ended (and the mini-program signs in again or retries without it).
    if (resolved === null && (token !== undefined || auth !== 'public')) throw unauthorized();
    const actor: Actor = resolved ?? { kind: 'anonymous', ...origin };
    if (!isAllowed(auth, actor)) throw forbidden();
    ctx.state.actor = actor;
    await next();
  };
}
