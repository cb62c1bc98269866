/**
 * The one error type services throw. Each carries a stable code from shared/errors.ts; the HTTP
 * status follows from the code (see {@link ERROR_STATUS}), so deep code never picks statuses.
 * The error middleware turns an AppError into `{ error: { code, message, details? } }`.
 *
 * ```ts
 * if (!letter) throw notFound();
 * if (letter.status !== 'submitted') throw invalidState({ status: letter.status });
 * ```
 */
import { ERROR_MESSAGES, type ErrorCode, type ValidationIssue } from '../../../shared/errors';

export type { ErrorCode, ValidationIssue };

/** HTTP status for each code. A code keeps its status forever: clients may rely on both. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  invalid_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invalid_state: 409,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  invalid_code: 401,
  user_blocked: 403,
  wechat_unavailable: 503,
  invalid_credentials: 401,
  account_locked: 423,
  username_taken: 409,
  department_name_taken: 409,
  department_in_use: 409,
  last_admin: 409,
  wrong_password: 400,
  unsupported_file_type: 415,
  invalid_attachment: 400,
  content_risky: 422,
  idempotency_key_reused: 409,
  already_rated: 409,
  follow_up_used: 409,
  already_responded: 409,
  consultation_not_open: 409,
  consultation_window_too_short: 400,
  consultation_results_not_available: 403,
  opinions_undecided: 409,
  category_key_taken: 409,
  category_name_taken: 409,
  category_in_use: 409,
  letter_notes_full: 409,
  reply_template_title_taken: 409,
};

/** Options of an {@link AppError}. */
export interface AppErrorOptions {
  /** Overrides the standard Chinese message of the code (must still be safe to show). */
  message?: string;
  /** Machine-readable extra information, sent to the client: never put secrets or personal data here. */
  details?: unknown;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** The underlying error, for logs only. */
  cause?: unknown;
}

/** An error with a stable code that is safe to send to the client as is. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? ERROR_MESSAGES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    if (options.details !== undefined) this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** True for an {@link AppError} with the given code (or any code when omitted). */
export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

/** 400 `validation_error` with every issue found. */
export function validationError(details: ValidationIssue[]): AppError {
  return new AppError('validation_error', { details });
}

/** 401 `unauthorized`: no token, or a bad, expired or revoked one. */
export function unauthorized(): AppError {
  return new AppError('unauthorized');
}

/** 403 `forbidden`: signed in, but not allowed to do this. */
export function forbidden(): AppError {
  return new AppError('forbidden');
}

/** 404 `not_found`. Also used when the record exists but the actor may not know it exists. */
export function notFound(): AppError {
  return new AppError('not_found');
}

/** 409 with a specific code (`username_taken`, …) or the generic `conflict`. */
export function conflict(code: ErrorCode = 'conflict', details?: unknown): AppError {
  return new AppError(code, { details });
}

/** 409 `invalid_state`: the record's state does not allow the action (e.g. replying to a rejected letter). */
export function invalidState(details?: unknown): AppError {
  return new AppError('invalid_state', { details });
}

/** 429 `rate_limited` with `details.retryAfter` (seconds) and a matching `Retry-After` header. */
export function tooManyRequests(retryAfterSeconds: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError('rate_limited', { details: { retryAfter }, headers: { 'Retry-After': String(retryAfter) } });
}

/** 413 `payload_too_large`, with the limit in bytes when known. */
export function payloadTooLarge(limitBytes?: number): AppError {
  return new AppError('payload_too_large', { details: limitBytes === undefined ? undefined : { limitBytes } });
}
