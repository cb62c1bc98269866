/**
 * The data directory holds every document in clear (the journal) and the server's credentials, so
 * it is private to the user the server runs as: created 0700, its files 0600. A directory made by
 * an earlier version (0755 / 0644 under the usual umask) is tightened at start, with a warning,
 * rather than refused, so an upgrade keeps working; authentication on the port would mean little
 * if any local user could read the journal instead.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DATA_FILE_MODE, JOURNAL_FILE, LOCK_FILE, type JournalLogger } from './journal';

const DATA_DIR_MODE = 0o700;

/**
 * The engine's files in the data directory (others there are left alone). The credentials file is
 * not tightened but refused when open (auth/credentials.ts): its password may already be known.
 */
const DATA_FILES = [JOURNAL_FILE, 'journal.tmp', LOCK_FILE];

/** Creates the data directory (0700), or tightens an existing one and the server's files in it. */
export function prepareDataDirectory(dbpath: string, logger?: JournalLogger): void {
  mkdirSync(dbpath, { recursive: true, mode: DATA_DIR_MODE });
  if (process.platform === 'win32') return;
  tighten(dbpath, DATA_DIR_MODE, logger);
  for (const name of DATA_FILES) {
    const file = path.join(dbpath, name);
    if (existsSync(file)) tighten(file, DATA_FILE_MODE, logger);
  }
}

function tighten(target: string, mode: number, logger?: JournalLogger): void {
  const current = statSync(target).mode & 0o777;
  if ((current & 0o077) === 0) return;
  try {
    chmodSync(target, current & mode);
  } catch (err) {
    throw new Error(`${target} is accessible to other users (mode ${current.toString(8)}) and could not be changed: ${(err as Error).message}`, { cause: err });
  }
  logger?.warn(`embedded mongo: ${target} was accessible to other users (mode ${current.toString(8)}); changed it to ${(current & mode).toString(8)}`);
}
