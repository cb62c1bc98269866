/**
 * Director's mailbox (主任信箱) letters (collection `letters`), the per-day tracking-number
 * counters (`letter_counters`), the submission locks that serialise identical submissions
 * (`letter_locks`) and the mailbox settings document (`letter_settings`).
 *
 * A letter keeps its deadlines as computed (`Deadline` objects with how they were computed) so the
 * writer can be shown the explanation; `openDueAt` is the deadline of the step the letter is in
 * while it is open. Whether a letter is overdue is never stored: it is `openDueAt < now`, decided
 * at read time.
 */
import { Schema, type Types } from 'mongoose';
import {
  LETTER_EVENT_TYPES,
  LETTER_PUBLIC_REVIEW_STATES,
  LETTER_STATUSES,
  type LetterCategory,
  type LetterEventType,
  type LetterPublicReview,
  type LetterStatus,
  type LetterTextLimits,
} from '../../../../shared/letters';
import type { StaffRole } from '../../../../shared/staff';
import type { Deadline } from '../../lib/calendar';
import { deadlineSchema } from '../../lib/deadline-view';

/** A stored {@link Deadline}. */
export type DeadlineDoc = Deadline;

/** One step of the timeline. `actorId` (staff or user id) is for staff and audits only. */
export interface LetterEventDoc {
  type: LetterEventType;
  at: Date;
  /** Status after the step. */
  status: LetterStatus;
  actorKind: 'citizen' | 'staff' | 'system';
  actorRole: StaffRole | null;
  actorId: string | null;
  departmentId: Types.ObjectId | null;
  departmentName: string | null;
  note: string | null;
}

/** An internal note: staff who may see the letter read it; never the writer or the public. */
export interface LetterNoteDoc {
  _id: Types.ObjectId;
  text: string;
  at: Date;
  staffId: string;
  username: string;
  role: StaffRole;
  /** The author's department (handlers), as named when the note was written. */
  departmentName: string | null;
}

/** A request for more working days to reply (延期) and its outcome. */
export interface LetterExtensionDoc {
  /** The reply round it extends (1, or 2 after a follow-up). */
  round: number;
  workingDays: number;
  reason: string;
  status: 'pending' | 'granted' | 'refused';
  requestedAt: Date;
  requestedBy: string;
  requestedByUsername: string;
  decidedAt: Date | null;
  decidedBy: string | null;
  decidedByUsername: string | null;
  refuseReason: string | null;
  /** Reply due dates (CST) before and after a grant. */
  previousDueDate: string | null;
  newDueDate: string | null;
}

/** The reply being prepared (drafted, returned or approved), not yet sent. */
export interface LetterDraftDoc {
  content: string;
  departmentId: Types.ObjectId;
  departmentName: string;
  draftedAt: Date;
  draftedBy: string;
}

/** A reply sent to the writer; round 2 answers the follow-up. */
export interface LetterReplyDoc {
  round: number;
  content: string;
  departmentId: Types.ObjectId | null;
  departmentName: string | null;
  sentAt: Date;
  /** When the round's reply clock started (submission, or the follow-up). */
  startedAt: Date;
  /** The round's reply deadline, to tell later whether it was met. */
  dueAt: Date;
}

export interface LetterRatingDoc {
  round: number;
  score: number;
  comment: string | null;
  at: Date;
}

export interface LetterFollowUpDoc {
  content: string;
  at: Date;
}

/**
 * The texts the public sees (公开前审核), confirmed by the office; the original fields are never
 * changed by it. `rounds` is how many replies it covers: a later reply shows only once confirmed.
 */
export interface LetterPublicVersionDoc {
  subject: string;
  content: string;
  reply: string;
  /** Present when the confirmed version covers a follow-up and its reply. */
  followUp?: { content: string; reply: string };
  rounds: number;
  confirmedAt: Date;
  confirmedBy: string;
  confirmedByUsername: string;
}

export interface LetterDoc {
  _id: Types.ObjectId;
  /** `XX20261123-0007`: unique, shown to the writer. */
  trackingNo: string;
  userId: Types.ObjectId;
  category: string;
  /** The category's name when the letter was written. */
  categoryName: string;
  subject: string;
  content: string;
  contactName: string | null;
  contactPhone: string | null;
  publicConsent: boolean;
  /** Content-safety state of the public text; the letter is listed publicly only when not_needed or approved. */
  publicReview: LetterPublicReview;
  status: LetterStatus;
  departmentId: Types.ObjectId | null;
  /** The department's name when it was assigned. */
  departmentName: string | null;
  /** The category's windows when the letter was written. */
  acceptDays: number;
  replyDays: number;
  acceptDeadline: DeadlineDoc;
  /** The current round's reply deadline (replaced by a follow-up). */
  replyDeadline: DeadlineDoc;
  /** Deadline of the current step while open (accept while submitted, reply after); null when closed. */
  openDueAt: Date | null;
  rejectReason: string | null;
  rejectedAt: Date | null;
  /**
   * Absent (never null) when there is none, like `followUp`: the embedded engine fails on an
   * update that replaces a null with a sub-document or back (see ADR 030).
   */
  draft?: LetterDraftDoc;
  replies: LetterReplyDoc[];
  /** When the latest reply was sent. */
  repliedAt: Date | null;
  ratings: LetterRatingDoc[];
  followUp?: LetterFollowUpDoc;
  /** Absent until the office confirms the public version (never null, like `draft`). */
  publicVersion?: LetterPublicVersionDoc;
  timeline: LetterEventDoc[];
  /** Internal notes, oldest first (absent on letters written before notes existed). */
  notes?: LetterNoteDoc[];
  /** Extension requests, oldest first (absent until the first). */
  extensions?: LetterExtensionDoc[];
  /** sha256 of category, subject and content: finds repeated submissions. */
  contentHash: string;
  /** The citizen's `Idempotency-Key`, when sent, and a hash of the request it came with. */
  idempotencyKey?: string;
  requestHash: string;
  submittedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const eventSchema = new Schema<LetterEventDoc>(
  {
    type: { type: String, required: true, enum: LETTER_EVENT_TYPES },
    at: { type: Date, required: true },
    status: { type: String, required: true, enum: LETTER_STATUSES },
    actorKind: { type: String, required: true },
    actorRole: { type: String, default: null },
    actorId: { type: String, default: null },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    departmentName: { type: String, default: null },
    note: { type: String, default: null },
  },
  { _id: false },
);

const draftSchema = new Schema<LetterDraftDoc>(
  {
    content: { type: String, required: true },
    departmentId: { type: Schema.Types.ObjectId, required: true },
    departmentName: { type: String, required: true },
    draftedAt: { type: Date, required: true },
    draftedBy: { type: String, required: true },
  },
  { _id: false },
);

const replySchema = new Schema<LetterReplyDoc>(
  {
    round: { type: Number, required: true },
    content: { type: String, required: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    departmentName: { type: String, default: null },
    sentAt: { type: Date, required: true },
    startedAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
  },
  { _id: false },
);

const ratingSchema = new Schema<LetterRatingDoc>(
  {
    round: { type: Number, required: true },
    score: { type: Number, required: true },
    comment: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { _id: false },
);

export const letterSchema = new Schema<LetterDoc>(
  {
    trackingNo: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true },
    categoryName: { type: String, required: true },
    subject: { type: String, required: true },
    content: { type: String, required: true },
    contactName: { type: String, default: null },
    contactPhone: { type: String, default: null },
    publicConsent: { type: Boolean, required: true },
    publicReview: { type: String, required: true, enum: LETTER_PUBLIC_REVIEW_STATES },
    status: { type: String, required: true, enum: LETTER_STATUSES },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    departmentName: { type: String, default: null },
    acceptDays: { type: Number, required: true },
    replyDays: { type: Number, required: true },
    acceptDeadline: { type: deadlineSchema, required: true },
    replyDeadline: { type: deadlineSchema, required: true },
    openDueAt: { type: Date, default: null },
    rejectReason: { type: String, default: null },
    rejectedAt: { type: Date, default: null },
    draft: { type: draftSchema },
    replies: { type: [replySchema], default: [] },
    repliedAt: { type: Date, default: null },
    ratings: { type: [ratingSchema], default: [] },
    followUp: { type: new Schema<LetterFollowUpDoc>({ content: String, at: Date }, { _id: false }) },
    publicVersion: {
      type: new Schema<LetterPublicVersionDoc>(
        {
          subject: { type: String, required: true },
          content: { type: String, required: true },
          reply: { type: String, required: true },
          followUp: { type: new Schema({ content: String, reply: String }, { _id: false }) },
          rounds: { type: Number, required: true },
          confirmedAt: { type: Date, required: true },
          confirmedBy: { type: String, required: true },
          confirmedByUsername: { type: String, required: true },
        },
        { _id: false },
      ),
    },
    timeline: { type: [eventSchema], default: [] },
    notes: {
      type: [
        new Schema<LetterNoteDoc>(
          {
            text: { type: String, required: true },
            at: { type: Date, required: true },
            staffId: { type: String, required: true },
            username: { type: String, required: true },
            role: { type: String, required: true },
            departmentName: { type: String, default: null },
          },
          { _id: true },
        ),
      ],
      default: [],
    },
    extensions: {
      type: [
        new Schema<LetterExtensionDoc>(
          {
            round: { type: Number, required: true },
            workingDays: { type: Number, required: true },
            reason: { type: String, required: true },
            status: { type: String, required: true, enum: ['pending', 'granted', 'refused'] },
            requestedAt: { type: Date, required: true },
            requestedBy: { type: String, required: true },
            requestedByUsername: { type: String, required: true },
            decidedAt: { type: Date, default: null },
            decidedBy: { type: String, default: null },
            decidedByUsername: { type: String, default: null },
            refuseReason: { type: String, default: null },
            previousDueDate: { type: String, default: null },
            newDueDate: { type: String, default: null },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    contentHash: { type: String, required: true },
    idempotencyKey: { type: String },
    requestHash: { type: String, required: true },
    submittedAt: { type: Date, required: true },
  },
  { collection: 'letters', timestamps: true, autoIndex: false },
);
letterSchema.index({ trackingNo: 1 }, { unique: true });
// "My letters", newest first, and the repeated-submission lookup.
letterSchema.index({ userId: 1, submittedAt: -1, _id: -1 });
letterSchema.index({ userId: 1, contentHash: 1, submittedAt: -1 });
// One letter per citizen and Idempotency-Key (only letters sent with a key carry the field).
letterSchema.index({ userId: 1, idempotencyKey: 1 }, { unique: true, partialFilterExpression: { idempotencyKey: { $exists: true } } });
// Staff lists (newest first, by status or department) and the overdue / due-soon filters.
letterSchema.index({ submittedAt: -1, _id: -1 });
letterSchema.index({ status: 1, submittedAt: -1 });
letterSchema.index({ departmentId: 1, submittedAt: -1 });
letterSchema.index({ openDueAt: 1 });
// The public list: replied letters by reply date.
letterSchema.index({ repliedAt: -1, _id: -1 });
// Monthly figures.
letterSchema.index({ 'replies.sentAt': 1 });
letterSchema.index({ 'ratings.at': 1 });
letterSchema.index({ rejectedAt: 1 });

/** Per-day sequence of tracking numbers: `_id` is the CST date (`20261123`). */
export interface LetterCounterDoc {
  _id: string;
  seq: number;
}

export const letterCounterSchema = new Schema<LetterCounterDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true, default: 0 } },
  { collection: 'letter_counters', autoIndex: false, versionKey: false },
);

/**
 * A row every transaction creating a letter writes, keyed by citizen and content hash (and by
 * citizen and Idempotency-Key): two identical submissions racing then conflict on it, and the one
 * retried sees the other's letter instead of creating a duplicate.
 */
/**
 * The "identical submission" lock of one citizen and one text (`content:<userId>:<sha256>`): the
 * letter written under it and when. A submission takes it with one atomic upsert while it is
 * absent or older than the duplicate window; a racing twin finds it held and answers with that
 * letter (see submitLetter).
 */
export interface LetterLockDoc {
  _id: string;
  letterId: Types.ObjectId;
  at: Date;
}

export const letterLockSchema = new Schema<LetterLockDoc>(
  {
    _id: { type: String, required: true },
    letterId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'letter_locks', autoIndex: false, versionKey: false },
);

/** The mailbox settings, one document with `_id: 'mailbox'`. */
export interface LetterSettingsDoc {
  _id: string;
  categories: LetterCategory[];
  limits: LetterTextLimits;
  duplicateWindowMinutes: number;
  submissionsPerDay: number;
  publicListing: boolean;
  updatedAt: Date;
  updatedBy: string;
}

export const letterSettingsSchema = new Schema<LetterSettingsDoc>(
  {
    _id: { type: String, required: true },
    categories: [{ _id: false, key: String, name: String, acceptDays: Number, replyDays: Number }],
    limits: { subjectMin: Number, subjectMax: Number, contentMin: Number, contentMax: Number },
    duplicateWindowMinutes: { type: Number, required: true },
    submissionsPerDay: { type: Number, required: true },
    publicListing: { type: Boolean, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: 'letter_settings', autoIndex: false, versionKey: false },
);
