/** `GET /api/openapi.json`: the OpenAPI 3.1 document generated from the route declarations. */
import { z } from 'zod';
import type { JsonObject } from '../../lib/openapi';
import { defineRoute, defineRouteModule, type RouteModule } from '../../lib/route';

const OpenApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** The route module; `document` is called per request (the document is built once by the app). */
export function createOpenApiRoutes(document: () => JsonObject): RouteModule {
  return defineRouteModule({
    tag: 'meta',
    description: 'API description',
    routes: [
      defineRoute({
        method: 'get',
        path: '/api/openapi.json',
        summary: 'This API as an OpenAPI 3.1 document',
        auth: 'public',
        response: OpenApiDocumentSchema,
        handler: () => OpenApiDocumentSchema.parse(document()),
      }),
    ],
  });
}
