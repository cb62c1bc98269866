/**
 * Access control of the embedded server as clients meet it: the driver and mongoose with the
 * generated credentials, without them and with wrong ones; the credentials file (created 0600 on
 * the first start, reused afterwards, refused when others may read it); the data directory kept
 * private; and the address `npm run db:embedded` prints. (Specific to the embedded server.)
 */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient, MongoServerError } from 'mongodb';
import mongoose from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';
import { CREDENTIALS_FILE } from '../../server/embedded-mongo/auth/credentials';
import { JOURNAL_FILE } from '../../server/embedded-mongo/store/journal';
import { tempDirs } from '../support/temp-dirs';

const ROOT = path.resolve(__dirname, '../..');

const tempDir = tempDirs('auth');

const mode = (file: string) => statSync(file).mode & 0o777;

/** The server's URI with other credentials (or none). */
function withCredentials(uri: string, username: string, password: string): string {
  const u = new URL(uri);
  u.username = username;
  u.password = password;
  if (!username) u.search = '';
  return u.toString();
}

/** The server's URI naming a database, credentials and authSource kept. */
const inDatabase = (uri: string, db: string) => Object.assign(new URL(uri), { pathname: `/${db}` }).toString();

async function connectError(uri: string): Promise<unknown> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    await client.db('app').collection('people').findOne({});
    return null;
  } catch (err) {
    return err;
  } finally {
    await client.close();
  }
}

describe('a server with a data directory', () => {
  let dbpath: string;
  let server: EmbeddedMongo;
  const warnings: string[] = [];
  beforeAll(async () => {
    dbpath = path.join(tempDir(), 'db');
    server = await startEmbeddedMongo({ port: 0, dbpath, logger: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined } });
  });
  afterAll(() => server.close());

  it('prints an address with credentials and authSource=admin', () => {
    expect(server.uri).toBe(`mongodb://root:${server.credentials.password}@127.0.0.1:${server.port}/?authSource=admin`);
    expect(server.credentials.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('serves the driver that connects with those credentials', async () => {
    const client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 3000 });
    try {
      const people = client.db('app').collection('people');
      await people.insertOne({ name: '钱多多', mobile: '13800000000' });
      expect(await people.findOne({ name: '钱多多' }, { projection: { _id: 0 } })).toEqual({ name: '钱多多', mobile: '13800000000' });
    } finally {
      await client.close();
    }
  });

  it('serves mongoose connected to a database of its own with those credentials', async () => {
    const connection = await mongoose.createConnection(inDatabase(server.uri, 'mongooseapp'), { serverSelectionTimeoutMS: 3000 }).asPromise();
    try {
      const Note = connection.model('Note', new mongoose.Schema({ text: String }));
      await Note.create({ text: '公开前审核' });
      expect((await Note.findOne({}).lean())?.text).toBe('公开前审核');
    } finally {
      await connection.close();
    }
  });

  it('refuses a client without credentials with Unauthorized (13), so it reads nothing', async () => {
    const err = await connectError(withCredentials(server.uri, '', ''));
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 13, codeName: 'Unauthorized', message: 'Command find requires authentication' });
  });

  it('refuses a wrong password, a wrong user and the wrong authSource with AuthenticationFailed (18)', async () => {
    const wrongPassword = withCredentials(server.uri, 'root', `${server.credentials.password.slice(1)}x`);
    const wrongUser = withCredentials(server.uri, 'admin', server.credentials.password);
    const wrongSource = server.uri.replace('authSource=admin', 'authSource=app');
    for (const uri of [wrongPassword, wrongUser, wrongSource]) {
      const err = await connectError(uri);
      expect(err).toBeInstanceOf(MongoServerError);
      expect(err).toMatchObject({ code: 18, codeName: 'AuthenticationFailed', message: 'Authentication failed.' });
    }
    expect(warnings.some((w) => w.includes('authentication failed') && w.includes('127.0.0.1'))).toBe(true);
    expect(warnings.join('\n')).not.toContain(server.credentials.password);
  });

  it('keeps its credentials in a file only its user can read, and the directory private', () => {
    const file = path.join(dbpath, CREDENTIALS_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ username: 'root', password: server.credentials.password });
    expect(mode(file)).toBe(0o600);
    expect(mode(dbpath)).toBe(0o700);
    expect(mode(path.join(dbpath, JOURNAL_FILE))).toBe(0o600);
  });
});

it('reuses the generated credentials after a restart, so a saved address keeps working', async () => {
  const dbpath = tempDir();
  const first = await startEmbeddedMongo({ port: 0, dbpath });
  const { uri, credentials } = first;
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 3000 });
  await client.db('app').collection('kept').insertOne({ _id: 1 } as never);
  await client.close();
  await first.close();

  const second = await startEmbeddedMongo({ port: 0, dbpath });
  try {
    expect(second.credentials).toEqual(credentials);
    const again = await MongoClient.connect(second.uri, { serverSelectionTimeoutMS: 3000 });
    expect(await again.db('app').collection('kept').countDocuments()).toBe(1);
    await again.close();
  } finally {
    await second.close();
  }
});

it('refuses to start while its credentials file is readable by other users', async () => {
  const dbpath = tempDir();
  await (await startEmbeddedMongo({ port: 0, dbpath })).close();
  const file = path.join(dbpath, CREDENTIALS_FILE);
  chmodSync(file, 0o644);
  await expect(startEmbeddedMongo({ port: 0, dbpath })).rejects.toThrow(/credentials\.json is readable by other users \(mode 644\)/);
  // The refusal released the data directory: fixed, it starts.
  chmodSync(file, 0o600);
  await (await startEmbeddedMongo({ port: 0, dbpath })).close();
});

it('refuses a credentials file it cannot use, naming the way out', async () => {
  const dbpath = tempDir();
  const file = path.join(dbpath, CREDENTIALS_FILE);
  for (const content of ['not json', JSON.stringify({ username: 'root' }), JSON.stringify({ username: 'root', password: '密码密码' })]) {
    writeFileSync(file, content, { mode: 0o600 });
    await expect(startEmbeddedMongo({ port: 0, dbpath })).rejects.toThrow(/delete it to generate new credentials/);
  }
});

it('makes a data directory left open by an earlier version private, with a warning', async () => {
  const dbpath = tempDir();
  await (await startEmbeddedMongo({ port: 0, dbpath })).close();
  chmodSync(dbpath, 0o755);
  chmodSync(path.join(dbpath, JOURNAL_FILE), 0o644);
  const warnings: string[] = [];
  const server = await startEmbeddedMongo({ port: 0, dbpath, logger: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined } });
  await server.close();
  expect(mode(dbpath)).toBe(0o700);
  expect(mode(path.join(dbpath, JOURNAL_FILE))).toBe(0o600);
  expect(warnings.filter((w) => w.includes('accessible to other users'))).toHaveLength(2);
});

describe('npm run db:embedded', () => {
  /** Runs the CLI until it prints its address; resolves with that line and a stop function. */
  async function runCli(dbpath: string): Promise<{ line: string; stop(): Promise<void> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/embedded-mongo/cli.ts'), '--port', '0', '--dbpath', dbpath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${err}`)), 20_000);
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /^listening on .*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)));
    });
    return {
      line,
      async stop() {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      },
    };
  }

  it('prints a listening line whose address carries working credentials, the same after a restart', async () => {
    const dbpath = tempDir();
    const first = await runCli(dbpath);
    const match = /^listening on (mongodb:\/\/root:([A-Za-z0-9_-]{32})@127\.0\.0\.1:\d+\/\?authSource=admin)$/.exec(first.line);
    expect(match).not.toBeNull();
    const [, uri, password] = match!;
    try {
      const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
      expect(await client.db('admin').command({ connectionStatus: 1 })).toMatchObject({ authInfo: { authenticatedUsers: [{ user: 'root', db: 'admin' }] } });
      await client.db('app').collection('cli').insertOne({ ok: true });
      await client.close();
    } finally {
      await first.stop();
    }
    const second = await runCli(dbpath);
    try {
      expect(second.line).toContain(`mongodb://root:${password}@127.0.0.1:`);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
