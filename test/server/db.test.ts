/** connectDatabase: MONGODB_URI when set, else the embedded server on a worker thread under DATA_DIR/db. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { connectDatabase, pingDatabase } from '../../server/src/lib/db';
import { captureLogger } from '../support/app';
import { testServerUri, withDatabaseName } from '../support/db';

const tmpRoot = path.resolve(__dirname, '../../tmp');

describe('connectDatabase', () => {
  it('starts the embedded server under DATA_DIR/db when MONGODB_URI is not set, and stops it on close', async () => {
    const dataDir = mkdtempSync(path.join(tmpRoot, 'db-embedded-'));
    try {
      const { logger } = captureLogger();
      const db = await connectDatabase({ dataDir, embeddedMongoPort: 0 }, logger);
      expect(db.kind).toBe('embedded');
      expect(await pingDatabase(db.connection)).toBe(true);
      await db.connection.collection('probe').insertOne({ ok: 1 });
      expect(existsSync(path.join(dataDir, 'db'))).toBe(true);
      await db.close();
      expect(await pingDatabase(db.connection)).toBe(false);

      // The data survives a restart on the same directory.
      const again = await connectDatabase({ dataDir, embeddedMongoPort: 0 }, logger);
      expect(await again.connection.collection('probe').countDocuments({ ok: 1 })).toBe(1);
      await again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('connects to MONGODB_URI when it is set', async () => {
    const uri = withDatabaseName(testServerUri(), `dbtest_${process.env.JEST_WORKER_ID ?? '0'}`);
    const db = await connectDatabase({ mongodbUri: uri, dataDir: '/nonexistent', embeddedMongoPort: 0 }, captureLogger().logger);
    try {
      expect(db.kind).toBe('mongodb');
      expect(await pingDatabase(db.connection)).toBe(true);
    } finally {
      await db.connection.dropDatabase();
      await db.close();
    }
  });
});
