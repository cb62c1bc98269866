/**
 * Starts one database server for the whole jest run, unless TEST_MONGODB_URI points at a real
 * MongoDB (replica set, for transactions). Each test file then works in a database of its own
 * (see `test/support/db.ts`), so files never see each other's data.
 */
import { mkdtempSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) {
    process.env.TEST_DB_URI = process.env.TEST_MONGODB_URI;
    process.env.TEST_DB_KIND = 'mongodb';
    return;
  }
  const { startEmbeddedMongo } = await import('../../server/embedded-mongo');
  const tmpRoot = path.resolve(__dirname, '../../tmp');
  mkdirSync(tmpRoot, { recursive: true });
  const dbpath = mkdtempSync(path.join(tmpRoot, 'jest-db-'));
  const server = await startEmbeddedMongo({ port: 0, dbpath });
  (globalThis as { __EMBEDDED_MONGO__?: unknown }).__EMBEDDED_MONGO__ = server;
  // The URI carries the server's generated credentials (it requires authentication).
  process.env.TEST_DB_URI = server.uri;
  process.env.TEST_DB_KIND = 'embedded';
  process.env.TEST_DB_PATH = dbpath;
}
