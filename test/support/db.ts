/**
 * A database of its own for one test file, on the run's server (embedded, or the real MongoDB
 * named by TEST_MONGODB_URI). Call `openTestDatabase()` in `beforeAll` and `close()` in `afterAll`.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

export interface TestDatabase {
  /** Connection string including the database name. */
  uri: string;
  dbName: string;
  kind: 'embedded' | 'mongodb';
  /** A mongoose connection to the database (not the global default connection). */
  connection: mongoose.Connection;
  /** Removes every document of every collection (keeps indexes). */
  clear(): Promise<void>;
  /** Drops the database and closes the connection. */
  close(): Promise<void>;
}

/** The run's server URI without a database name. */
export function testServerUri(): string {
  const uri = process.env.TEST_DB_URI;
  if (!uri) throw new Error('TEST_DB_URI is not set: jest globalSetup (test/support/global-setup.ts) did not run');
  return uri;
}

/** Puts `dbName` into a MongoDB connection string, keeping its query options. */
export function withDatabaseName(serverUri: string, dbName: string): string {
  const u = new URL(serverUri);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export async function openTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const dbName = `${prefix}_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  const uri = withDatabaseName(testServerUri(), dbName);
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  return {
    uri,
    dbName,
    kind: process.env.TEST_DB_KIND === 'mongodb' ? 'mongodb' : 'embedded',
    connection,
    async clear() {
      const db = connection.db!;
      for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
        await db.collection(c.name).deleteMany({});
      }
    },
    async close() {
      await connection.dropDatabase();
      await connection.close();
    },
  };
}
