/**
 * Security headers through HTTP: nosniff and the referrer policy on every response (success,
 * errors, 404s, downloads), and the document headers (CSP with frame-ancestors 'none',
 * X-Frame-Options) on HTML, keyed on the Content-Type so later static pages get them too.
 */
import { Readable } from 'node:stream';
import request from 'supertest';
import { AppError } from '../../server/src/lib/errors';
import { binaryResponse, defineRoute, defineRouteModule } from '../../server/src/lib/route';
import { auth, createTestApp, type TestApp } from '../support/app';
import { PLATFORM_TEST_ENV, pngBytes, upload } from '../support/platform-factories';

const PAGE = '<!doctype html><html lang="zh-CN"><head><title>政务公开</title></head><body><div id="app"></div></body></html>';

// A page served the way the staff console and the H5 build will be: a stream with an HTML type.
const probes = defineRouteModule({
  tag: 'probe',
  description: 'Pages and failures for the security-header tests',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/probe/page',
      summary: 'An HTML page',
      auth: 'public',
      binaryResponse: { mediaTypes: ['text/html'] },
      handler: () => binaryResponse({ stream: Readable.from([Buffer.from(PAGE)]), contentType: 'text/html; charset=utf-8' }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/probe/crash',
      summary: 'A programming error',
      auth: 'public',
      handler: () => {
        throw new Error('boom');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/probe/conflict',
      summary: 'An AppError',
      auth: 'public',
      errors: ['invalid_state'],
      handler: () => {
        throw new AppError('invalid_state');
      },
    }),
  ],
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: PLATFORM_TEST_ENV, extraRoutes: [probes] });
});
afterAll(() => t.close());

function expectCommonHeaders(res: request.Response, what: string) {
  expect({ what, nosniff: res.headers['x-content-type-options'], referrer: res.headers['referrer-policy'] }).toEqual({
    what,
    nosniff: 'nosniff',
    referrer: 'no-referrer',
  });
}

function expectNoDocumentHeaders(res: request.Response, what: string) {
  expect({ what, csp: res.headers['content-security-policy'], frame: res.headers['x-frame-options'] }).toEqual({
    what,
    csp: undefined,
    frame: undefined,
  });
}

describe('security headers', () => {
  it('sends nosniff and no-referrer on JSON answers, errors, 404s, 405s and file downloads', async () => {
    const token = await t.citizenToken('headers');
    const up = await upload(t, token, pngBytes(), 'a.png');
    expect(up.status).toBe(201);
    const cases: [string, request.Test, number][] = [
      ['health', request(t.app).get('/api/health'), 200],
      ['created', upload(t, token, pngBytes(), 'b.png'), 201],
      ['download', request(t.app).get(`/api/uploads/${up.body.id}`).set(auth(token)), 200],
      ['openapi', request(t.app).get('/api/openapi.json'), 200],
      ['unknown path', request(t.app).get('/no/such/page'), 404],
      ['unknown api path', request(t.app).get('/api/no-such-thing'), 404],
      ['wrong method', request(t.app).delete('/api/health'), 405],
      ['no token', request(t.app).get('/api/letters/mine'), 401],
      ['bad token', request(t.app).get('/api/letters/mine').set('Authorization', 'Bearer nonsense'), 401],
      ['validation', request(t.app).get('/api/uploads/not-an-id').set(auth(token)), 400],
      ['malformed json', request(t.app).post('/api/auth/wechat').set('Content-Type', 'application/json').send('{"code":'), 400],
      ['app error', request(t.app).get('/api/probe/conflict'), 409],
      ['server error', request(t.app).get('/api/probe/crash'), 500],
      ['preflight', request(t.app).options('/api/health'), 200],
    ];
    for (const [what, req, status] of cases) {
      const res = await req;
      expect({ what, status: res.status }).toEqual({ what, status });
      expectCommonHeaders(res, what);
      expectNoDocumentHeaders(res, what);
    }
  });

  it('adds a Content-Security-Policy refusing framing and X-Frame-Options: DENY to HTML responses', async () => {
    const res = await request(t.app).get('/api/probe/page');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBe(PAGE);
    expectCommonHeaders(res, 'page');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const csp = String(res.headers['content-security-policy']);
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'self'"]);
  });
});
