/**
 * Opinion collection (意见征集): consultations (`consultations`), one response per citizen
 * (`consultation_responses`, unique on consultation + user) and the free-text opinions inside the
 * responses (`consultation_opinions`), which receive the adoption decisions.
 */
import { Schema, type Types } from 'mongoose';
import type { Answer, ConsultationStatus, MinDurationRule, OpinionResult, Question } from '../../../../shared/consultations';

/** Who did something, as kept on the record (the audit log has the full snapshot). */
export interface StaffRefDoc {
  staffId: Types.ObjectId;
  username: string;
}

export interface ConsultationDoc {
  _id: Types.ObjectId;
  title: string;
  summary: string;
  /** Sanitized HTML. */
  draftHtml: string;
  /** Sanitized HTML. */
  basisHtml: string;
  /** Uploads listed as attachments, in order. */
  attachmentIds: Types.ObjectId[];
  /** Uploads shown inline by the rich text (`<img src="/api/uploads/<id>">`); attached to the consultation too. */
  inlineImageIds: Types.ObjectId[];
  departmentId: Types.ObjectId;
  /** The department's name when the consultation was last saved (what the public sees). */
  departmentName: string;
  startAt: Date;
  /** Exclusive end: responses are accepted while startAt ≤ now < endAt. */
  endAt: Date;
  questions: Question[];
  showResults: boolean;
  minDurationRule: MinDurationRule;
  status: ConsultationStatus;
  createdBy: StaffRefDoc;
  openedAt: Date | null;
  /** Staff references are absent until set, never stored as null (see ADR 050). */
  openedBy?: StaffRefDoc;
  closedAt: Date | null;
  /** Absent when closed by the auto-close task (at its end time). */
  closedBy?: StaffRefDoc;
  /** closedAt + 1 calendar month, end of that CST day; see consultation-deadlines.ts. */
  feedbackDueAt: Date | null;
  feedbackDueDate: string | null;
  feedbackSummary: string | null;
  feedbackPublishedAt: Date | null;
  feedbackPublishedBy?: StaffRefDoc;
  /** Set once every respondent has been notified of the published report. */
  feedbackNotifiedAt: Date | null;
  /** Last respondent number handed out (numbers are opaque; a refused duplicate may leave a gap). */
  respondentSeq: number;
  /**
   * Bumped by every opinion decision and merge, so publishing (which writes this document in the
   * same transaction as its "all decided" check) conflicts with a concurrent decision and retries.
   */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const staffRefSchema = new Schema<StaffRefDoc>(
  { staffId: { type: Schema.Types.ObjectId, required: true }, username: { type: String, required: true } },
  { _id: false },
);

// Questions are a discriminated union checked by the shared zod schema before saving; mongoose
// stores them as given.
const questionSchema = new Schema(
  {
    id: { type: String, required: true },
    type: { type: String, required: true, enum: ['single', 'multiple', 'text', 'rating'] },
    title: { type: String, required: true },
    required: { type: Boolean, required: true },
    options: { type: [String], default: undefined },
    minSelect: { type: Number },
    maxSelect: { type: Number },
    minLength: { type: Number },
    maxLength: { type: Number },
  },
  { _id: false },
);

export const consultationSchema = new Schema<ConsultationDoc>(
  {
    title: { type: String, required: true },
    summary: { type: String, default: '' },
    draftHtml: { type: String, default: '' },
    basisHtml: { type: String, default: '' },
    attachmentIds: { type: [Schema.Types.ObjectId], default: [] },
    inlineImageIds: { type: [Schema.Types.ObjectId], default: [] },
    departmentId: { type: Schema.Types.ObjectId, required: true },
    departmentName: { type: String, required: true },
    startAt: { type: Date, required: true },
    endAt: { type: Date, required: true },
    questions: { type: [questionSchema], default: [] },
    showResults: { type: Boolean, default: false },
    minDurationRule: { type: String, required: true, enum: ['days30', 'workdays7', 'none'] },
    status: { type: String, required: true, enum: ['draft', 'open', 'closed', 'feedback_published'] },
    createdBy: { type: staffRefSchema, required: true },
    openedAt: { type: Date, default: null },
    openedBy: { type: staffRefSchema },
    closedAt: { type: Date, default: null },
    closedBy: { type: staffRefSchema },
    feedbackDueAt: { type: Date, default: null },
    feedbackDueDate: { type: String, default: null },
    feedbackSummary: { type: String, default: null },
    feedbackPublishedAt: { type: Date, default: null },
    feedbackPublishedBy: { type: staffRefSchema },
    feedbackNotifiedAt: { type: Date, default: null },
    respondentSeq: { type: Number, default: 0 },
    revision: { type: Number, default: 0 },
  },
  { collection: 'consultations', timestamps: true, autoIndex: false },
);
// Public lists (published, newest start first) and the auto-close scan (open, by end time).
consultationSchema.index({ status: 1, startAt: -1, _id: -1 });
consultationSchema.index({ status: 1, endAt: 1 });
// Staff lists per department, newest first.
consultationSchema.index({ departmentId: 1, createdAt: -1, _id: -1 });
consultationSchema.index({ createdAt: -1, _id: -1 });

export interface ConsultationResponseDoc {
  _id: Types.ObjectId;
  consultationId: Types.ObjectId;
  /** The citizen (`users._id`); never shown to staff, who see `respondentNo`. */
  userId: Types.ObjectId;
  respondentNo: number;
  answers: Answer[];
  submittedAt: Date;
}

export const consultationResponseSchema = new Schema<ConsultationResponseDoc>(
  {
    consultationId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    respondentNo: { type: Number, required: true },
    // `value` is a string, a list of strings or a number depending on the question type.
    answers: { type: [new Schema({ questionId: String, type: String, value: Schema.Types.Mixed }, { _id: false })], default: [] },
    submittedAt: { type: Date, required: true },
  },
  { collection: 'consultation_responses', autoIndex: false },
);
// One response per person: the index is the guarantee (ADR 050), concurrent submissions included.
consultationResponseSchema.index({ consultationId: 1, userId: 1 }, { unique: true });
consultationResponseSchema.index({ consultationId: 1, submittedAt: -1, _id: -1 });
consultationResponseSchema.index({ userId: 1, submittedAt: -1, _id: -1 });

/** Content-safety state of an opinion: `review` is held (not quotable) until a reviewer decides. */
export type OpinionSafety = 'pass' | 'review' | 'approved' | 'rejected';

export interface OpinionDecisionDoc {
  result: OpinionResult;
  reason: string;
  decidedBy: StaffRefDoc;
  decidedAt: Date;
}

export interface ConsultationOpinionDoc {
  _id: Types.ObjectId;
  consultationId: Types.ObjectId;
  responseId: Types.ObjectId;
  userId: Types.ObjectId;
  respondentNo: number;
  questionId: string;
  text: string;
  safety: OpinionSafety;
  /** The group leader's id (its own id unless merged); a group shares one decision. */
  groupId: Types.ObjectId;
  /** Absent until decided (never null: see `openedBy` on consultations). */
  decision?: OpinionDecisionDoc;
  submittedAt: Date;
}

const decisionSchema = new Schema<OpinionDecisionDoc>(
  {
    result: { type: String, required: true, enum: ['adopted', 'partly_adopted', 'not_adopted'] },
    reason: { type: String, required: true },
    decidedBy: { type: staffRefSchema, required: true },
    decidedAt: { type: Date, required: true },
  },
  { _id: false },
);

export const consultationOpinionSchema = new Schema<ConsultationOpinionDoc>(
  {
    consultationId: { type: Schema.Types.ObjectId, required: true },
    responseId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    respondentNo: { type: Number, required: true },
    questionId: { type: String, required: true },
    text: { type: String, required: true },
    safety: { type: String, required: true, enum: ['pass', 'review', 'approved', 'rejected'] },
    groupId: { type: Schema.Types.ObjectId, required: true },
    decision: { type: decisionSchema },
    submittedAt: { type: Date, required: true },
  },
  { collection: 'consultation_opinions', autoIndex: false },
);
consultationOpinionSchema.index({ consultationId: 1, submittedAt: -1, _id: -1 });
consultationOpinionSchema.index({ consultationId: 1, groupId: 1 });
consultationOpinionSchema.index({ responseId: 1 });
