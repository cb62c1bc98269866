/** GET /api/health through HTTP on the real database. */
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('GET /api/health', () => {
  it('answers ok with the kind of database it runs on', async () => {
    const res = await request(t.app).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: t.db.kind });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 503 service_unavailable when the database does not answer', async () => {
    const { openTestDatabase } = await import('../support/db');
    const db = await openTestDatabase('health');
    const broken = await createTestApp({ database: db });
    await db.close();
    try {
      const res = await request(broken.app).get('/api/health');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('service_unavailable');
    } finally {
      await broken.close();
    }
  });
});
