/** Consultations as the public, citizens and staff see them. Phases and overdue flags are derived here from `now`. */
import {
  CONSULTATION_PHASE_LABELS,
  MIN_DURATION_RULE_LABELS,
  OPINION_RESULT_LABELS,
  type ConsultationPhase,
  type ConsultationPublicView,
  type ConsultationStaffView,
  type ConsultationSummaryView,
  type Question,
} from '../../../../shared/consultations';
import type { UploadInfo } from '../upload/upload.service';
import { daysLeft, isFeedbackOverdue, phaseOf } from './consultation-deadlines';
import type { ConsultationDoc, ConsultationOpinionDoc, ConsultationResponseDoc, OpinionDecisionDoc } from './consultation.model';
import type { ConsultationDetail, MyResponseItem, PublicConsultationDetail, StaffConsultationDetail } from './consultation.service';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The derived phase and its label. */
function phaseView(doc: ConsultationDoc, at: Date): { phase: ConsultationPhase; phaseLabel: string } {
  const phase = phaseOf(doc, at);
  return { phase, phaseLabel: CONSULTATION_PHASE_LABELS[phase] };
}

function presentQuestion(q: Question) {
  switch (q.type) {
    case 'single':
      return { id: q.id, type: q.type, title: q.title, required: q.required, options: [...q.options] };
    case 'multiple':
      return { id: q.id, type: q.type, title: q.title, required: q.required, options: [...q.options], minSelect: q.minSelect, maxSelect: q.maxSelect };
    case 'text':
      return { id: q.id, type: q.type, title: q.title, required: q.required, minLength: q.minLength, maxLength: q.maxLength };
    default:
      return { id: q.id, type: q.type, title: q.title, required: q.required };
  }
}

function presentAttachment(u: UploadInfo) {
  return { id: u.id, filename: u.filename, contentType: u.contentType, size: u.size, url: `/api/uploads/${u.id}` };
}

/** A list row (public). */
export function presentSummary(c: ConsultationDoc, now: Date): ConsultationSummaryView {
  return {
    id: c._id.toHexString(),
    title: c.title,
    summary: c.summary,
    departmentName: c.departmentName,
    startAt: c.startAt.toISOString(),
    endAt: c.endAt.toISOString(),
    ...phaseView(c, now),
    daysLeft: daysLeft(c, now),
    closedAt: iso(c.closedAt),
    feedbackDueAt: iso(c.feedbackDueAt),
    feedbackDueDate: c.feedbackDueDate,
    feedbackPublishedAt: iso(c.feedbackPublishedAt),
    showResults: c.showResults,
  };
}

function presentBody({ consultation: c, now, attachments }: ConsultationDetail) {
  return {
    ...presentSummary(c, now),
    draftHtml: c.draftHtml,
    basisHtml: c.basisHtml,
    attachments: attachments.map(presentAttachment),
    questions: c.questions.map(presentQuestion),
    minDurationRule: c.minDurationRule,
    minDurationRuleLabel: MIN_DURATION_RULE_LABELS[c.minDurationRule],
  };
}

/** The public detail, with the reader's own response status when signed in as a citizen. */
export function presentPublicConsultation(detail: PublicConsultationDetail): ConsultationPublicView {
  const mine = detail.myResponse;
  return {
    ...presentBody(detail),
    myResponse: mine === null ? null : mine === 'none' ? { submitted: false, submittedAt: null } : { submitted: true, submittedAt: mine.submittedAt.toISOString() },
  };
}

/** The back-office detail. */
export function presentStaffConsultation(detail: StaffConsultationDetail): ConsultationStaffView {
  const c = detail.consultation;
  return {
    ...presentBody(detail),
    status: c.status,
    departmentId: c.departmentId.toHexString(),
    responseCount: detail.responseCount,
    opinionCount: detail.opinionCount,
    undecidedCount: detail.undecidedCount,
    feedbackOverdue: isFeedbackOverdue(c, detail.now),
    openedAt: iso(c.openedAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** A back-office list row, with the feedback deadline and the derived overdue flag. */
export function presentStaffRow(c: ConsultationDoc, now: Date) {
  return {
    ...presentSummary(c, now),
    status: c.status,
    departmentId: c.departmentId.toHexString(),
    feedbackOverdue: isFeedbackOverdue(c, now),
    createdAt: c.createdAt.toISOString(),
  };
}

/** A response for staff: respondent number only. */
export function presentStaffResponse(r: ConsultationResponseDoc) {
  return {
    id: r._id.toHexString(),
    respondentNo: r.respondentNo,
    submittedAt: r.submittedAt.toISOString(),
    answers: r.answers.map((a) => ({ questionId: a.questionId, value: Array.isArray(a.value) ? [...a.value] : a.value })),
  };
}

function presentDecision(d: OpinionDecisionDoc | null | undefined) {
  return d ? { result: d.result, resultLabel: OPINION_RESULT_LABELS[d.result], reason: d.reason, decidedAt: d.decidedAt.toISOString() } : null;
}

/** An opinion for staff deciding on it. */
export function presentStaffOpinion(o: ConsultationOpinionDoc) {
  return {
    id: o._id.toHexString(),
    respondentNo: o.respondentNo,
    questionId: o.questionId,
    text: o.text,
    safety: o.safety,
    groupId: o.groupId.toHexString(),
    decision: presentDecision(o.decision),
    submittedAt: o.submittedAt.toISOString(),
  };
}

export function presentMergeResult(r: { groupId: string; size: number; decision: OpinionDecisionDoc | null }) {
  return { groupId: r.groupId, size: r.size, decision: presentDecision(r.decision) };
}

/** One of my responses: my opinions, and their adoption once the report is published. */
export function presentMyResponse({ response, consultation: c, opinions, now }: MyResponseItem) {
  const titles = new Map(c.questions.map((q) => [q.id, q.title]));
  const published = c.status === 'feedback_published';
  return {
    id: response._id.toHexString(),
    consultation: { id: c._id.toHexString(), title: c.title, ...phaseView(c, now) },
    submittedAt: response.submittedAt.toISOString(),
    opinions: opinions.map((o) => ({
      id: o._id.toHexString(),
      questionId: o.questionId,
      questionTitle: titles.get(o.questionId) ?? '',
      text: o.text,
      decision: published && o.decision ? { result: o.decision.result, resultLabel: OPINION_RESULT_LABELS[o.decision.result], reason: o.decision.reason } : null,
    })),
  };
}
