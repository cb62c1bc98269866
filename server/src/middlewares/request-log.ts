/**
 * One log line per request: id, method, path (never the query string, which can carry personal
 * data or codes), status and duration. Server errors log at `error`, client errors at `info`.
 */
import type { AppMiddleware } from '../lib/http';

export function requestLog(): AppMiddleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      const line = { method: ctx.method, path: ctx.path, status: ctx.status, ms };
      if (ctx.status >= 500) ctx.state.log.error(line, 'request failed');
      else ctx.state.log.info(line, 'request');
    }
  };
}
