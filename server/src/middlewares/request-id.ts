/**
 * Gives every request an id: a sane incoming `x-request-id` (from the load balancer or the
 * mini-program) is kept so logs join up across systems, anything else is replaced. The id is sent
 * back in `x-request-id` on every response, errors included, and bound into `ctx.state.log`.
 */
import { randomUUID } from 'node:crypto';
import type { AppMiddleware } from '../lib/http';
import type { Logger } from '../lib/logger';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Printable, header- and log-safe, bounded: anything else could forge log lines or bloat them. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The incoming id if it is sane, else a new UUID. */
export function chooseRequestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

export function requestId(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    const id = chooseRequestId(ctx.get(REQUEST_ID_HEADER) || undefined);
    ctx.state.requestId = id;
    ctx.state.log = logger.child({ reqId: id });
    ctx.set(REQUEST_ID_HEADER, id);
    await next();
  };
}
