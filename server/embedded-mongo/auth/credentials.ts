/**
 * The embedded server's one user: generated on the first start into `credentials.json` in the data
 * directory (mode 0600, written then renamed so a crash never leaves half a file) and reused on
 * every later start, so tools and the BFF can read it back; kept in memory only for a server
 * without a data directory. The file holds the password itself because the server must print a
 * working address on every start (`npm run db:embedded`), like a MongoDB key file; the server
 * derives its SCRAM keys from it at start and never sends it anywhere.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { saslPrepPassword } from './scram';

/** The credentials file in the data directory. */
export const CREDENTIALS_FILE = 'credentials.json';
/** The user's name; it is defined in the `admin` database (`authSource=admin`). */
const DEFAULT_USERNAME = 'root';
/** The database the user is defined in. */
export const AUTH_DATABASE = 'admin';

/** A user name and password of the embedded server. */
export interface EmbeddedCredentials {
  username: string;
  password: string;
}

/** Windows has no POSIX modes to check or set. */
const POSIX = process.platform !== 'win32';

/** A new random user: 32 base64url characters (192 bits), printable ASCII, safe in a URI. */
export function generateCredentials(): EmbeddedCredentials {
  return { username: DEFAULT_USERNAME, password: randomBytes(24).toString('base64url') };
}

function checkCredentials(value: unknown, file: string): EmbeddedCredentials {
  const v = value as Partial<EmbeddedCredentials> | null;
  if (!v || typeof v.username !== 'string' || typeof v.password !== 'string' || !/^[A-Za-z0-9._-]+$/.test(v.username)) {
    throw new Error(`${file} must hold {"username": "<letters, digits, . _ ->", "password": "<printable ASCII>"}; delete it to generate new credentials`);
  }
  try {
    saslPrepPassword(v.password);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}; delete it to generate new credentials`, { cause: err });
  }
  return { username: v.username, password: v.password };
}

/**
 * The credentials stored in a data directory, or null when it has none yet. Refuses a file that
 * other users may read (the password would be known to them), as mongod refuses an open key file.
 */
export function readCredentials(dbpath: string): EmbeddedCredentials | null {
  const file = path.join(dbpath, CREDENTIALS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const mode = statSync(file).mode & 0o777;
  if (POSIX && (mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by other users (mode ${mode.toString(8)}): run chmod 600 on it, or delete it to generate new credentials`);
  }
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* reported below */
  }
  return checkCredentials(parsed, file);
}

/**
 * The data directory's credentials, generated on the first start. Call with the data directory
 * locked, so two servers never race to create them.
 */
export function loadOrCreateCredentials(dbpath: string, logger?: { info(msg: string): void }): EmbeddedCredentials {
  const existing = readCredentials(dbpath);
  if (existing) return existing;
  const file = path.join(dbpath, CREDENTIALS_FILE);
  const credentials = generateCredentials();
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true }); // left by a crash during an earlier first start
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(credentials, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDirectory(dbpath);
  logger?.info(`embedded mongo: generated credentials for user "${credentials.username}" in ${file} (mode 0600)`);
  return credentials;
}

function syncDirectory(dir: string): void {
  if (!POSIX) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `mongodb://user:password@host:port/?authSource=admin` for a listening address `host:port`. */
export function credentialsUri(address: string, credentials: EmbeddedCredentials): string {
  return `mongodb://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@${address}/?authSource=${AUTH_DATABASE}`;
}
