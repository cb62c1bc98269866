/**
 * Parses a route's params, query, body and declared headers with its schemas, all at once, and
 * refuses the request with every issue found (400 `validation_error`, `details: [{ in, path, message }]`).
 * The parsed values (coerced, trimmed, defaulted) become `ctx.state.input` for the handler.
 */
import { AppError, validationError, type ValidationIssue } from '../lib/errors';
import type { AppMiddleware } from '../lib/http';
import type { Route } from '../lib/route';
import { zodIssues } from './error-handler';

export function validate(schemas: Route['schemas']): AppMiddleware {
  return async (ctx, next) => {
    // A body of another type was left unparsed by the JSON body parser: say so rather than
    // report every field as missing.
    if (schemas.body && ctx.is('application/json') === false) throw new AppError('unsupported_media_type');
    const issues: ValidationIssue[] = [];
    const parse = (where: 'params' | 'query' | 'body' | 'headers', raw: unknown): unknown => {
      const schema = schemas[where];
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
