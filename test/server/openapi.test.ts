/**
 * The OpenAPI document is generated from the same declarations that mount the routes; these
 * tests fail if a mounted route is missing from it or is documented incompletely.
 */
import type Router from '@koa/router';
import mongoose from 'mongoose';
import request from 'supertest';
import { ERROR_CODES } from '../../shared/errors';
import { createApp, type App } from '../../server/src/app';
import { parseConfig } from '../../server/src/config';
import { ERROR_STATUS } from '../../server/src/lib/errors';
import type { JsonObject } from '../../server/src/lib/openapi';
import { captureLogger, testEnv } from '../support/app';

// The document needs no database: models are bound to a connection that is never opened.
let app: App;
let connection: mongoose.Connection;
beforeAll(() => {
  connection = mongoose.createConnection();
  app = createApp({ config: parseConfig(testEnv()), logger: captureLogger().logger, connection, dbKind: 'embedded' });
});
afterAll(() => connection.close());

type Operation = {
  security: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: JsonObject }>; 'x-error-codes'?: string[] }>;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  'x-staff-roles'?: string[];
};
const doc = () => app.openapi as unknown as { openapi: string; paths: Record<string, Record<string, Operation>>; components: JsonObject };

/** Every method + path mounted on the Koa app, read from the routers themselves. */
function mountedRoutes(): string[] {
  const out: string[] = [];
  for (const mw of app.koa.middleware) {
    const router = (mw as { router?: Router }).router;
    if (!router) continue;
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (method === 'HEAD') continue; // Koa adds HEAD to every GET.
        out.push(`${method.toLowerCase()} ${String(layer.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      }
    }
  }
  return out.sort();
}

describe('the OpenAPI document', () => {
  it('documents every mounted Koa route and nothing else', () => {
    const documented = Object.entries(doc().paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`))
      .sort();
    const mounted = mountedRoutes();
    expect(mounted.length).toBeGreaterThanOrEqual(16);
    expect(documented).toEqual(mounted);
  });

  it('is OpenAPI 3.1 with bearer security schemes for citizens and staff', () => {
    expect(doc().openapi).toBe('3.1.0');
    expect(doc().components).toMatchObject({
      securitySchemes: {
        citizenToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        staffToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: { ErrorResponse: { type: 'object', required: ['error'] } },
    });
  });

  it('gives every operation a success response and every error with the shared error schema', () => {
    for (const [path, ops] of Object.entries(doc().paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(op.responses).map(Number);
        expect({ where, success: statuses.some((s) => s < 400) }).toEqual({ where, success: true });
        expect({ where, has500: statuses.includes(500) }).toEqual({ where, has500: true });
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          expect(response.content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
          for (const code of response['x-error-codes'] ?? []) {
            expect(ERROR_CODES).toContain(code);
            expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS]).toBe(Number(status));
          }
        }
      }
    }
  });

  it('documents 401 and 403 with the allowed roles on protected routes, and no security on public ones', () => {
    const create = doc().paths['/api/admin/staff'].post;
    expect(create.security).toEqual([{ staffToken: [] }]);
    expect(create['x-staff-roles']).toEqual(['admin']);
    expect(create.responses['401']['x-error-codes']).toEqual(['unauthorized']);
    expect(create.responses['403']['x-error-codes']).toEqual(['forbidden']);
    expect(create.responses['409']['x-error-codes']).toEqual(['username_taken']);
    expect(create.responses['429']['x-error-codes']).toEqual(['rate_limited']);
    expect(create.responses['400']['x-error-codes']).toEqual(expect.arrayContaining(['validation_error', 'invalid_json']));
    const login = doc().paths['/api/auth/wechat'].post;
    expect(login.security).toEqual([]);
    // A public route still refuses a bad token it is sent.
    expect(login.responses['401']['x-error-codes']).toEqual(['invalid_code', 'unauthorized']);
    expect(login.responses['403']['x-error-codes']).toEqual(['user_blocked']);
  });

  it('documents path and query parameters and request bodies from the zod schemas', () => {
    const patch = doc().paths['/api/admin/staff/{id}'].patch;
    expect(patch.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(patch.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { type: 'object' } } } });
    const audit = doc().paths['/api/admin/audit'].get;
    expect(audit.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['cursor', 'limit', 'actorId', 'action', 'targetType', 'targetId', 'from', 'to']),
    );
    expect(audit.parameters?.find((p) => p.name === 'limit')?.required).toBe(false);
  });

  it('is served at GET /api/openapi.json', async () => {
    const res = await request(app.callback()).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(app.openapi)));
  });
});
