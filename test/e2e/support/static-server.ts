/**
 * A tiny same-origin server for the browser tests: the H5 build's files, and `/api/*` passed
 * through to the BFF unchanged (so the app calls its own origin and no CORS is involved, as
 * behind the production reverse proxy).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Content types of the files the builds contain. */
export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/** A running static server. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Passes one request through to the BFF unchanged. */
export function proxy(req: http.IncomingMessage, res: http.ServerResponse, target: URL): void {
  const upstream = http.request(
    { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'service_unavailable', message: 'BFF unreachable' } }));
  });
  req.pipe(upstream);
}

function serveFile(req: http.IncomingMessage, res: http.ServerResponse, root: string): void {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  let file = path.join(root, path.normalize(pathname));
  // Never outside the build folder.
  if (!file.startsWith(root)) {
    res.writeHead(403).end();
    return;
  }
  // Hash routing: every page is index.html; unknown paths fall back to it too.
  if (!existsSync(file) || statSync(file).isDirectory()) file = path.join(root, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
}

/** Serves `root` on a free loopback port and proxies `/api/*` to `apiTarget`. */
export async function startStaticServer(root: string, apiTarget: string): Promise<StaticServer> {
  const target = new URL(apiTarget);
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith('/api/') || req.url === '/api') proxy(req, res, target);
    else serveFile(req, res, path.resolve(root));
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
