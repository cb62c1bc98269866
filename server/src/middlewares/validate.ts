/**
 * Parses a route's params, query, body and declared headers with its schemas, all at once, and
 * refuses the request with every issue found (400 `validation_error`, `details: [{ in, path, message }]`).
 * The parsed values (coerced, trimmed, defaulted) become `ctx.state.input` for the handler.
 * Params, query and body are strict (ADR 104): a key the schema does not list, at any depth, is an
 * issue of its own (`不支持的参数：sort`), as is any query parameter or body field sent to a route
 * that declares none. Headers are not: clients and proxies send many.
 */
import { AppError, validationError, type ValidationIssue } from '../lib/errors';
import type { AppMiddleware } from '../lib/http';
import type { Route } from '../lib/route';
import { unknownKeys } from '../lib/strict-input';
import { zodIssues } from './error-handler';

export function validate(schemas: Route['schemas'], options: { streamedBody?: boolean } = {}): AppMiddleware {
  return async (ctx, next) => {
    // A body of another type was left unparsed by the JSON body parser: say so rather than
    // report every field as missing.
    if (schemas.body && ctx.is('application/json') === false) throw new AppError('unsupported_media_type');
    const issues: ValidationIssue[] = [];
    const parse = (where: 'params' | 'query' | 'body' | 'headers', raw: unknown): unknown => {
      const schema = schemas[where];
      // A streamed body (uploads) is the handler's to read and judge.
      if (where !== 'headers' && !(where === 'body' && options.streamedBody)) {
        const unknown = schema ? unknownKeys(schema, raw) : Object.keys(isRecord(raw) ? raw : {}).map((key) => [key]);
        for (const path of unknown) {
          const name = path.map(String).join('.');
          issues.push({ in: where, path: name, message: where === 'body' ? `不支持的字段：${name}` : `不支持的参数：${name}` });
        }
      }
      if (!schema) return {};
      const result = schema.safeParse(raw);
      if (result.success) return result.data;
      issues.push(...zodIssues(result.error, where));
      return undefined;
    };
    const input = {
      params: parse('params', ctx.params ?? {}),
      query: parse('query', ctx.query),
      body: parse('body', ctx.request.body ?? {}),
      headers: parse('headers', ctx.headers),
    };
    if (issues.length > 0) throw validationError(issues);
    ctx.state.input = input;
    await next();
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
