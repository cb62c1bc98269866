/**
 * The staff console's build (docs/decisions/101-console-stack.md). Root is this folder; the build
 * goes to `<repo>/dist/console` with hashed files under `assets/`, served by the BFF at `/admin/`.
 * `npm run dev:console` serves it with hot reload and passes `/api` to the BFF of `npm start`.
 */
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: path.resolve(here, '..', 'dist', 'console'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // antd alone is larger than Vite's default warning size; the initial bundle is measured instead.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
