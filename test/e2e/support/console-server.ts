/**
 * Serves the console build at `/admin/` (history fallback to its index.html) with `/api/*`
 * proxied to the BFF, on one origin as in production. A stand-in until the BFF serves
 * `dist/console` itself; then the console tests can use the BFF's address directly.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { proxy, TYPES, type StaticServer } from './static-server';

/** Serves `root` under `/admin/` on a free loopback port and proxies `/api/*` to `apiTarget`. */
export async function startConsoleServer(root: string, apiTarget: string): Promise<StaticServer> {
  const target = new URL(apiTarget);
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) return proxy(req, res, target);
    const pathname = decodeURIComponent(new URL(url, 'http://x').pathname);
    if (!pathname.startsWith('/admin')) {
      res.writeHead(302, { location: '/admin/' }).end();
      return;
    }
    let file = path.join(base, path.normalize(pathname.slice('/admin'.length) || '/'));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // A missing hashed asset is a 404; any other path is a console route.
      if (pathname.startsWith('/admin/assets/')) {
        res.writeHead(404).end();
        return;
      }
      file = path.join(base, 'index.html');
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
