/**
 * Policy views are counted per instance and stored by a flush (every few seconds from main.ts, and
 * on a graceful shutdown), so the detail can be served from the public cache with every view
 * still counted. Tests trigger the flush explicitly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { auth, createTestApp, type TestApp } from '../support/app';
import { createPolicyCrew, policyIn, POLICY_TEST_ENV, type PolicyCrew } from '../support/policy-factories';

let t: TestApp;
let crew: PolicyCrew;
beforeAll(async () => {
  t = await createTestApp({ env: { ...POLICY_TEST_ENV, PUBLIC_CACHE_SECONDS: '60' } });
  crew = await createPolicyCrew(t);
});
afterAll(() => t.close());

const stored = async (id: string) => (await t.models.Policy.findById(id).lean())?.viewCount;

it('serves the detail to anonymous readers from the public cache and still counts every view', async () => {
  const id = await policyIn(t, crew, 'published');
  const first = await request(t.app).get(`/api/policies/${id}`);
  expect(first.status).toBe(200);
  expect(first.headers['x-cache']).toBe('miss');
  expect(first.body.viewCount).toBe(1);
  const again = await Promise.all(Array.from({ length: 9 }, () => request(t.app).get(`/api/policies/${id}`)));
  expect(again.map((r) => r.headers['x-cache'])).toEqual(Array(9).fill('hit'));
  // A signed-in citizen bypasses the cache and is counted; a staff preview is neither.
  const citizen = await request(t.app).get(`/api/policies/${id}`).set(auth(await t.citizenToken('views-citizen')));
  expect(citizen.body.viewCount).toBe(11);
  const preview = await request(t.app).get(`/api/policies/${id}`).set(auth(crew.office.token));
  expect(preview.body.viewCount).toBe(11);

  expect(await stored(id)).toBe(0);
  await t.services.policies.flushViews();
  expect(await stored(id)).toBe(11);
});

it('counts nothing for a policy that is not published, nor for an id that is not one', async () => {
  const draft = await policyIn(t, crew, 'draft');
  expect((await request(t.app).get(`/api/policies/${draft}`)).status).toBe(404);
  expect((await request(t.app).get('/api/policies/not-an-id')).status).toBe(400);
  await t.services.policies.flushViews();
  expect(await stored(draft)).toBe(0);
});

it('stores the counted views when the server stops on SIGTERM', async () => {
  const id = await policyIn(t, crew, 'published');
  const dataDir = mkdtempSync(path.join(__dirname, '../../tmp', 'policy-views-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: path.resolve(__dirname, '../..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', MONGODB_URI: t.db.uri, BACKGROUND_TASKS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += String(d);
        const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`the BFF exited with ${code}: ${out.slice(-2000)}`)));
    });
    for (let i = 0; i < 7; i++) expect((await fetch(`${url}/api/policies/${id}`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  }
  expect(await stored(id)).toBe(7);
}, 60_000);
