/**
 * Builds the Koa application from its dependencies, without listening: main.ts serves it, tests
 * hand it to supertest. Middleware order (outermost first):
 *
 *   security headers → request id → request log → error handler → static files → JSON body → router
 *                                                                                             └ per route: auth → rate limit → validate → handler
 *
 * Security headers are outermost so every response gets them, and see the final Content-Type.
 * The request id comes next so every log line and every response (errors included) carries it;
 * the request log wraps the error handler so it sees the final status. Static files (the console
 * at /admin/, the H5 build at /, when SERVE_STATIC is on) come before the body parser and never
 * answer /api paths. In front of Koa, `callback()` answers fresh micro-cache hits of URLs seen
 * before (ADR 106).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import type { Connection } from 'mongoose';
import { installChineseZodMessages } from '../../shared/zod-locale';
import type { Config } from './config';
import { systemClock, type Clock } from './lib/clock';
import type { DatabaseKind } from './lib/db';
import type { AppState } from './lib/http';
import type { Logger } from './lib/logger';
import { buildOpenApiDocument, type JsonObject } from './lib/openapi';
import type { RouteModule } from './lib/route';
import { createWechatClient, type WechatClient } from './lib/wechat';
import { jsonBody } from './middlewares/body-parser';
import { errorHandler } from './middlewares/error-handler';
import { PublicResponseCache } from './middlewares/public-cache';
import { chooseRequestId, REQUEST_ID_HEADER, requestId } from './middlewares/request-id';
import { requestLog } from './middlewares/request-log';
import { securityHeaders } from './middlewares/security-headers';
import { staticFiles } from './middlewares/static-files';
import { createModels, type Models } from './models';
import { createOpenApiRoutes } from './modules/openapi/openapi.routes';
import { buildRouter } from './router';
import { ROUTE_MODULES } from './routes';
import { createServices, type Services } from './services';
import { createMongoTokenStore } from './modules/wechat/wechat-token.store';

/** What the app is built from. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  /** The database connection models are bound to (see lib/db.ts, or test/support/db.ts). */
  connection: Connection;
  dbKind: DatabaseKind;
  /** Default: the real clock. */
  clock?: Clock;
  /**
   * WeChat client. Default: one built from `config.wechat` when an AppID and secret are set,
   * else null (dev login only).
   */
  wechat?: WechatClient | null;
  /** Route modules mounted after the standard ones (ROUTE_MODULES); tests use it for probe routes. */
  extraRoutes?: readonly RouteModule[];
  /** Names this instance in leases and outbox claims. Default: host, pid and a random suffix. */
  instanceId?: string;
}

/** A built application. */
export interface App {
  koa: Koa<AppState>;
  /** The Node request listener, for `http.createServer` or supertest. */
  callback(): http.RequestListener;
  models: Models;
  services: Services;
  /** Every mounted route module, the OpenAPI one included. */
  routeModules: readonly RouteModule[];
  /** The OpenAPI document served at /api/openapi.json. */
  openapi: JsonObject;
  /** The clock the services use (background tasks take their `now` from it). */
  clock: Clock;
  /** This instance's id in leases and outbox claims. */
  instanceId: string;
}

/** The package version, for the OpenAPI document. */
const API_VERSION = '0.1.0';

export function createApp(deps: AppDeps): App {
  installChineseZodMessages();
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const instanceId = deps.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const models = createModels(deps.connection);
  const wechat =
    deps.wechat !== undefined
      ? deps.wechat
      : config.wechat.appId && config.wechat.secret
        ? createWechatClient({
            baseUrl: config.wechat.apiBase,
            appId: config.wechat.appId,
            secret: config.wechat.secret,
            timeoutMs: config.wechat.timeoutMs,
            // One access token for the whole fleet, kept in MongoDB.
            tokenStore: createMongoTokenStore(models.WechatToken, config.wechat.appId),
            logger: logger.child({ component: 'wechat' }),
          })
        : null;
  const services = createServices({
    models,
    db: { kind: deps.dbKind, connection: deps.connection },
    config,
    logger,
    clock,
    wechat,
    instanceId,
  });

  let openapi: JsonObject = {};
  const routeModules = [...ROUTE_MODULES, ...(deps.extraRoutes ?? []), createOpenApiRoutes(() => openapi)];
  openapi = buildOpenApiDocument(routeModules, {
    title: '政务公开 BFF',
    version: API_VERSION,
    description: 'API of the 政务公开 WeChat mini-program and its back office. Errors: `{ error: { code, message, details? } }`.',
  });

  const koa = new Koa<AppState>({ proxy: config.trustProxy > 0, maxIpsCount: config.trustProxy });
  const publicCache = new PublicResponseCache();
  const router = buildRouter(routeModules, { services, logger, checkDeclaredErrors: config.env !== 'production', publicCacheSeconds: config.publicCacheSeconds, publicCache });
  koa.use(securityHeaders());
  koa.use(requestId(logger));
  koa.use(requestLog());
  koa.use(errorHandler());
  if (config.staticFiles.serve) {
    koa.use(staticFiles({ consoleDir: path.join(config.staticFiles.dir, 'console'), h5Dir: path.join(config.staticFiles.dir, 'h5') }));
  }
  koa.use(jsonBody(config.limits.jsonBodyBytes));
  koa.use(router.routes());
  koa.use(router.allowedMethods());

  // Fresh micro-cache hits are answered before Koa (ADR 106): same bytes and headers, views
  // counted, request line logged, without Koa's context, the router and a child logger.
  const fastPath = {
    requestId: (req: http.IncomingMessage) => chooseRequestId(req.headers[REQUEST_ID_HEADER]),
    served: (line: { reqId: string; method: string; path: string; status: number; ms: number }) => {
      if (logger.isLevelEnabled('info')) logger.info(line, 'request');
    },
  };
  const callback = (): http.RequestListener => {
    const koaListener = koa.callback();
    return (req, res) => {
      if (!publicCache.tryServe(req, res, fastPath)) void koaListener(req, res);
    };
  };

  return { koa, callback, models, services, routeModules, openapi, clock, instanceId };
}
