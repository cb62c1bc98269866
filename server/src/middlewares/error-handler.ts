/**
 * The one place errors become responses: `{ error: { code, message, details? } }` with the
 * code's status, for errors thrown anywhere below and for requests no route answered.
 *
 * - AppError: as is (status from its code, headers such as Retry-After).
 * - zod errors (a service parsing with a shared schema): 400 validation_error with every issue.
 * - mongoose ValidationError/CastError: 400 validation_error; duplicate key: 409 conflict.
 * - anything else: 500 internal_error with a generic message; the real error is logged with the
 *   request id, never sent.
 */
import mongoose from 'mongoose';
import { ZodError } from 'zod';
import { AppError, type ErrorCode, type ValidationIssue } from '../lib/errors';
import type { AppContext, AppMiddleware } from '../lib/http';
import { duplicateKeyFields, isDuplicateKeyError } from '../lib/mongo-errors';

/** Turns a zod error into validation issues (every issue, Chinese messages from the schemas). */
export function zodIssues(err: ZodError, where?: ValidationIssue['in']): ValidationIssue[] {
  return err.issues.map((issue) => ({
    ...(where === undefined ? {} : { in: where }),
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Statuses Koa or its helpers may set on errors they throw, mapped to our codes. */
const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Maps any thrown value to the AppError that is sent. */
export function normalizeError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return new AppError('validation_error', { details: zodIssues(err), cause: err });
  if (err instanceof mongoose.Error.ValidationError) {
    const details: ValidationIssue[] = Object.entries(err.errors).map(([path, e]) => ({
      path,
      message: (e as { kind?: string }).kind === 'required' ? '此项为必填项' : '格式不正确',
    }));
    return new AppError('validation_error', { details, cause: err });
  }
  if (err instanceof mongoose.Error.CastError) {
    return new AppError('validation_error', { details: [{ path: err.path, message: '格式不正确' }], cause: err });
  }
  if (isDuplicateKeyError(err)) {
    // Only the field names: the duplicate values can be personal data.
    return new AppError('conflict', { details: { fields: duplicateKeyFields(err) }, cause: err });
  }
  const http = err as { status?: unknown; expose?: unknown } | null;
  if (http && typeof http.status === 'number' && http.expose === true && HTTP_STATUS_CODES[http.status]) {
    return new AppError(HTTP_STATUS_CODES[http.status], { cause: err });
  }
  return new AppError('internal_error', { cause: err });
}

function send(ctx: AppContext, error: AppError): void {
  ctx.status = error.status;
  for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
  ctx.body = { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
}

export function errorHandler(): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const error = normalizeError(err);
      if (error.status >= 500) {
        ctx.state.log.error({ err: error.code === 'internal_error' ? (error.cause ?? err) : err, code: error.code }, 'request error');
      }
      send(ctx, error);
      return;
    }
    // Nothing answered: no route (404), wrong method (405 from allowedMethods) or an unknown one (501).
    if (ctx.body === undefined || ctx.body === null) {
      if (ctx.status === 404) send(ctx, new AppError('not_found'));
      else if (ctx.status === 405 || ctx.status === 501) send(ctx, new AppError('method_not_allowed'));
    }
  };
}
