/**
 * Applies a route's rate limits (see RateLimitOptions in lib/route.ts): per account and per IP,
 * counted in MongoDB so all instances share them. Runs after authentication, so signed-in users
 * are counted per account as well as per IP.
 */
import type { AppMiddleware } from '../lib/http';
import type { PublicReadLimitOptions, RateLimitOptions } from '../lib/route';
import type { Services } from '../services';

export function rateLimit(options: RateLimitOptions, services: Services): AppMiddleware {
  return async (ctx, next) => {
    const actor = ctx.state.actor ?? { kind: 'anonymous' as const, ip: ctx.ip, requestId: ctx.state.requestId };
    await services.rateLimits.checkRequest(actor, options);
    await next();
  };
}

/**
 * Applies a public read route's limit per client IP (ADR 091). Mounted after the public
 * micro-cache, so only requests that reach the handler are counted; a request with one of the
 * route's search parameters also counts in the tighter search bucket.
 */
export function publicReadLimit(options: PublicReadLimitOptions, services: Services): AppMiddleware {
  return async (ctx, next) => {
    const search = (options.searchParams ?? []).some((p) => {
      const v = ctx.query[p];
      return (Array.isArray(v) ? v.join('') : (v ?? '')).trim() !== '';
    });
    await services.rateLimits.checkPublicRead(ctx.ip, { search });
    await next();
  };
}
