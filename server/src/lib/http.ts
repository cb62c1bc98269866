/** Koa types shared by the middlewares: what each request carries in `ctx.state`. */
import type Koa from 'koa';
import type { Actor } from './actor';
import type { Logger } from './logger';

/** Per-request state, filled in by the middlewares in order. */
export interface AppState {
  /** Set by the request-id middleware (first). */
  requestId: string;
  /** Logger bound to the request id. */
  log: Logger;
  /** Set by the auth middleware. */
  actor?: Actor;
  /** Set by the validate middleware: params, query, body and declared headers parsed by the route's schemas. */
  input?: { params: unknown; query: unknown; body: unknown; headers?: unknown };
}

export type AppContext = Koa.ParameterizedContext<AppState>;
export type AppMiddleware = Koa.Middleware<AppState>;
