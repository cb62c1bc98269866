/**
 * Applies a route's rate limits (see RateLimitOptions in lib/route.ts): per account and per IP,
 * counted in MongoDB so all instances share them. Runs after authentication, so signed-in users
 * are counted per account as well as per IP.
 */
import type { AppMiddleware } from '../lib/http';
import type { RateLimitOptions } from '../lib/route';
import type { Services } from '../services';

export function rateLimit(options: RateLimitOptions, services: Services): AppMiddleware {
  return async (ctx, next) => {
    const actor = ctx.state.actor ?? { kind: 'anonymous' as const, ip: ctx.ip, requestId: ctx.state.requestId };
    await services.rateLimits.checkRequest(actor, options);
    await next();
  };
}
