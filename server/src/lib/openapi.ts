/**
 * Builds the OpenAPI 3.1 document from the route declarations, so it cannot drift from what is
 * mounted: every route with its parameters, body, success response, security and every error
 * code it can return (declared plus implied), all errors sharing `ErrorResponse`. Schemas come
 * from zod 4's `z.toJSONSchema` (JSON Schema 2020-12, which OpenAPI 3.1 uses as is): request
 * schemas in their input form (before defaults and coercion), responses in their output form.
 */
import { z } from 'zod';
import { ERROR_MESSAGES, ErrorResponseSchema, type ErrorCode } from '../../../shared/errors';
import { ERROR_STATUS } from './errors';
import type { Route, RouteModule } from './route';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A JSON object (the document and its parts). */
export type JsonObject = { [key: string]: Json };

/** Metadata of the document. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    // `format: date-time` says it all; zod's equivalent 300-character regex only adds noise.
    override: (ctx) => {
      if (ctx.jsonSchema.format === 'date-time') delete ctx.jsonSchema.pattern;
    },
  }) as JsonObject;
  delete out.$schema;
  return out;
}

/** Koa's `:name` parameters as OpenAPI `{name}` templates. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query' | 'header'): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([name, prop]) => {
    const { description, ...rest } = prop;
    const p: JsonObject = { name, in: where, required: where === 'path' || required.has(name), schema: rest };
    if (typeof description === 'string') p.description = description;
    return p;
  });
}

const SUCCESS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content' };

function errorResponses(codes: readonly ErrorCode[]): JsonObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: JsonObject = {};
  for (const [status, list] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    const examples: JsonObject = {};
    for (const code of list) examples[code] = { summary: ERROR_MESSAGES[code], value: { error: { code, message: ERROR_MESSAGES[code] } } };
    out[String(status)] = {
      description: list.map((c) => `\`${c}\` ${ERROR_MESSAGES[c]}`).join('; '),
      'x-error-codes': list,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' }, examples } },
    };
  }
  return out;
}

function security(route: Route): Json[] {
  if (route.auth === 'public') return [];
  // Alternatives: either token is accepted.
  if (route.auth === 'signedIn') return [{ citizenToken: [] }, { staffToken: [] }];
  return [{ [route.auth === 'citizen' ? 'citizenToken' : 'staffToken']: [] }];
}

function operation(route: Route): JsonObject {
  const op: JsonObject = {
    operationId: `${route.method}${openApiPath(route.path).replace(/^\/api/, '').replace(/[{}]/g, '').replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    security: security(route),
  };
  if (route.description) op.description = route.description;
  if (typeof route.auth === 'object') op['x-staff-roles'] = route.auth.staff.length > 0 ? [...route.auth.staff] : ['any'];
  const params = [
    ...parameters(route.schemas.params, 'path'),
    ...parameters(route.schemas.query, 'query'),
    ...parameters(route.schemas.headers, 'header'),
  ];
  if (params.length > 0) op.parameters = params;
  if (route.schemas.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.schemas.body, 'input') } } };
  }
  if (route.streamedBody) {
    const content: JsonObject = {};
    for (const [mediaType, schema] of Object.entries(route.streamedBody.content)) content[mediaType] = { schema: schema as JsonObject };
    op.requestBody = { required: true, content, ...(route.streamedBody.description ? { description: route.streamedBody.description } : {}) };
  }
  if (route.rateLimit) op['x-rate-limit'] = { bucket: route.rateLimit.bucket ?? 'write' };
  if (route.publicReadLimit) {
    const search = route.publicReadLimit.searchParams ?? [];
    op['x-rate-limit'] = { bucket: 'public_read', ...(search.length > 0 ? { searchBucket: 'public_search', searchParams: [...search] } : {}) };
  }
  const success: JsonObject = { description: SUCCESS_TEXT[route.status] ?? 'Success' };
  if (route.schemas.response) success.content = { 'application/json': { schema: jsonSchema(route.schemas.response, 'output') } };
  if (route.binaryResponse) {
    const content: JsonObject = {};
    for (const mediaType of route.binaryResponse.mediaTypes) content[mediaType] = { schema: { type: 'string', contentMediaType: mediaType } };
    // A route with both keeps its JSON answer next to the file types.
    success.content = { ...((success.content as JsonObject | undefined) ?? {}), ...content };
    if (route.binaryResponse.description) success.description = route.binaryResponse.description;
  }
  const successes: JsonObject = { [String(route.status)]: success };
  for (const other of route.otherStatuses) successes[String(other)] = { ...success, description: SUCCESS_TEXT[other] ?? 'Success' };
  op.responses = { ...successes, ...errorResponses(route.errors) };
  return op;
}

/** The complete document for the given route modules. */
export function buildOpenApiDocument(modules: readonly RouteModule[], info: OpenApiInfo): JsonObject {
  const paths: { [path: string]: JsonObject } = {};
  for (const module of modules) {
    for (const route of module.routes) {
      const path = openApiPath(route.path);
      paths[path] = { ...(paths[path] ?? {}), [route.method]: operation(route) };
    }
  }
  const sortedPaths: JsonObject = {};
  for (const key of Object.keys(paths).sort()) sortedPaths[key] = paths[key];
  return {
    openapi: '3.1.0',
    info: { ...info } as JsonObject,
    tags: modules.map((m) => ({ name: m.tag, description: m.description })),
    paths: sortedPaths,
    components: {
      schemas: { ErrorResponse: jsonSchema(ErrorResponseSchema, 'output') },
      securitySchemes: {
        citizenToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Citizen token from POST /api/auth/wechat',
        },
        staffToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Staff token from POST /api/admin/auth/login; roles per operation in x-staff-roles',
        },
      },
    },
  };
}
