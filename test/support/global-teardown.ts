/** Stops the run's embedded database server and removes its data directory. */
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __EMBEDDED_MONGO__?: { close(): Promise<void> } }).__EMBEDDED_MONGO__;
  if (!server) return;
  await server.close();
  if (process.env.TEST_DB_PATH) rmSync(process.env.TEST_DB_PATH, { recursive: true, force: true });
}
