/**
 * CSV export of a consultation's responses for staff: one row per response and one column per
 * question, written with the shared CSV helper (`lib/csv.ts`: UTF-8 with a byte-order mark, CRLF,
 * RFC 4180 quoting, formula-injection guard).
 *
 * The respondent is identified only by the opaque respondent number, never by openid or user id.
 */
import type { Answer, Question } from '../../../../shared/consultations';
import { buildCsv } from '../../lib/csv';
import type { ConsultationResponseDoc } from './consultation.model';

/** Separator of the options of a multiple-choice answer inside one cell. */
export const MULTIPLE_SEPARATOR = '；';

/** `YYYY-MM-DD HH:mm:ss` in China Standard Time. */
export function cstDateTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function cell(answer: Answer | undefined): string {
  if (!answer) return '';
  if (Array.isArray(answer.value)) return answer.value.join(MULTIPLE_SEPARATOR);
  return String(answer.value);
}

/** The whole file: header 答卷编号, 提交时间 and one column per question (`<n>. <title>`). */
export function buildResponsesCsv(questions: readonly Question[], responses: readonly ConsultationResponseDoc[]): Buffer {
  const header = ['答卷编号', '提交时间', ...questions.map((q, i) => `${i + 1}. ${q.title}`)];
  const rows = responses.map((r) => {
    const byQuestion = new Map(r.answers.map((a) => [a.questionId, a]));
    return [String(r.respondentNo), cstDateTime(r.submittedAt), ...questions.map((q) => cell(byQuestion.get(q.id)))];
  });
  return buildCsv(header, rows);
}
