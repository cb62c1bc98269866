/**
 * Standalone embedded MongoDB-compatible server:
 *   npm run db:embedded -- --port 27017 --dbpath ./.data/db [--host 127.0.0.1]
 * Prints `listening on mongodb://root:<password>@127.0.0.1:<port>/?authSource=admin` once ready:
 * tools read the address, credentials included, from that line (the credentials are generated into
 * `<dbpath>/credentials.json` on the first start and reused). Stops cleanly on SIGINT/SIGTERM.
 */
import path from 'node:path';
import { startEmbeddedMongo } from './index';

function parseArgs(argv: string[]): { port: number; dbpath: string; host: string } {
  const out = { port: 27017, dbpath: path.resolve('.data/db'), host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--port' && value !== undefined) {
      out.port = Number(value);
      i++;
    } else if (arg === '--dbpath' && value !== undefined) {
      out.dbpath = path.resolve(value);
      i++;
    } else if (arg === '--host' && value !== undefined) {
      out.host = value;
      i++;
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run db:embedded -- [--port 27017] [--dbpath ./.data/db] [--host 127.0.0.1]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${arg} (try --help)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) {
    console.error(`invalid --port: ${out.port}`);
    process.exit(2);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const logger = {
    info: (m: string) => console.error(m),
    warn: (m: string) => console.error(`warning: ${m}`),
    error: (m: string) => console.error(`error: ${m}`),
  };
  const db = await startEmbeddedMongo({ port: args.port, host: args.host, dbpath: args.dbpath, logger });
  console.log(`listening on ${db.uri}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: shutting down`);
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`embedded mongo failed to start: ${(err as Error).message}`);
  process.exit(1);
});
