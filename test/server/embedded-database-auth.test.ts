/**
 * The embedded database the BFF starts when MONGODB_URI is unset (as `npm start` does) requires
 * authentication: the BFF signs in with the credentials generated into DATA_DIR/db and serves
 * requests, while another local process reaching the database port without them reads nothing,
 * neither citizens' letters nor staff password hashes.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { connectDatabase, type Database } from '../../server/src/lib/db';
import { captureLogger, createTestApp, type TestApp } from '../support/app';

const tmpRoot = path.resolve(__dirname, '../../tmp');

let dataDir: string;
let db: Database;
let t: TestApp;
let port: number;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpRoot, 'db-auth-'));
  db = await connectDatabase({ dataDir, embeddedMongoPort: 0 }, captureLogger().logger);
  port = db.connection.port;
  t = await createTestApp({
    database: { uri: '', dbName: db.connection.name, kind: db.kind, connection: db.connection, clear: async () => undefined, close: () => db.close() },
  });
});

afterAll(async () => {
  await t.close();
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A client of the database port that is not the BFF. */
async function outsider(auth?: { username: string; password: string }): Promise<{ error: unknown; client: MongoClient }> {
  const credentials = auth ? `${encodeURIComponent(auth.username)}:${encodeURIComponent(auth.password)}@` : '';
  const client = new MongoClient(`mongodb://${credentials}127.0.0.1:${port}/?authSource=admin`, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    await client.db(db.connection.name).collection('staff').findOne({});
    return { error: null, client };
  } catch (error) {
    return { error, client };
  }
}

describe('the embedded database behind the BFF', () => {
  it('serves the BFF, which signs in with the generated credentials', async () => {
    const staff = await t.createStaff({ role: 'admin' });
    const health = await request(t.app).get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', db: 'embedded' });
    const login = await request(t.app).post('/api/admin/auth/login').send({ username: staff.staff.username, password: staff.password });
    expect(login.status).toBe(200);
    expect(typeof login.body.token).toBe('string');
    expect(statSync(path.join(dataDir, 'db', 'credentials.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses a local process without credentials: Unauthorized (13), no staff password hash read', async () => {
    await t.createStaff({ role: 'office' });
    const { error, client } = await outsider();
    await client.close();
    expect(error).toMatchObject({ code: 13, codeName: 'Unauthorized', message: 'Command find requires authentication' });
  });

  it('refuses a local process guessing a password: AuthenticationFailed (18)', async () => {
    const { error, client } = await outsider({ username: 'root', password: 'root' });
    await client.close();
    expect(error).toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
  });
});
