/**
 * JSON request bodies, up to the configured size. Only `application/json` is parsed (strict: an
 * object or array at the top level); other types are left unread, so upload routes can stream
 * multipart bodies themselves with their own limit (`config.limits.uploadBodyBytes`).
 */
import { bodyParser } from '@koa/bodyparser';
import { AppError, payloadTooLarge } from '../lib/errors';
import type { AppMiddleware } from '../lib/http';

export function jsonBody(limitBytes: number): AppMiddleware {
  return bodyParser({
    enableTypes: ['json'],
    jsonLimit: limitBytes,
    jsonStrict: true,
    // Called only for failures of parsing itself (errors further down the chain pass through).
    onError(err) {
      const e = err as Error & { type?: string; status?: number };
      if (e.type === 'entity.too.large' || e.status === 413) throw payloadTooLarge(limitBytes);
      if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported' || e.status === 415) {
        throw new AppError('unsupported_media_type', { cause: err });
      }
      throw new AppError('invalid_json', { cause: err });
    },
  });
}
