/**
 * What a submission waits for: the letter or survey response itself is acknowledged only once it
 * is durable, while the bookkeeping around it (rate-limit windows, the daily cap, the duplicate
 * lock, the respondent number) is written with `j: false` and waits for no fsync.
 *
 * These tests run on an embedded server of their own, whose group commits they hold back as a
 * disk that has not synced yet would (`Engine.holdJournal`), so they skip against a real MongoDB.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/embedded-mongo';
import { auth, createTestApp, type TestApp } from '../support/app';
import { buildConsultation, CONSULTATION_TEST_ENV, createOpen, standardAnswers } from '../support/consultation-factories';
import { withDatabaseName, type TestDatabase } from '../support/db';
import { buildLetter } from '../support/letter-factories';

const onRealMongo = process.env.TEST_DB_KIND === 'mongodb';
const maybe = onRealMongo ? describe.skip : describe;

let dir: string;
let server: EmbeddedMongo;
let database: TestDatabase;
let t: TestApp;

beforeAll(async () => {
  if (onRealMongo) return;
  const tmp = path.resolve(__dirname, '../../tmp');
  mkdirSync(tmp, { recursive: true });
  dir = mkdtempSync(path.join(tmp, 'submission-durability-'));
  server = await startEmbeddedMongo({ port: 0, dbpath: dir });
  const uri = withDatabaseName(server.uri, 'durability');
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  database = {
    uri,
    dbName: 'durability',
    kind: 'embedded',
    connection,
    clear: async () => undefined,
    close: () => connection.close(),
  };
  // Real limits (not lifted): the windows must be counted for the test to see them.
  t = await createTestApp({ database, env: { ...CONSULTATION_TEST_ENV, RATE_LIMIT_PER_USER: '100', RATE_LIMIT_PER_IP: '100' } });
});

afterAll(async () => {
  if (onRealMongo) return;
  await t.close();
  await database.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Polls the database (reads never wait for the journal) until `check` holds, for at most 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  const giveUp = Date.now() + 10_000;
  while (Date.now() < giveUp) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/** Sends a request and tells whether its answer has arrived yet. */
function inFlight(req: request.Test): { done: () => boolean; response: Promise<request.Response> } {
  let arrived = false;
  const response = req.then((res) => {
    arrived = true;
    return res;
  });
  return { done: () => arrived, response };
}

maybe('a letter submission', () => {
  it('is answered only once the letter is durable, while its rate-limit windows, daily cap and lock wait for no fsync', async () => {
    const citizen = await t.citizenToken('durable-writer');
    const input = buildLetter();
    const release = server.engine.holdJournal();
    let submit: ReturnType<typeof inFlight>;
    try {
      submit = inFlight(request(t.app).post('/api/letters').set(auth(citizen)).send(input));
      // With the disk held back, the letter still gets applied: nothing before it waited for an fsync.
      const applied = await eventually(async () => (await t.models.Letter.countDocuments({ subject: input.subject })) === 1);
      expect(applied).toBe(true);
      expect(submit.done()).toBe(false);
      const windows = await t.models.RateLimitWindow.find({}).lean();
      expect(windows.map((w) => w._id.split(':').slice(0, 2).join(':')).sort()).toEqual(expect.arrayContaining(['letter_submit:user', 'write:ip', 'write:user']));
      expect(await t.models.LetterLock.countDocuments({})).toBe(1);
    } finally {
      release();
    }
    const res = await submit.response;
    expect(res.status).toBe(201);
    expect(await t.models.Letter.countDocuments({ subject: input.subject })).toBe(1);
  });
});

maybe('a survey response', () => {
  it('is answered only once the response is durable, while its respondent number and rate-limit windows wait for no fsync', async () => {
    const office = await t.staffToken('office');
    const dept = await t.createDepartment();
    const id = await createOpen(t, office, buildConsultation(t.clock.now(), { departmentId: dept._id.toHexString() }));
    const citizen = await t.citizenToken('durable-respondent');
    const release = server.engine.holdJournal();
    let answer: ReturnType<typeof inFlight>;
    try {
      answer = inFlight(request(t.app).post(`/api/consultations/${id}/responses`).set(auth(citizen)).send({ answers: standardAnswers() }));
      const applied = await eventually(async () => (await t.models.ConsultationResponse.countDocuments({ consultationId: id })) === 1);
      expect(applied).toBe(true);
      expect(answer.done()).toBe(false);
      expect((await t.models.Consultation.findById(id).lean())?.respondentSeq).toBe(1);
    } finally {
      release();
    }
    const res = await answer.response;
    expect(res.status).toBe(201);
    expect(await t.models.ConsultationOpinion.countDocuments({ consultationId: id })).toBe(1);
  });
});
