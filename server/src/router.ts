/**
 * Mounts declared routes on a @koa/router: for each route, in order, authenticate → rate limit →
 * validate → handler → response schema; public cached reads validate → micro-cache (keyed on the
 * validated input) → authenticate → public read limit → handler. Handlers never see Koa's context.
 */
import Router from '@koa/router';
import type { Logger } from './lib/logger';
import { AppError } from './lib/errors';
import type { AppContext, AppMiddleware, AppState } from './lib/http';
import { openApiPath } from './lib/openapi';
import { isBinaryResponse, isStatusReply, type Route, type RouteModule, type ServedHook, type StreamedBody } from './lib/route';
import { authenticate } from './middlewares/auth';
import { canonicalKey, PublicResponseCache } from './middlewares/public-cache';
import { publicReadLimit, rateLimit } from './middlewares/rate-limit';
import { validate } from './middlewares/validate';
import type { Services } from './services';

/** Options of {@link buildRouter}. */
export interface BuildRouterOptions {
  services: Services;
  logger: Logger;
  /** Warn when a route returns an error code it did not declare (the OpenAPI document would be wrong). */
  checkDeclaredErrors: boolean;
  /** Upper bound of `publicCache` lifetimes (PUBLIC_CACHE_SECONDS); 0 turns the cache off. */
  publicCacheSeconds?: number;
  /** The micro-cache of public reads; app.ts passes its own to serve fresh hits in front of Koa. Default: a new one. */
  publicCache?: PublicResponseCache;
}

function handlerFor(route: Route, { services, logger, checkDeclaredErrors }: BuildRouterOptions) {
  return async (ctx: AppContext) => {
    const { actor, input } = ctx.state;
    if (!actor || !input) throw new Error('route middlewares did not run');
    let streamedBody: StreamedBody | undefined;
    if (route.streamedBody) {
      const declared = ctx.get('content-length');
      const length = Number(declared);
      streamedBody = {
        contentType: ctx.get('content-type'),
        contentLength: declared !== '' && Number.isSafeInteger(length) && length >= 0 ? length : null,
        stream: ctx.req,
      };
    }
    let result: unknown;
    try {
      result = await route.invoke({ input, actor, services, ...(streamedBody === undefined ? {} : { streamedBody }) });
    } catch (err) {
      if (checkDeclaredErrors && err instanceof AppError && !route.errors.includes(err.code)) {
        logger.warn({ route: `${route.method.toUpperCase()} ${route.path}`, code: err.code }, 'route returned an undeclared error code; add it to `errors`');
      }
      throw err;
    }
    let status = route.status;
    if (isStatusReply(result)) {
      if (!route.otherStatuses.includes(result.status)) {
        throw new Error(`${route.method.toUpperCase()} ${route.path} answered ${result.status}, which is not in its otherStatuses`);
      }
      status = result.status;
      result = result.body;
    }
    ctx.status = status;
    if (isBinaryResponse(result)) {
      if (!route.binaryResponse) throw new Error(`${route.method.toUpperCase()} ${route.path} answered with a stream but declares no binaryResponse`);
      for (const [name, value] of Object.entries(result.headers)) ctx.set(name, value);
      ctx.type = result.contentType;
      ctx.body = result.stream;
      // After the body: assigning a stream drops Content-Length.
      if (result.contentLength !== undefined) ctx.length = result.contentLength;
      return;
    }
    if (!route.schemas.response) {
      ctx.body = null;
      return;
    }
    // Parsing the result also drops fields the schema does not list, so internal fields never leak.
    const parsed = route.schemas.response.safeParse(result);
    if (!parsed.success) {
      throw new Error(`response of ${route.method.toUpperCase()} ${route.path} does not match its schema`, { cause: parsed.error });
    }
    ctx.body = parsed.data;
  };
}

/** Calls a route's {@link ServedHook} after each 200 answer, rendered or cached. */
function served(hook: ServedHook, services: Services): AppMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status === 200) hook({ params: ctx.params ?? {}, actor: ctx.state.actor ?? null, services });
  };
}

/** Builds the router with every route of every module. Duplicate method+path pairs are refused. */
export function buildRouter(modules: readonly RouteModule[], options: BuildRouterOptions): Router<AppState> {
  const router = new Router<AppState>();
  const seen = new Set<string>();
  const cache = options.publicCache ?? new PublicResponseCache();
  for (const module of modules) {
    for (const route of module.routes) {
      const key = `${route.method.toUpperCase()} ${openApiPath(route.path)}`;
      if (seen.has(key)) throw new Error(`route declared twice: ${key}`);
      seen.add(key);
      const chain = [];
      if (route.publicCache) {
        // Public cached reads validate first, so the cache is keyed on the normalised input (a
        // junk parameter is no new entry), and a cache hit costs neither a token check nor a
        // rate-limit counter (public routes never answer 401 anyway).
        chain.push(validate(route.schemas, { streamedBody: route.streamedBody !== undefined }));
        const seconds = Math.min(route.publicCache.maxAgeSeconds, options.publicCacheSeconds ?? 0);
        if (seconds > 0) {
          const onServed = route.onServed;
          chain.push(
            cache.middleware(
              seconds * 1000,
              (ctx) => canonicalKey(key, ctx.state.input ?? { params: null, query: null }),
              // What `served` below does for an anonymous hit, for hits answered in front of Koa.
              onServed ? (params) => onServed({ params, actor: null, services: options.services }) : undefined,
            ),
          );
        }
      }
      chain.push(authenticate(route.auth, options.services));
      // Outermost, so cache hits are counted too.
      if (route.onServed) chain.unshift(served(route.onServed, options.services));
      if (route.rateLimit) chain.push(rateLimit(route.rateLimit, options.services));
      if (route.publicReadLimit) chain.push(publicReadLimit(route.publicReadLimit, options.services));
      if (!route.publicCache) chain.push(validate(route.schemas, { streamedBody: route.streamedBody !== undefined }));
      chain.push(handlerFor(route, options));
      router.register(route.path, [route.method.toUpperCase()], chain, { name: key });
    }
  }
  return router;
}
