/**
 * CSV export of a consultation's responses for staff: UTF-8 with a byte-order mark (so Excel on
 * Windows reads the Chinese text correctly), CRLF line ends, one row per response and one column
 * per question, RFC 4180 quoting (fields with a comma, quote, CR or LF are quoted, quotes doubled).
 *
 * The respondent is identified only by the opaque respondent number, never by openid or user id.
 * Cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading apostrophe so a spreadsheet does
 * not run a citizen's text as a formula (CSV injection).
 */
import type { Answer, Question } from '../../../../shared/consultations';
import type { ConsultationResponseDoc } from './consultation.model';

const BOM = '\uFEFF';
/** Separator of the options of a multiple-choice answer inside one cell. */
export const MULTIPLE_SEPARATOR = '；';

function neutralize(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV field. */
export function csvField(value: string): string {
  const v = neutralize(value);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

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
  const lines = [header.map(csvField).join(',')];
  for (const r of responses) {
    const byQuestion = new Map(r.answers.map((a) => [a.questionId, a]));
    const row = [String(r.respondentNo), cstDateTime(r.submittedAt), ...questions.map((q) => cell(byQuestion.get(q.id)))];
    lines.push(row.map(csvField).join(','));
  }
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
