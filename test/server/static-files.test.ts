/**
 * The built front ends served by the BFF (middlewares/static-files.ts, ADR 102): the console at
 * /admin/ and the H5 build at /, from a fixture build folder made here (STATIC_DIR), through
 * HTTP on the real app.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';

const ROOT = path.resolve(__dirname, '..', '..');

const CONSOLE_INDEX = '<!doctype html><html><head><script type="module" src="/admin/assets/index-Ab12Cd_9.js"></script></head><body><div id="root"></div></body></html>';
const CONSOLE_JS = 'console.log("console");';
const H5_INDEX = '<!doctype html><html><head><link href="/css/app.0a1b2c3d4e5f.css" rel="stylesheet"></head><body><div id="app"></div><script src="/js/app.1a2b3c4d.js"></script></body></html>';

let t: TestApp;
let fixture: string;
/** The same app on a real port, for request paths a client library would normalise. */
let raw: http.Server;

beforeAll(async () => {
  mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  fixture = mkdtempSync(path.join(ROOT, 'tmp', 'static-fixture-'));
  const dist = path.join(fixture, 'dist');
  mkdirSync(path.join(dist, 'console', 'assets'), { recursive: true });
  mkdirSync(path.join(dist, 'h5', 'js'), { recursive: true });
  mkdirSync(path.join(dist, 'h5', 'css'), { recursive: true });
  writeFileSync(path.join(dist, 'console', 'index.html'), CONSOLE_INDEX);
  writeFileSync(path.join(dist, 'console', 'assets', 'index-Ab12Cd_9.js'), CONSOLE_JS);
  writeFileSync(path.join(dist, 'console', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(dist, 'console', '.build-stamp.json'), '{"secret":"stamp"}');
  writeFileSync(path.join(dist, 'h5', 'index.html'), H5_INDEX);
  writeFileSync(path.join(dist, 'h5', 'js', 'app.1a2b3c4d.js'), 'console.log("h5");');
  writeFileSync(path.join(dist, 'h5', 'css', 'app.0a1b2c3d4e5f.css'), 'body{margin:0}');
  writeFileSync(path.join(dist, 'h5', 'robots.txt'), 'User-agent: *\n');
  writeFileSync(path.join(fixture, 'secret.txt'), 'outside the build');
  symlinkSync(path.join(fixture, 'secret.txt'), path.join(dist, 'console', 'leak.txt'));
  t = await createTestApp({ env: { STATIC_DIR: dist } });
  raw = http.createServer(t.built.callback());
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => raw.close(() => resolve()));
  await t.close();
  rmSync(fixture, { recursive: true, force: true });
});

/** A GET with the path sent byte for byte (no client-side `..` resolution). */
function rawGet(requestPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { port } = raw.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: requestPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the staff console at /admin/', () => {
  it('serves index.html with no-cache and the document security headers', async () => {
    const res = await request(t.app).get('/admin/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toMatch(/^W\/"/);
    expect(res.headers['last-modified']).toBeDefined();
    expect(res.text).toBe(CONSOLE_INDEX);
  });

  it('redirects /admin to /admin/, keeping the query', async () => {
    const res = await request(t.app).get('/admin?next=%2Fletters');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/admin/?next=%2Fletters');
  });

  it('serves a hashed asset as immutable with a script type and no CSP', async () => {
    const res = await request(t.app).get('/admin/assets/index-Ab12Cd_9.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript; charset=utf-8$/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(CONSOLE_JS)));
    expect(res.headers['content-security-policy']).toBeUndefined();
    expect(res.text).toBe(CONSOLE_JS);
  });

  it('serves an unhashed file with no-cache and its type', async () => {
    const res = await request(t.app).get('/admin/favicon.svg');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['cache-control']).toBe('no-cache');
    // SVG is a document a browser renders: it gets the CSP too.
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it('answers 304 to a matching If-None-Match and to If-Modified-Since', async () => {
    const first = await request(t.app).get('/admin/assets/index-Ab12Cd_9.js');
    const byTag = await request(t.app).get('/admin/assets/index-Ab12Cd_9.js').set('If-None-Match', first.headers.etag);
    expect(byTag.status).toBe(304);
    expect(byTag.text).toBe('');
    expect(byTag.headers.etag).toBe(first.headers.etag);
    const byDate = await request(t.app).get('/admin/').set('If-Modified-Since', first.headers['last-modified']);
    expect(byDate.status).toBe(304);
    const otherTag = await request(t.app).get('/admin/assets/index-Ab12Cd_9.js').set('If-None-Match', 'W/"other"');
    expect(otherTag.status).toBe(200);
  });

  it('falls back to index.html for client-side routes', async () => {
    for (const route of ['/admin/letters', '/admin/letters/6650f0c2a1b2c3d4e5f60718', '/admin/letters/', '/admin/policies/new?draft=1']) {
      const res = await request(t.app).get(route);
      expect({ route, status: res.status, cache: res.headers['cache-control'], body: res.text }).toEqual({ route, status: 200, cache: 'no-cache', body: CONSOLE_INDEX });
    }
  });

  it('answers 404, not index.html, for an unknown asset or file name', async () => {
    for (const route of ['/admin/assets/missing-Zz99.js', '/admin/assets/chunk', '/admin/missing.js', '/admin/logo.png']) {
      const res = await request(t.app).get(route);
      expect({ route, status: res.status, code: res.body?.error?.code }).toEqual({ route, status: 404, code: 'not_found' });
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await request(t.app).head('/admin/assets/index-Ab12Cd_9.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(CONSOLE_JS)));
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.text ?? '').toBe('');
  });

  it('refuses other methods with 405 method_not_allowed', async () => {
    const res = await request(t.app).post('/admin/').send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.error.code).toBe('method_not_allowed');
  });
});

describe('paths that must not reach the file system', () => {
  const packageJson = readFileSync(path.join(ROOT, 'package.json'), 'utf8');

  it.each([
    '/admin/../../package.json',
    '/admin/../../../package.json',
    '/admin/%2e%2e/%2e%2e/package.json',
    '/admin/%2E%2E%2F%2E%2E%2Fpackage.json',
    '/admin/..%2f..%2fpackage.json',
    '/admin/..%5c..%5cpackage.json',
    '/../package.json',
    '/%2e%2e/%2e%2e/%2e%2e/package.json',
    '/js/..%2f..%2f..%2fpackage.json',
    '/admin/assets/%00.js',
    '/admin/%E0%A4%A',
  ])('refuses %s', async (requestPath) => {
    const res = await rawGet(requestPath);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('zhengwu-gongkai');
    expect(res.body).not.toBe(packageJson);
    expect(JSON.parse(res.body).error.code).toBe('not_found');
  });

  it('does not serve dotfiles (the build stamp)', async () => {
    for (const p of ['/admin/.build-stamp.json', '/admin/%2ebuild-stamp.json']) {
      const res = await rawGet(p);
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.body).not.toContain('stamp');
    }
  });

  it('does not follow a symlink out of the build folder', async () => {
    const res = await rawGet('/admin/leak.txt');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('outside the build');
  });
});

describe('the H5 build at /', () => {
  it('serves index.html at / and /index.html with no-cache and the CSP', async () => {
    for (const p of ['/', '/index.html']) {
      const res = await request(t.app).get(p);
      expect({ p, status: res.status, type: res.headers['content-type'], cache: res.headers['cache-control'], body: res.text }).toEqual({
        p,
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-cache',
        body: H5_INDEX,
      });
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('serves Taro hashed js and css as immutable', async () => {
    const js = await request(t.app).get('/js/app.1a2b3c4d.js');
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await request(t.app).get('/css/app.0a1b2c3d4e5f.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const robots = await request(t.app).get('/robots.txt');
    expect(robots.headers['cache-control']).toBe('no-cache');
  });

  it('does not fall back to index.html elsewhere (the H5 app routes by hash)', async () => {
    for (const p of ['/pages/index/index', '/js/missing.1a2b3c4d.js', '/admin-x']) {
      const res = await request(t.app).get(p);
      expect({ p, status: res.status, code: res.body?.error?.code }).toEqual({ p, status: 404, code: 'not_found' });
    }
  });
});

describe('the API keeps its own answers', () => {
  it('answers an unknown /api path with the JSON 404', async () => {
    for (const p of ['/api/unknown', '/api', '/api/admin/../../admin/']) {
      const res = await rawGet(p);
      expect({ p, status: res.status, type: res.headers['content-type'] }).toEqual({ p, status: 404, type: 'application/json; charset=utf-8' });
      expect(JSON.parse(res.body).error.code).toBe('not_found');
    }
  });

  it('still answers API routes', async () => {
    const res = await request(t.app).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });
});

describe('SERVE_STATIC=off', () => {
  it('leaves / and /admin/ to the API 404', async () => {
    const off = await createTestApp({ env: { STATIC_DIR: path.join(fixture, 'dist'), SERVE_STATIC: 'off' }, database: t.db });
    try {
      for (const p of ['/', '/admin/', '/admin/assets/index-Ab12Cd_9.js']) {
        const res = await request(off.app).get(p);
        expect({ p, status: res.status, code: res.body?.error?.code }).toEqual({ p, status: 404, code: 'not_found' });
      }
    } finally {
      await off.close();
    }
  });
});
