/**
 * `multipart/form-data` bodies (RFC 7578) read with busboy, as an async sequence of parts with
 * limits, so the upload service never holds a whole file in memory and never sees busboy's
 * events:
 *
 * ```ts
 * for await (const part of readMultipart(req, contentType, limits)) {
 *   if (part.kind === 'field') …                          // a small text field, read whole
 *   else for await (const chunk of part.content) …       // a file, streamed with backpressure
 * }
 * ```
 *
 * A file's content not read by the time the next part is asked for is skipped. Every failure is
 * a {@link MultipartError} with a `reason` (malformed or truncated body, a limit exceeded), except
 * the source's own errors (the client went away), which pass through unchanged. Stopping early
 * (an error, or the caller leaving the loop) stops parsing and discards the rest of the body, up
 * to `maxBodyBytes`, so the answer reaches a client that is still sending.
 */
import type { Readable } from 'node:stream';
import busboy, { type Busboy } from 'busboy';

/** One part of the form. */
export type MultipartPart =
  | { kind: 'field'; name: string; value: string }
  | {
      kind: 'file';
      /** The form field name (`name="file"`). */
      name: string;
      /** The client's file name, decoded (RFC 5987 `filename*` preferred); null when absent. */
      filename: string | null;
      /** The part's declared type (informational only: never trusted for file types). */
      mimeType: string;
      /** The file's bytes as they arrive; read once. */
      content: AsyncIterable<Buffer>;
    };

/** Why a body was refused. */
export type MultipartFailure =
  | 'not_multipart'
  | 'malformed'
  | 'too_many_parts'
  | 'too_many_fields'
  | 'too_many_files'
  | 'field_too_large'
  | 'file_too_large'
  | 'body_too_large';

/** The body is not an acceptable multipart form. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
  constructor(
    readonly reason: MultipartFailure,
    message: string = reason,
  ) {
    super(message);
  }
}

/** Limits of {@link readMultipart}; every one is enforced while reading. */
export interface MultipartLimits {
  /** Parts (fields and files together). */
  maxParts: number;
  /** Text fields. */
  maxFields: number;
  /** Bytes of one text field's value. */
  maxFieldBytes: number;
  /** File parts. */
  maxFiles: number;
  /** Bytes of one file (exactly this many is accepted). */
  maxFileBytes: number;
  /** Bytes of the whole body as it arrives (chunked bodies announce no length). */
  maxBodyBytes: number;
}

/** True when `contentType` is `multipart/form-data` (whatever its parameters). */
function isMultipartFormData(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'multipart/form-data';
}

/**
 * WHATWG multipart/form-data: browsers and mini-program clients percent-encode `"`, CR and LF in a
 * quoted file name instead of backslash-escaping them (a Windows path keeps its backslashes).
 */
function unescapeFilename(name: string | undefined): string | null {
  if (name === undefined) return null;
  return name.replace(/%22/gi, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

function createParser(contentType: string, limits: MultipartLimits): Busboy {
  if (!isMultipartFormData(contentType)) throw new MultipartError('not_multipart', 'not multipart/form-data');
  try {
    return busboy({
      headers: { 'content-type': contentType },
      // UTF-8 file names sent raw inside the quoted filename (browsers, WeChat); busboy's default is latin1.
      defParamCharset: 'utf8',
      // Paths are removed by the caller's own name cleaning, which knows both separators.
      preservePath: true,
      limits: {
        // busboy reports `fields` and `files` when one more arrives, but `parts`, `fieldSize` and
        // `fileSize` when the limit is reached: those get one more, so exactly the limit passes.
        // Parts are also counted below, to refuse the one too many as soon as it starts.
        parts: limits.maxParts + 1,
        fields: limits.maxFields,
        files: limits.maxFiles,
        fieldSize: limits.maxFieldBytes + 1,
        fileSize: limits.maxFileBytes + 1,
      },
    });
  } catch (err) {
    // A missing boundary, or a type busboy does not parse.
    throw new MultipartError('not_multipart', (err as Error).message);
  }
}

/**
 * Reads the parts of a multipart body from `source` (the request), enforcing `limits`.
 * @throws MultipartError `not_multipart` at once when `contentType` is not multipart/form-data
 *   with a boundary; other reasons while reading (also from a file's `content`).
 */
export function readMultipart(source: Readable, contentType: string, limits: MultipartLimits): AsyncGenerator<MultipartPart> {
  // Outside the generator: a wrong type is reported when called, before anything is read.
  const parser = createParser(contentType, limits);
  return parts(source, parser, limits);
}

async function* parts(source: Readable, parser: Busboy, limits: MultipartLimits): AsyncGenerator<MultipartPart> {
  const queue: MultipartPart[] = [];
  // An object rather than `let`s: the events change it while the loop below awaits, which
  // TypeScript's narrowing of local variables would not see.
  const state: { failure: Error | null; sourceError: Error | null; closed: boolean; current: Readable | null } = {
    failure: null,
    sourceError: null,
    closed: false,
    current: null,
  };
  let seenParts = 0;
  let received = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (err: Error) => {
    state.failure ??= err;
    // Destroying the parser also ends the file being read with this error.
    parser.destroy(state.failure);
    notify();
  };
  /** busboy's own errors are about the body; the source's (client gone) are kept as they are. */
  const normalise = (err: unknown): Error => {
    if (err instanceof MultipartError) return err;
    if (state.sourceError && err === state.sourceError) return state.sourceError;
    if (state.failure) return state.failure;
    return new MultipartError('malformed', (err as Error | null)?.message ?? 'malformed multipart body');
  };
  /** Counts a part (busboy's own count also includes parts it skips) and checks its name. */
  const acceptPart = (name: string | undefined): boolean => {
    seenParts += 1;
    if (seenParts > limits.maxParts) fail(new MultipartError('too_many_parts', `more than ${limits.maxParts} parts`));
    // busboy passes a part without a `name` parameter on with an undefined name.
    else if (typeof name !== 'string') fail(new MultipartError('malformed', 'part without a field name'));
    else return true;
    return false;
  };

  async function* fileContent(stream: Readable): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (err) {
      throw normalise(err);
    }
  }

  parser.on('field', (name, value, info) => {
    if (!acceptPart(name)) return;
    if (info.valueTruncated) return fail(new MultipartError('field_too_large', `field "${name}" is over ${limits.maxFieldBytes} bytes`));
    queue.push({ kind: 'field', name, value });
    notify();
  });
  parser.on('file', (name, stream, info) => {
    // Errors reach the reader through `content`; without a listener the error of a file nobody
    // reads (skipped, or refused below) would crash the process.
    stream.on('error', () => undefined);
    if (!acceptPart(name)) {
      stream.resume();
      return;
    }
    stream.on('limit', () => stream.destroy(new MultipartError('file_too_large', `file "${name}" is over ${limits.maxFileBytes} bytes`)));
    queue.push({ kind: 'file', name, filename: unescapeFilename(info.filename), mimeType: info.mimeType, content: fileContent(stream) });
    state.current = stream;
    notify();
  });
  parser.on('partsLimit', () => fail(new MultipartError('too_many_parts', `more than ${limits.maxParts} parts`)));
  parser.on('fieldsLimit', () => fail(new MultipartError('too_many_fields', `more than ${limits.maxFields} fields`)));
  parser.on('filesLimit', () => fail(new MultipartError('too_many_files', `more than ${limits.maxFiles} files`)));
  parser.on('error', (err: unknown) => {
    state.failure ??= normalise(err);
    notify();
  });
  parser.on('close', () => {
    state.closed = true;
    notify();
  });

  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.maxBodyBytes) {
      source.unpipe(parser);
      fail(new MultipartError('body_too_large', `body over ${limits.maxBodyBytes} bytes`));
      // Nobody reads the rest: stop receiving it.
      source.destroy();
    }
  };
  const onSourceError = (err: Error) => {
    state.sourceError = err;
    fail(err);
  };
  const onAborted = () => onSourceError(Object.assign(new Error('the client aborted the upload'), { code: 'ECONNABORTED' }));
  source.on('data', onData);
  source.on('error', onSourceError);
  source.on('aborted', onAborted);
  source.pipe(parser);

  try {
    for (;;) {
      if (state.failure) throw state.failure;
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (state.closed) return;
      // The caller asks for the next part without reading the last file: skip that file.
      const unread: Readable | null = state.current;
      if (unread && !unread.readableEnded && !unread.destroyed && unread.readableFlowing !== true) unread.resume();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    source.off('error', onSourceError);
    source.off('aborted', onAborted);
    if (!source.readableEnded && !source.destroyed) {
      // Stopped before the end of the body (a failure, or the caller stopped): stop parsing and
      // discard the rest (still counted, so a client that keeps sending is cut off at
      // maxBodyBytes), so the answer reaches a client that sends everything before reading.
      source.unpipe(parser);
      source.resume();
    }
    if (!parser.destroyed) parser.destroy();
  }
}
