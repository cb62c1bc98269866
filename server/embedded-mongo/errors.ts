/**
 * MongoDB server error shapes. Every refusal the embedded engine makes goes through
 * `MongoCommandError` so the driver sees exactly what a real server would send:
 * `{ ok: 0, errmsg, code, codeName, errorLabels? }` (plus extra fields such as
 * `keyPattern`/`keyValue` for duplicate keys).
 */

/** Error codes we emit, with MongoDB's own names and numbers. */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  OperationFailed: 96,
  WriteConflict: 112,
  CommandNotSupported: 115,
  InvalidIndexSpecificationOption: 197,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  TransactionTooLarge: 257,
  OperationNotSupportedInTransaction: 263,
  Location40324: 40324,
  Location15974: 15974,
  EmptyFieldName: 56,
  Location15958: 15958,
  Location15976: 15976,
  Location31250: 31250,
  Location31253: 31253,
  Location31254: 31254,
  Location40323: 40323,
  Location51246: 51246,
  CannotIndexParallelArrays: 171,
  DuplicateKey: 11000,
  Unauthorized: 13,
  ProtocolError: 17,
  AuthenticationFailed: 18,
  MechanismUnavailable: 334,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

/** A command failure, encoded as MongoDB's `{ok: 0, ...}` reply (or a writeErrors entry). */
export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly errorLabels: string[];
  /** Extra top-level fields sent with the error (e.g. keyPattern, keyValue for E11000). */
  readonly extra: Record<string, unknown>;

  constructor(
    codeName: ErrorCodeName,
    errmsg: string,
    options: { errorLabels?: string[]; extra?: Record<string, unknown> } = {},
  ) {
    super(errmsg);
    this.name = 'MongoCommandError';
    this.codeName = codeName === 'DuplicateKey' ? 'DuplicateKey' : codeName;
    this.code = ErrorCodes[codeName];
    this.errorLabels = options.errorLabels ?? [];
    this.extra = options.extra ?? {};
  }

  /** The error as a command reply document. */
  toReply(): Record<string, unknown> {
    const reply: Record<string, unknown> = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
      ...this.extra,
    };
    if (this.errorLabels.length > 0) reply.errorLabels = this.errorLabels;
    return reply;
  }

  /** The error as an entry of a write command's `writeErrors` array. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, codeName: this.codeName, errmsg: this.message, ...this.extra };
  }
}

/** Shorthand for the most common refusal: an operator, option or shape we do not support. */
export function badValue(errmsg: string): MongoCommandError {
  return new MongoCommandError('BadValue', errmsg);
}

/** A write-write conflict inside a transaction; the label makes `withTransaction` retry. */
export function writeConflict(detail = 'Write conflict during plan execution and yielding is disabled.'): MongoCommandError {
  return new MongoCommandError('WriteConflict', detail, { errorLabels: ['TransientTransactionError'] });
}
