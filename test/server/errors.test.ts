/**
 * Error responses and request ids through HTTP: every mapping of the error middleware, with probe
 * routes (declared like any feature route) that raise each kind of error for real.
 */
import { Types } from 'mongoose';
import request from 'supertest';
import { z } from 'zod';
import { ERROR_MESSAGES, ErrorResponseSchema } from '../../shared/errors';
import { AppError, tooManyRequests } from '../../server/src/lib/errors';
import { defineRoute, defineRouteModule } from '../../server/src/lib/route';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;

const probes = defineRouteModule({
  tag: 'probe',
  description: 'Raises errors for the error-handler tests',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/probe/app-error',
      summary: 'AppError',
      auth: 'public',
      errors: ['invalid_state'],
      handler: () => {
        throw new AppError('invalid_state', { details: { status: 'rejected' } });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/probe/zod',
      summary: 'A service parsing with a schema',
      auth: 'public',
      handler: () => {
        z.object({ title: z.string({ error: '请填写标题' }), count: z.number().min(1) }).parse({ count: 0 });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/probe/mongoose-validation',
      summary: 'mongoose ValidationError',
      auth: 'public',
      handler: async () => {
        await t.models.Department.create({ description: 'no name' });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/probe/cast',
      summary: 'mongoose CastError',
      auth: 'public',
      handler: async () => {
        await t.models.Department.findOne({ _id: 'not-an-object-id' });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/probe/duplicate',
      summary: 'E11000',
      auth: 'public',
      handler: async () => {
        const _id = new Types.ObjectId();
        const raw = t.db.connection.collection('probe_duplicates');
        await raw.insertOne({ _id, openid: 'o-secret-value' });
        await raw.insertOne({ _id, openid: 'o-secret-value' });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/probe/crash',
      summary: 'An unexpected error',
      auth: 'public',
      handler: () => {
        throw new Error('internal detail: connection string mongodb://user:pw@host');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/probe/slow-down',
      summary: 'tooManyRequests',
      auth: 'public',
      errors: ['rate_limited'],
      handler: () => {
        throw tooManyRequests(12.2);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/probe/echo',
      summary: 'Echoes a JSON body',
      auth: 'public',
      rateLimit: false,
      body: z.object({ text: z.string() }),
      response: z.object({ text: z.string() }),
      handler: ({ input }) => ({ text: input.body.text }),
    }),
  ],
});

beforeAll(async () => {
  t = await createTestApp({ extraRoutes: [probes], env: { JSON_BODY_LIMIT_BYTES: '2048' } });
});
afterAll(() => t.close());

/** Checks the shared error shape and returns the error. */
function errorOf(body: unknown) {
  const parsed = ErrorResponseSchema.safeParse(body);
  if (!parsed.success) throw new Error(`not an error response: ${JSON.stringify(body)}`);
  return parsed.data.error;
}

describe('error responses', () => {
  it('answers an unknown path with 404 not_found in the shared shape', async () => {
    const res = await request(t.app).get('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(errorOf(res.body)).toEqual({ code: 'not_found', message: ERROR_MESSAGES.not_found });
  });

  it('answers a known path with the wrong method with 405 method_not_allowed', async () => {
    const res = await request(t.app).delete('/api/health');
    expect(res.status).toBe(405);
    expect(errorOf(res.body).code).toBe('method_not_allowed');
    expect(res.headers.allow).toContain('GET');
  });

  it('sends an AppError with its code, status, Chinese message and details', async () => {
    const res = await request(t.app).get('/api/probe/app-error');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'invalid_state', message: ERROR_MESSAGES.invalid_state, details: { status: 'rejected' } } });
  });

  it('turns a zod error thrown by a service into 400 validation_error with every issue', async () => {
    const res = await request(t.app).get('/api/probe/zod');
    expect(res.status).toBe(400);
    const error = errorOf(res.body);
    expect(error.code).toBe('validation_error');
    expect(error.details).toEqual([
      { path: 'title', message: '请填写标题' },
      { path: 'count', message: '不能小于1' },
    ]);
  });

  it('turns a mongoose ValidationError into 400 validation_error naming the field', async () => {
    const res = await request(t.app).get('/api/probe/mongoose-validation');
    expect(res.status).toBe(400);
    expect(errorOf(res.body)).toMatchObject({ code: 'validation_error', details: [{ path: 'name', message: '此项为必填项' }] });
  });

  it('turns a mongoose CastError into 400 validation_error', async () => {
    const res = await request(t.app).get('/api/probe/cast');
    expect(res.status).toBe(400);
    expect(errorOf(res.body)).toMatchObject({ code: 'validation_error', details: [{ path: '_id', message: '格式不正确' }] });
  });

  it('turns a duplicate key (E11000) into 409 conflict without echoing the duplicate value', async () => {
    const res = await request(t.app).get('/api/probe/duplicate');
    expect(res.status).toBe(409);
    expect(errorOf(res.body).code).toBe('conflict');
    expect(JSON.stringify(res.body)).not.toContain('o-secret-value');
  });

  it('masks an unexpected error as 500 internal_error and logs it with the request id', async () => {
    const res = await request(t.app).get('/api/probe/crash').set('x-request-id', 'crash-probe-0001');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: ERROR_MESSAGES.internal_error } });
    expect(JSON.stringify(res.body)).not.toContain('internal detail');
    const logged = t.logs.find((l) => l.reqId === 'crash-probe-0001' && l.msg === 'request error');
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('internal detail');
  });

  it('sends 429 rate_limited with retryAfter in details and a Retry-After header', async () => {
    const res = await request(t.app).get('/api/probe/slow-down');
    expect(res.status).toBe(429);
    expect(res.body.error).toEqual({ code: 'rate_limited', message: ERROR_MESSAGES.rate_limited, details: { retryAfter: 13 } });
    expect(res.headers['retry-after']).toBe('13');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await request(t.app).post('/api/probe/echo').set('content-type', 'application/json').send('{"text": "unterminated');
    expect(res.status).toBe(400);
    expect(errorOf(res.body).code).toBe('invalid_json');
  });

  it('answers a JSON body over the configured limit with 413 payload_too_large', async () => {
    const res = await request(t.app).post('/api/probe/echo').send({ text: 'x'.repeat(4000) });
    expect(res.status).toBe(413);
    expect(errorOf(res.body)).toMatchObject({ code: 'payload_too_large', details: { limitBytes: 2048 } });
  });

  it('answers a body that is not JSON with 415 unsupported_media_type', async () => {
    const res = await request(t.app).post('/api/probe/echo').set('content-type', 'text/plain').send('text=hello');
    expect(res.status).toBe(415);
    expect(errorOf(res.body).code).toBe('unsupported_media_type');
  });

  it('accepts a body within the limit', async () => {
    const res = await request(t.app).post('/api/probe/echo').send({ text: '你好' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ text: '你好' });
  });
});

describe('request ids', () => {
  it('generates an id when the request has none and returns it on the response', async () => {
    const res = await request(t.app).get('/api/health');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('keeps a sane incoming id', async () => {
    const res = await request(t.app).get('/api/health').set('x-request-id', 'lb-7f3a9c21.abc:42');
    expect(res.headers['x-request-id']).toBe('lb-7f3a9c21.abc:42');
  });

  it.each([
    ['too short', 'abc'],
    ['too long', 'a'.repeat(200)],
    ['with spaces or quotes', 'id with "quotes"'],
  ])('replaces an incoming id that is %s', async (_why, id) => {
    const res = await request(t.app).get('/api/health').set('x-request-id', id);
    expect(res.headers['x-request-id']).not.toBe(id);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the id on error responses too', async () => {
    const res = await request(t.app).get('/api/nowhere').set('x-request-id', 'error-path-id-1');
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toBe('error-path-id-1');
  });

  it('logs one line per request with id, method, path, status and duration, without query string or token', async () => {
    const token = await t.citizenToken('logline');
    // A query the route accepts (unknown parameters are refused, ADR 104).
    const res = await request(t.app).get('/api/letters/public?q=13812345678').set('x-request-id', 'log-line-check-1').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const line = t.logs.find((l) => l.reqId === 'log-line-check-1' && l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', path: '/api/letters/public', status: 200, ms: expect.any(Number) });
    const all = JSON.stringify(t.logs);
    expect(all).not.toContain(token);
    expect(all).not.toContain('13812345678');
  });
});
