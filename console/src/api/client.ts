/**
 * The console's one HTTP client: JSON in and out, the Bearer token of the session, answers parsed
 * with the shared zod schemas, and failures as {@link ApiError} carrying the stable error code,
 * the Chinese message from shared/errors.ts and the request id to quote to support.
 */
import type { z } from 'zod';
import { errorMessage, ErrorResponseSchema, type ValidationIssue } from '../../../shared/errors';
import { clearSession, readSession } from './session';

/** A failed call: HTTP status, stable code, message to show, field issues and the request id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Whether the code is one the API documents (else a bug or an outage: show the request id). */
  get expected(): boolean {
    return this.status < 500 && this.code !== 'internal_error';
  }
}

let onUnauthorized: () => void = () => {};

/** What to do when the server answers 401 (the router sends the user to sign in, keeping the page). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** Options of {@link request}. */
interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/** Calls `/api/...` and parses the 2xx answer with `schema` (null for an empty answer). */
export async function request<S extends z.ZodType>(method: string, path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  const session = readSession();
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  } catch {
    throw new ApiError(0, 'service_unavailable', errorMessage('service_unavailable'), null);
  }
  const requestId = res.headers.get('x-request-id');
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    // A proxy's HTML error page: reported below as an unexpected error.
  }
  if (!res.ok) {
    const parsed = ErrorResponseSchema.safeParse(json);
    const code = parsed.success ? parsed.data.error.code : res.status === 401 ? 'unauthorized' : 'internal_error';
    const details = parsed.success ? parsed.data.error.details : undefined;
    const issues = Array.isArray(details) ? (details as ValidationIssue[]) : [];
    if (res.status === 401 && path !== '/api/admin/auth/login') {
      clearSession();
      onUnauthorized();
    }
    throw new ApiError(res.status, code, errorMessage(code), requestId, issues);
  }
  return schema.parse(json ?? null);
}

/**
 * Opens a private file (a letter's attachment) in a new tab. Files are served only with the
 * staff token, which a plain link does not carry: fetch it, then show the downloaded copy.
 */
export async function openPrivateFile(path: string): Promise<void> {
  // Opened before the await, or the browser's pop-up blocker stops it.
  const tab = window.open('', '_blank');
  const session = readSession();
  const res = await fetch(path, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) {
    tab?.close();
    if (res.status === 401) {
      clearSession();
      onUnauthorized();
    }
    throw new ApiError(res.status, res.status === 404 ? 'not_found' : 'internal_error', errorMessage(res.status === 404 ? 'not_found' : 'internal_error'), res.headers.get('x-request-id'));
  }
  const url = URL.createObjectURL(await res.blob());
  if (tab) tab.location.href = url;
  else window.location.assign(url);
}
