/**
 * The one request wrapper of the mini-program: every call to the BFF goes through {@link request}
 * (or {@link uploadFile} / {@link downloadPrivateFile}). It adds the base URL and the bearer
 * token, sends JSON, applies a timeout, parses the answer with the SAME zod response schema the
 * server uses (`shared/`), and turns every failure into an {@link ApiError} carrying a stable
 * code. The UI decides what to show from that code (see components/error-container), never from
 * message text.
 *
 * Sign-in lives here too, because a `401 unauthorized` on a signed-in call triggers one silent
 * re-login and a retry: `Taro.login()` → `POST /api/auth/wechat {code}` in WeChat, and a dev code
 * `dev:<name>` in the H5 build when `TARO_APP_DEV_LOGIN` is true (H5 has no wx.login).
 */
import Taro from '@tarojs/taro';
import type { z } from 'zod';
import { CitizenLoginResponseSchema, type CitizenLoginResponse, type CitizenView } from '@shared/auth';
import { ErrorCodeSchema, ErrorResponseSchema, ValidationIssueSchema, errorMessage, type ErrorCode, type ValidationIssue } from '@shared/errors';
import { UploadViewSchema, UPLOAD_FILE_FIELD, type UploadView } from '@shared/uploads';
import { clearSession, readDevLoginName, readSession, saveDevLoginName, saveSession, type StoredSession } from './session-store';

/** Failures that never reach the server, with their Chinese messages. */
export const CLIENT_ERROR_MESSAGES = {
  network_error: '网络连接失败，请检查网络后重试',
  timeout: '网络请求超时，请稍后重试',
  invalid_response: '服务返回的数据有误，请稍后重试',
} as const;

/** A failure that happened in the mini-program rather than on the server. */
export type ClientErrorCode = keyof typeof CLIENT_ERROR_MESSAGES;

/** Every code an {@link ApiError} can carry. */
export type ApiErrorCode = ErrorCode | ClientErrorCode;

/** A failed API call: the server's `{ error: { code, message, details } }`, or a client-side failure. */
export class ApiError extends Error {
  /** Stable code; the UI branches on this, never on `message`. */
  readonly code: ApiErrorCode;
  /** Depends on the code: validation issues for `validation_error`, `retryAfter` for `rate_limited`, … */
  readonly details: unknown;
  /** HTTP status, 0 when the server was not reached. */
  readonly status: number;

  constructor(code: ApiErrorCode, details?: unknown, status = 0) {
    super(apiErrorMessage(code));
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
    this.status = status;
  }

  /** The validation issues of a `validation_error` (empty for other codes). */
  get issues(): ValidationIssue[] {
    if (this.code !== 'validation_error' || !Array.isArray(this.details)) return [];
    return this.details.flatMap((d) => {
      const parsed = ValidationIssueSchema.safeParse(d);
      return parsed.success ? [parsed.data] : [];
    });
  }
}

/** The Chinese message for any code: `shared/errors.ts` for server codes, ours for client failures. */
export function apiErrorMessage(code: ApiErrorCode): string {
  return code in CLIENT_ERROR_MESSAGES ? CLIENT_ERROR_MESSAGES[code as ClientErrorCode] : errorMessage(code);
}

/** Any thrown value as an ApiError, so callers always have a code to branch on. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError('internal_error', e instanceof Error ? e.message : undefined);
}

/** The BFF's origin, from `TARO_APP_API_BASE` at build time (empty = the page's own origin, H5 only). */
export const API_BASE = (process.env.TARO_APP_API_BASE ?? '').replace(/\/+$/, '');

/** Whether `dev:<name>` sign-in codes are used (H5 development and tests; never in WeChat). */
export const DEV_LOGIN = process.env.TARO_APP_DEV_LOGIN === 'true';

/** Limit of one call; uploads get longer. */
const REQUEST_TIMEOUT_MS = 15_000;
const UPLOAD_TIMEOUT_MS = 60_000;

/** Absolute URL of an API path (`/api/...`); also used for `/api/uploads/<id>` links in content. */
export function apiUrl(path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${API_BASE}${path.startsWith('/') ? path : `/${path}`}`;
}

type QueryValue = string | number | boolean | undefined | null;

function withQuery(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}

/** Who may call: anyone; anyone, with the token when there is one; a signed-in citizen. */
export type AuthMode = 'none' | 'optional' | 'required';

export interface RequestOptions<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  auth?: AuthMode;
  /** The shared response schema the answer is parsed with; null for answers without a body. */
  schema: S | null;
}

interface RawResponse {
  statusCode: number;
  data: unknown;
}

function isTimeout(e: unknown): boolean {
  const msg = typeof e === 'object' && e !== null && 'errMsg' in e ? String((e as { errMsg: unknown }).errMsg) : String(e);
  // H5 aborts the fetch when the timeout passes; WeChat says `request:fail timeout`.
  return /timeout|超时|abort/i.test(msg);
}

async function send(method: string, url: string, body: unknown, headers: Record<string, string>): Promise<RawResponse> {
  try {
    const res = await Taro.request<unknown>({
      url,
      method: method as 'GET',
      data: body === undefined ? undefined : (body as Record<string, unknown>),
      header: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      timeout: REQUEST_TIMEOUT_MS,
      dataType: 'json',
    });
    return { statusCode: res.statusCode, data: res.data };
  } catch (e) {
    throw new ApiError(isTimeout(e) ? 'timeout' : 'network_error');
  }
}

/** The body as an object: WeChat parses JSON for us, some H5 paths hand back the text. */
function jsonBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  if (data === '') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/** The ApiError for a non-2xx answer: the server's code when it sent one, else one from the status. */
function errorFromResponse(status: number, data: unknown): ApiError {
  const parsed = ErrorResponseSchema.safeParse(jsonBody(data));
  if (parsed.success) return new ApiError(parsed.data.error.code, parsed.data.error.details, status);
  // A code from a newer server than this build: keep the generic handling of its status.
  const raw = jsonBody(data) as { error?: { code?: unknown; details?: unknown } } | undefined;
  const known = ErrorCodeSchema.safeParse(raw?.error?.code);
  if (known.success) return new ApiError(known.data, raw?.error?.details, status);
  if (status === 401) return new ApiError('unauthorized', undefined, status);
  if (status === 403) return new ApiError('forbidden', undefined, status);
  if (status === 404) return new ApiError('not_found', undefined, status);
  if (status === 429) return new ApiError('rate_limited', undefined, status);
  if (status === 502 || status === 503 || status === 504) return new ApiError('service_unavailable', undefined, status);
  return new ApiError('internal_error', undefined, status);
}

function parseWith<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(jsonBody(data));
  if (!parsed.success) {
    // The server and this build disagree on a shape: report it loudly for developers.
    console.error(`[api] ${what}: the answer does not match its schema`, parsed.error.issues);
    throw new ApiError('invalid_response', parsed.error.issues);
  }
  return parsed.data;
}

/**
 * Calls the BFF and returns the answer parsed with `schema`. Throws {@link ApiError}. With
 * `auth: 'required'` the citizen is signed in first (silently) and, on a 401, once more before
 * one retry; a second 401 reaches the caller as `unauthorized` (the UI shows the login prompt).
 */
export async function request<S extends z.ZodType>(options: RequestOptions<S>): Promise<z.output<S>> {
  const method = options.method ?? 'GET';
  const auth = options.auth ?? 'none';
  const url = apiUrl(withQuery(options.path, options.query));
  const what = `${method} ${options.path}`;

  const attempt = async (session: StoredSession | null): Promise<RawResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    if (session && auth !== 'none') headers.Authorization = `Bearer ${session.token}`;
    return send(method, url, options.body, headers);
  };

  let session = auth === 'none' ? null : readSession();
  if (auth === 'required' && !session) session = await signIn();
  let res = await attempt(session);
  if (res.statusCode === 401 && auth !== 'none' && session) {
    // The token expired or was revoked: sign in again once and retry.
    clearSession();
    if (auth === 'required') {
      session = await signIn();
      res = await attempt(session);
    } else {
      res = await attempt(null);
    }
  }
  if (res.statusCode < 200 || res.statusCode >= 300) {
    const err = errorFromResponse(res.statusCode, res.data);
    if (err.code === 'unauthorized') clearSession();
    throw err;
  }
  if (options.schema === null) return undefined as z.output<S>;
  return parseWith(options.schema, res.data, what);
}

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

let signingIn: Promise<StoredSession> | null = null;

/** A fresh `dev:<name>` for this device, kept so the same test user comes back. */
function devLoginName(): string {
  const saved = readDevLoginName();
  if (saved) return saved;
  const name = `h5-${Math.random().toString(36).slice(2, 10)}`;
  saveDevLoginName(name);
  return name;
}

async function loginCode(): Promise<string> {
  if (process.env.TARO_ENV === 'weapp') {
    try {
      const { code } = await Taro.login();
      if (code) return code;
    } catch {
      // Fall through: wx.login failed (offline, or the user is blocked by WeChat).
    }
    throw new ApiError('wechat_unavailable');
  }
  // H5 has no wx.login: only a development/test build may sign in with a dev code.
  if (DEV_LOGIN) return `dev:${devLoginName()}`;
  throw new ApiError('unauthorized');
}

/**
 * Signs the citizen in and stores the token. Concurrent calls share one sign-in. Throws
 * ApiError (`invalid_code`, `user_blocked`, `wechat_unavailable`, `rate_limited`, …).
 */
export function signIn(): Promise<StoredSession> {
  if (!signingIn) {
    signingIn = (async () => {
      const code = await loginCode();
      const res = await send('POST', apiUrl('/api/auth/wechat'), { code }, {});
      if (res.statusCode < 200 || res.statusCode >= 300) throw errorFromResponse(res.statusCode, res.data);
      const login: CitizenLoginResponse = parseWith(CitizenLoginResponseSchema, res.data, 'POST /api/auth/wechat');
      const session: StoredSession = { token: login.token, expiresAt: login.expiresAt, user: login.user };
      saveSession(session);
      return session;
    })().finally(() => {
      signingIn = null;
    });
  }
  return signingIn;
}

/** Signs in as another dev user (H5 dev/test builds only): the next sign-in uses `dev:<name>`. */
export function switchDevUser(name: string): void {
  saveDevLoginName(name);
  clearSession();
}

/** Forgets the token; the next signed-in call signs in again. */
export function signOut(): void {
  clearSession();
}

/**
 * Ends the citizen's sessions on every device (`POST /api/auth/logout-all`: every token stops
 * working at once), then forgets this one.
 */
export async function signOutEverywhere(): Promise<void> {
  await request({ method: 'POST', path: '/api/auth/logout-all', auth: 'required', schema: null });
  clearSession();
}

/** The signed-in citizen, or null (no call is made). */
export function currentCitizen(): CitizenView | null {
  return readSession()?.user ?? null;
}

// ---------------------------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------------------------

/**
 * Uploads one local file (a path from `Taro.chooseImage` / `chooseMedia`) to `POST /api/uploads`
 * as the multipart field `file`, signed in, and returns the stored file's view.
 */
export async function uploadFile(filePath: string): Promise<UploadView> {
  const doUpload = async (session: StoredSession) => {
    try {
      const res = await Taro.uploadFile({
        url: apiUrl('/api/uploads'),
        filePath,
        name: UPLOAD_FILE_FIELD,
        header: { Authorization: `Bearer ${session.token}`, Accept: 'application/json' },
        timeout: UPLOAD_TIMEOUT_MS,
      });
      return { statusCode: res.statusCode, data: res.data as unknown };
    } catch (e) {
      throw new ApiError(isTimeout(e) ? 'timeout' : 'network_error');
    }
  };
  let session = readSession() ?? (await signIn());
  let res = await doUpload(session);
  if (res.statusCode === 401) {
    clearSession();
    session = await signIn();
    res = await doUpload(session);
  }
  if (res.statusCode < 200 || res.statusCode >= 300) throw errorFromResponse(res.statusCode, res.data);
  return parseWith(UploadViewSchema, res.data, 'POST /api/uploads');
}

// ---------------------------------------------------------------------------------------------
// Private files
// ---------------------------------------------------------------------------------------------

/** Large PDFs on a slow line: the same limit as uploads. */
const DOWNLOAD_TIMEOUT_MS = UPLOAD_TIMEOUT_MS;

/** The download path of an upload: `GET /api/uploads/:id` (see server/src/modules/upload). */
export function uploadPath(id: string): string {
  return `/api/uploads/${encodeURIComponent(id)}`;
}

/**
 * Frees the local copy of a downloaded file. Only H5 holds something to free: its `blob:` URLs
 * keep the bytes in memory until revoked; WeChat's temp files are cleaned up by WeChat.
 */
export function releaseLocalFile(path: string): void {
  if (process.env.TARO_ENV === 'h5' && path.startsWith('blob:')) URL.revokeObjectURL(path);
}

/**
 * Downloads an uploaded file (`GET /api/uploads/:id`) with the citizen's bearer token and returns
 * its local path: a temp file in WeChat, a `blob:` URL in H5 (free it with
 * {@link releaseLocalFile}). Letter attachments and error-report screenshots are readable only by
 * their uploader and the staff handling the case, and `<Image src>` / `previewImage` cannot send
 * a header, so such files must come through here first (hooks/use-private-file.ts caches them).
 *
 * `auth: 'required'` signs in first when there is no session (a citizen's own case);
 * `'optional'` sends the token only when there is one (a published policy's files are public).
 * A 401 signs in once more and retries, like {@link request}. Throws ApiError: `not_found` also
 * for a file the citizen may not read (the server does not reveal that it exists).
 */
export async function downloadPrivateFile(id: string, auth: Exclude<AuthMode, 'none'> = 'required'): Promise<string> {
  const url = apiUrl(uploadPath(id));
  const attempt = async (session: StoredSession | null) => {
    try {
      const res = await Taro.downloadFile({
        url,
        header: session ? { Authorization: `Bearer ${session.token}` } : {},
        timeout: DOWNLOAD_TIMEOUT_MS,
        // H5 only: the token travels in the header; cookies would make a cross-origin BFF need
        // `Access-Control-Allow-Credentials` for nothing.
        withCredentials: false,
      });
      return { statusCode: res.statusCode, path: res.tempFilePath };
    } catch (e) {
      throw new ApiError(isTimeout(e) ? 'timeout' : 'network_error');
    }
  };
  let session = readSession();
  if (auth === 'required' && !session) session = await signIn();
  let res = await attempt(session);
  if (res.statusCode === 401 && session) {
    // The token expired or was revoked: sign in again once and retry.
    releaseLocalFile(res.path);
    clearSession();
    session = auth === 'required' ? await signIn() : null;
    res = await attempt(session);
  }
  if (res.statusCode < 200 || res.statusCode >= 300) {
    // The saved body is an error document, not the file; its code is not worth reading back
    // from a temp file, the status says enough.
    releaseLocalFile(res.path);
    const err = errorFromResponse(res.statusCode, undefined);
    if (err.code === 'unauthorized') clearSession();
    throw err;
  }
  return res.path;
}
