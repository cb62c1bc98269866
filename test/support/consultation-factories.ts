/**
 * Factories and drivers for the consultation (意见征集) tests: valid create input with one
 * question of each type, and helpers that create, open, answer and close consultations through
 * the HTTP API.
 */
import request from 'supertest';
import type { AnswerInput, ConsultationCreateInput, QuestionInput } from '../../shared/consultations';
import { auth, type TestApp } from './app';
import { nextSeq } from './factories';

/**
 * Lifts per-minute write limits (tests write far more than a person) and keeps tokens valid for
 * the longest allowed time (90 days for citizens, 30 for staff) across clock moves; tests moving
 * the clock further sign in again.
 */
export const CONSULTATION_TEST_ENV: Record<string, string> = {
  RATE_LIMIT_PER_USER: '1000000',
  RATE_LIMIT_PER_IP: '1000000',
  CITIZEN_TOKEN_TTL_SECONDS: String(90 * 86_400),
  STAFF_TOKEN_TTL_SECONDS: String(30 * 86_400),
};

const DAY = 86_400_000;

/** One question of each type: q1 single (required), q2 multiple (2–3 of 4 when answered), q3 text (required, 5–200), q4 rating. */
export const STANDARD_QUESTIONS: QuestionInput[] = [
  { id: 'q1', type: 'single', title: '您是否支持该草案？', required: true, options: ['支持', '反对', '无所谓'] },
  { id: 'q2', type: 'multiple', title: '您最关心哪些条款？', required: false, options: ['第一条', '第二条', '第三条', '第四条'], minSelect: 2, maxSelect: 3 },
  { id: 'q3', type: 'text', title: '您的意见和建议', required: true, minLength: 5, maxLength: 200 },
  { id: 'q4', type: 'rating', title: '对草案的总体评价', required: false },
];

/** Valid `POST /api/admin/consultations` input for a consultation running from `start` for `days` days (rule `none` unless given). */
export function buildConsultation(start: number, overrides: Partial<ConsultationCreateInput> & { days?: number } = {}): ConsultationCreateInput {
  const { days = 30, ...rest } = overrides;
  return {
    title: `关于《县城市管理条例（征求意见稿）》公开征求意见${nextSeq()}`,
    summary: '为提高立法质量，现将草案全文公布，征求社会各界意见。',
    draftHtml: '<h2>第一章 总则</h2><p>第一条 为了加强城市管理……</p>',
    basisHtml: '<p>起草依据：《中华人民共和国立法法》。</p>',
    attachmentIds: [],
    startAt: new Date(start).toISOString(),
    endAt: new Date(start + days * DAY).toISOString(),
    questions: STANDARD_QUESTIONS,
    showResults: true,
    minDurationRule: 'none',
    ...rest,
  };
}

/** Valid answers to {@link STANDARD_QUESTIONS}. */
export function standardAnswers(overrides: Record<string, AnswerInput['value'] | undefined> = {}): AnswerInput[] {
  const values: Record<string, AnswerInput['value'] | undefined> = {
    q1: '支持',
    q2: ['第三条', '第一条'],
    q3: '建议增加对占道经营的分类管理规定。',
    q4: 4,
    ...overrides,
  };
  return Object.entries(values)
    .filter((e): e is [string, AnswerInput['value']] => e[1] !== undefined)
    .map(([questionId, value]) => ({ questionId, value }));
}

/** Creates a draft through the API as `token` (an office or handler); returns the staff view. */
export async function createDraft(t: TestApp, token: string, input: ConsultationCreateInput) {
  const res = await request(t.app).post('/api/admin/consultations').set(auth(token)).send(input);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; questions: { id: string }[] };
}

/** Creates and opens a consultation (office token); returns its id. */
export async function createOpen(t: TestApp, officeToken: string, input: ConsultationCreateInput): Promise<string> {
  const { id } = await createDraft(t, officeToken, input);
  const res = await request(t.app).post(`/api/admin/consultations/${id}/open`).set(auth(officeToken));
  if (res.status !== 200) throw new Error(`open failed: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}

/** Submits answers as a citizen. */
export function respond(t: TestApp, citizenToken: string, id: string, answers: AnswerInput[]) {
  return request(t.app).post(`/api/consultations/${id}/responses`).set(auth(citizenToken)).send({ answers });
}

/** Closes early as the office (expects 200). */
export async function closeNow(t: TestApp, officeToken: string, id: string): Promise<void> {
  const res = await request(t.app).post(`/api/admin/consultations/${id}/close`).set(auth(officeToken));
  if (res.status !== 200) throw new Error(`close failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Every opinion of a consultation (staff list, all pages). */
export async function opinionsOf(t: TestApp, token: string, id: string): Promise<{ id: string; text: string; groupId: string; respondentNo: number; questionId: string; safety: string; decision: unknown }[]> {
  const out = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await request(t.app)
      .get(`/api/admin/consultations/${id}/opinions`)
      .query(cursor ? { cursor, limit: 100 } : { limit: 100 })
      .set(auth(token));
    if (res.status !== 200) throw new Error(`opinions failed: ${res.status}`);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}
