/**
 * Route declarations: the single source for routing, authentication, validation, rate limits,
 * response shaping and the OpenAPI document. A feature declares its routes with
 * {@link defineRoute} in `<feature>.routes.ts`, groups them with {@link defineRouteModule}, and
 * lists the module in `server/src/routes.ts`.
 *
 * ```ts
 * export const departmentRoutes = defineRouteModule({
 *   tag: 'departments',
 *   description: '承办部门',
 *   routes: [
 *     defineRoute({
 *       method: 'post',
 *       path: '/api/admin/departments',
 *       summary: 'Create a department',
 *       auth: staffAuth('admin'),
 *       body: DepartmentCreateSchema,
 *       response: DepartmentViewSchema,
 *       status: 201,
 *       errors: ['department_name_taken'],
 *       handler: ({ actor, input, services }) => services.departments.createDepartment(actor, input.body),
 *     }),
 *   ],
 * });
 * ```
 *
 * The framework then: authenticates (`auth`), rate-limits writes, parses params, query and body
 * with their schemas (reporting every issue; keys a schema does not list are refused, ADR 104), calls the handler with typed `input` and `actor`,
 * and parses the handler's result with `response` (which also strips fields the schema does not
 * list, so internal fields never leak). Errors implied by the declaration (401/403 from `auth`,
 * 400 from schemas, 429 from rate limits, 413/415 from a body) are added to `errors` for OpenAPI.
 */
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { StaffRole } from '../../../shared/staff';
import type { Services } from '../services';
import type { Actor, CitizenActor, StaffActor } from './actor';
import type { ErrorCode } from './errors';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Staff-only access; an empty `roles` list admits every staff role. */
export interface StaffAuth {
  staff: readonly StaffRole[];
}

/**
 * Who may call a route: anybody (`public`, a valid token is still recognised), a signed-in
 * citizen, anyone signed in (`signedIn`: a citizen or any staff member, e.g. uploads), or staff
 * with one of the listed roles.
 */
export type RouteAuth = 'public' | 'citizen' | 'signedIn' | StaffAuth;

/** Staff with any of `roles` (every staff role when none are given). */
export function staffAuth(...roles: StaffRole[]): StaffAuth {
  return { staff: roles };
}

/**
 * Per-route rate limits on top of the defaults. Write routes (POST, PUT, PATCH, DELETE) are
 * limited by default with the configured numbers; reads are not unless they set this.
 */
export interface RateLimitOptions {
  /** Requests per window per citizen or staff account. Default: RATE_LIMIT_PER_USER. */
  perUser?: number;
  /** Requests per window per client IP. Default: RATE_LIMIT_PER_IP. */
  perIp?: number;
  /** Default: RATE_LIMIT_WINDOW_SECONDS. */
  windowSeconds?: number;
  /**
   * Counter name. Routes sharing a bucket share their counters; the default bucket `write` is
   * shared by every write route, so the limits apply to a user's writes as a whole.
   */
  bucket?: string;
}

/**
 * The rate limit of a public read route (ADR 091): per client IP in the bucket `public_read`
 * (PUBLIC_READ_RATE_LIMIT_PER_IP), and, when one of `searchParams` is given, also in the tighter
 * bucket `public_search` (PUBLIC_SEARCH_RATE_LIMIT_PER_IP). Applied after the public micro-cache,
 * so a response served from it costs no counter write.
 */
export interface PublicReadLimitOptions {
  /** Query parameters that make a request a search (e.g. `q`). */
  searchParams?: readonly string[];
}

/** The actor type a route's handler receives. */
export type ActorFor<A extends RouteAuth> = A extends 'citizen'
  ? CitizenActor
  : A extends 'signedIn'
    ? CitizenActor | StaffActor
    : A extends StaffAuth
      ? StaffActor
      : Actor;

type Parsed<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
// A route may declare both `response` and `binaryResponse` (e.g. JSON by default, CSV with
// `?format=csv`); the router refuses a binary answer from a route that declares no binaryResponse.
type HandlerResult<R> = R extends z.ZodType ? z.input<R> | StatusReply<z.input<R>> | BinaryResponse : void | BinaryResponse;

/**
 * A request body the handler reads itself instead of a parsed JSON body (file uploads). Declared
 * with `streamedBody` on the route; the JSON body parser leaves such bodies unread.
 */
export interface StreamedBody {
  /** The Content-Type header as sent (with its parameters, e.g. the multipart boundary). */
  contentType: string;
  /** Content-Length when the client sent one (chunked bodies have none). */
  contentLength: number | null;
  /** The body bytes; read it once, with backpressure (`for await`). */
  stream: Readable;
}

/** How a route that reads its own body documents it (OpenAPI `requestBody`). */
export interface StreamedBodySpec {
  /** Media type → OpenAPI schema of the body, e.g. `multipart/form-data` with a binary `file` field. */
  content: Record<string, Record<string, unknown>>;
  description?: string;
}

const BINARY_RESPONSE = Symbol('binaryResponse');

/** A streamed, non-JSON success response (file downloads); build it with {@link binaryResponse}. */
export interface BinaryResponse {
  readonly [BINARY_RESPONSE]: true;
  stream: Readable;
  contentType: string;
  /** Sent as Content-Length when known. */
  contentLength?: number;
  /** Extra headers (Cache-Control, Content-Disposition, …). */
  headers: Record<string, string>;
}

/** Wraps a stream as a route's binary response (routes that declare `binaryResponse`). */
export function binaryResponse(
  input: Omit<BinaryResponse, typeof BINARY_RESPONSE | 'headers'> & { headers?: Record<string, string> },
): BinaryResponse {
  return { ...input, headers: input.headers ?? {}, [BINARY_RESPONSE]: true };
}

/** True for a value made by {@link binaryResponse}. */
export function isBinaryResponse(value: unknown): value is BinaryResponse {
  return typeof value === 'object' && value !== null && (value as Partial<BinaryResponse>)[BINARY_RESPONSE] === true;
}

const STATUS_REPLY = Symbol('statusReply');

/** A response body with a success status other than the route's default (see {@link withStatus}). */
export interface StatusReply<T> {
  readonly [STATUS_REPLY]: true;
  status: number;
  body: T;
}

/**
 * Answers with another success status than the route's `status`, e.g. 200 instead of 201 when a
 * create request turned out to repeat an earlier one. The status must be listed in the route's
 * `otherStatuses` (so the OpenAPI document names it).
 */
export function withStatus<T>(status: number, body: T): StatusReply<T> {
  return { [STATUS_REPLY]: true, status, body };
}

/** True for a handler result made by {@link withStatus}. */
export function isStatusReply(value: unknown): value is StatusReply<unknown> {
  return typeof value === 'object' && value !== null && (value as Partial<StatusReply<unknown>>)[STATUS_REPLY] === true;
}

/** The validated input of a route. */
export interface RouteInput<P, Q, B, H = undefined> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  /** Request headers named by the route's `headers` schema (lower-case names). */
  headers: Parsed<H>;
}

/** What a handler receives. No Koa context: handlers stay thin and call services. */
export interface HandlerArgs<P, Q, B, A extends RouteAuth, H = undefined> {
  input: RouteInput<P, Q, B, H>;
  actor: ActorFor<A>;
  services: Services;
  /** The unread request body; present only on routes that declare `streamedBody`. */
  streamedBody?: StreamedBody;
}

/** A route as written in `<feature>.routes.ts`. */
export interface RouteSpec<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType | undefined,
  A extends RouteAuth,
  H extends z.ZodType | undefined = undefined,
> {
  method: HttpMethod;
  /** Koa path with `:name` parameters, always starting with `/api/`. */
  path: string;
  /** One line for the OpenAPI document (English). */
  summary: string;
  description?: string;
  /** OpenAPI tag; defaults to the module's tag. */
  tag?: string;
  auth: A;
  /** Path parameters (an object schema). */
  params?: P;
  /** Query string (an object schema; values arrive as strings, so coerce). Unlisted parameters are refused. */
  query?: Q;
  /** JSON body. */
  body?: B;
  /**
   * Request headers the handler reads (an object schema keyed by lower-case header name, e.g.
   * `idempotency-key`); documented as header parameters, issues reported `in: 'headers'`.
   */
  headers?: H;
  /** Response body. Omit for `204 No Content`. */
  response?: R;
  /** Success status. Default 200, or 204 without a response schema. */
  status?: number;
  /** Further success statuses the handler may answer with {@link withStatus} (same response schema). */
  otherStatuses?: readonly number[];
  /** Error codes the handler's services can produce, beyond those the declaration implies. */
  errors?: readonly ErrorCode[];
  /** Rate-limit options, or `false` to exempt the route. */
  rateLimit?: RateLimitOptions | false;
  /**
   * The handler reads the request body itself (`streamedBody` in its args) instead of `body`
   * (uploads). Implies `payload_too_large`, `unsupported_media_type` and `validation_error`.
   */
  streamedBody?: StreamedBodySpec;
  /**
   * The handler may answer with a {@link binaryResponse} (file downloads) of these media types
   * instead of JSON; omit `response` then, or keep it when the route answers JSON unless asked
   * for a file (both are documented).
   */
  binaryResponse?: { mediaTypes: readonly string[]; description?: string };
  /**
   * Public GET responses that are the same for everybody may be served from a short-lived
   * per-instance cache (requests without an `Authorization` header only) and carry
   * `Cache-Control: public, max-age=…`. The lifetime is `min(maxAgeSeconds, PUBLIC_CACHE_SECONDS)`,
   * so a deployment (and the test suite) can turn it off. Nothing another instance needs lives
   * only here: every instance builds its own copy from the database.
   */
  publicCache?: { maxAgeSeconds: number };
  /**
   * Rate limit of a public read, or `false` to exempt the route. Default: on for routes with
   * `publicCache`, off for other reads.
   */
  publicReadLimit?: PublicReadLimitOptions | false;
  /** Called after every 200 answer, rendered or from the public cache (see {@link ServedHook}). */
  onServed?: ServedHook;
  handler: (args: HandlerArgs<P, Q, B, A, H>) => Promise<HandlerResult<R>> | HandlerResult<R>;
}

/**
 * Runs after each 200 answer of a route, whether the handler rendered it or the public cache
 * served it (a cache hit runs no handler and has no actor): counts reads, such as a policy's views.
 * Synchronous and cheap; `params` are the raw path parameters of an answered request.
 */
export type ServedHook = (args: { params: Record<string, string>; actor: Actor | null; services: Services }) => void;

/** A declared route with its type parameters erased, as the framework stores it. */
export interface Route {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  auth: RouteAuth;
  schemas: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; headers?: z.ZodType; response?: z.ZodType };
  status: number;
  /** Success statuses besides `status` that the handler may choose with {@link withStatus}. */
  otherStatuses: readonly number[];
  /** Every error code the route can return: declared plus implied, without duplicates. */
  errors: readonly ErrorCode[];
  /** Resolved rate-limit options, or false. */
  rateLimit: RateLimitOptions | false;
  /** Set when the handler reads the body itself. */
  streamedBody?: StreamedBodySpec;
  /** Set when the handler may answer with a binary stream. */
  binaryResponse?: { mediaTypes: readonly string[]; description?: string };
  /** Set when anonymous responses may be cached for a few seconds (see {@link RouteSpec.publicCache}). */
  publicCache?: { maxAgeSeconds: number };
  /** Resolved public read limit, or false. */
  publicReadLimit: PublicReadLimitOptions | false;
  /** Set when the route counts its answers (see {@link ServedHook}). */
  onServed?: ServedHook;
  /** Runs the handler with input already parsed by `schemas`. */
  invoke(args: { input: { params: unknown; query: unknown; body: unknown; headers?: unknown }; actor: Actor; services: Services; streamedBody?: StreamedBody }): Promise<unknown>;
}

/** A feature's routes under one OpenAPI tag. */
export interface RouteModule {
  tag: string;
  description: string;
  routes: readonly Route[];
}

const WRITE_METHODS: readonly HttpMethod[] = ['post', 'put', 'patch', 'delete'];

/** Declares one route; see the module comment for an example. */
export function defineRoute<
  A extends RouteAuth,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
  H extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B, R, A, H>): Route {
  if (!spec.path.startsWith('/api/')) throw new Error(`route ${spec.method.toUpperCase()} ${spec.path}: paths start with /api/`);
  const rateLimit: RateLimitOptions | false =
    spec.rateLimit === false ? false : spec.rateLimit ?? (WRITE_METHODS.includes(spec.method) ? {} : false);
  const implied: ErrorCode[] = [];
  // Every route refuses parameters and body fields it does not declare (ADR 104), so every route
  // can answer validation_error.
  implied.push('validation_error');
  if (spec.body) implied.push('invalid_json', 'unsupported_media_type', 'payload_too_large');
  if (spec.publicCache && (spec.method !== 'get' || spec.auth !== 'public')) {
    throw new Error(`route ${spec.method.toUpperCase()} ${spec.path}: publicCache is for public GET routes only`);
  }
  if (spec.body && spec.streamedBody) throw new Error(`route ${spec.method.toUpperCase()} ${spec.path}: declare either body or streamedBody`);
  if (spec.streamedBody) implied.push('validation_error', 'unsupported_media_type', 'payload_too_large');
  // Every route refuses a bad token, public ones included; only routes citizens may call see a
  // blocked citizen (public routes serve them as anonymous).
  implied.push('unauthorized');
  if (spec.auth !== 'public') implied.push('forbidden');
  if (spec.auth === 'citizen' || spec.auth === 'signedIn') implied.push('user_blocked');
  const publicReadLimit: PublicReadLimitOptions | false =
    spec.publicReadLimit === false ? false : spec.publicReadLimit ?? (spec.publicCache ? {} : false);
  if (publicReadLimit && (spec.method !== 'get' || spec.auth !== 'public')) {
    throw new Error(`route ${spec.method.toUpperCase()} ${spec.path}: publicReadLimit is for public GET routes only`);
  }
  if (rateLimit || publicReadLimit) implied.push('rate_limited');
  implied.push('internal_error');
  const schemas: Route['schemas'] = {};
  if (spec.params) schemas.params = spec.params;
  if (spec.query) schemas.query = spec.query;
  if (spec.body) schemas.body = spec.body;
  if (spec.headers) schemas.headers = spec.headers;
  if (spec.response) schemas.response = spec.response;
  return {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    tag: spec.tag ?? '',
    auth: spec.auth,
    schemas,
    status: spec.status ?? (spec.response || spec.binaryResponse ? 200 : 204),
    otherStatuses: [...(spec.otherStatuses ?? [])],
    errors: [...new Set([...(spec.errors ?? []), ...implied])],
    rateLimit,
    publicReadLimit,
    ...(spec.streamedBody === undefined ? {} : { streamedBody: spec.streamedBody }),
    ...(spec.binaryResponse === undefined ? {} : { binaryResponse: spec.binaryResponse }),
    ...(spec.publicCache === undefined ? {} : { publicCache: spec.publicCache }),
    ...(spec.onServed === undefined ? {} : { onServed: spec.onServed }),
    // The casts are sound: the framework parsed params/query/body with these very schemas and
    // the auth middleware built the actor kind that `auth` demands.
    invoke: async ({ input, actor, services, streamedBody }) =>
      spec.handler({
        input: { headers: {}, ...input } as RouteInput<P, Q, B, H>,
        actor: actor as ActorFor<A>,
        services,
        ...(streamedBody === undefined ? {} : { streamedBody }),
      }),
  };
}

/** Groups a feature's routes under one OpenAPI tag (applied to routes without their own). */
export function defineRouteModule(module: { tag: string; description: string; routes: readonly Route[] }): RouteModule {
  return { ...module, routes: module.routes.map((r) => (r.tag ? r : { ...r, tag: module.tag })) };
}
