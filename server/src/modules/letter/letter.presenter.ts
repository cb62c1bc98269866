/**
 * Letters as each audience sees them:
 * - the writer: everything about their own letter, the timeline without staff names or
 *   internal notes;
 * - the public: replied letters as the office confirmed their public version (masked, edited where
 *   needed; see letter-public-version.ts), and no contact fields, openids or ids of people;
 * - staff: rows with the current deadline, and the full letter with personal data (audited by
 *   the service).
 * Overdue flags and working days left are computed here from the request's `now`.
 */
import {
  LETTER_EVENT_LABELS,
  LETTER_LIMITS,
  LETTER_STATUS_LABELS,
  LETTER_WRITER_LABEL,
  type LetterAdminRow,
  type LetterAdminTimelineEntryView,
  type LetterAdminView,
  type LetterCitizenView,
  type LetterCreated,
  type LetterEventType,
  type LetterNoteView,
  type LetterPublicVersionView,
  type LetterPublicView,
  type LetterReplyView,
  type LetterSettingsView,
  type LetterTimelineEntryView,
} from '../../../../shared/letters';
import { STAFF_ROLE_LABELS } from '../../../../shared/staff';
import type { LetterDoc, LetterEventDoc, LetterNoteDoc, LetterReplyDoc } from './letter.model';
import { presentDeadline } from '../../lib/deadline-view';
import { currentDeadline, currentStep, isOverdue, workingDaysLeft } from './letter-deadlines';
import { FOLLOW_UP_MAX_SCORE, type LetterDetail, type LetterPublicVersionRecord, type LetterSettingsState } from './letter.service';
import { confirmedTexts, currentPublicTexts, originalTexts, publicVersionState } from './letter-public-version';

/** Steps whose note the writer may read (their own words, or the reason given to them). */
const NOTES_FOR_WRITER: readonly LetterEventType[] = ['rejected', 'rated', 'follow_up', 'extended'];

const iso = (d: Date) => d.toISOString();

function actingBy(e: LetterEventDoc): string {
  if (e.actorKind === 'citizen') return LETTER_WRITER_LABEL;
  if (e.actorKind === 'system') return '系统';
  // A handler acts for their department; other roles by their office's name, never a person's.
  if (e.actorRole === 'handler') return e.departmentName ?? STAFF_ROLE_LABELS.handler;
  return e.actorRole ? STAFF_ROLE_LABELS[e.actorRole] : '工作人员';
}

function timelineEntry(e: LetterEventDoc, withInternalNotes: boolean): LetterTimelineEntryView {
  return {
    type: e.type,
    label: LETTER_EVENT_LABELS[e.type],
    at: iso(e.at),
    status: e.status,
    statusLabel: LETTER_STATUS_LABELS[e.status],
    by: actingBy(e),
    departmentName: e.departmentName,
    note: withInternalNotes || NOTES_FOR_WRITER.includes(e.type) ? e.note : null,
  };
}

function adminTimelineEntry(e: LetterEventDoc): LetterAdminTimelineEntryView {
  return { ...timelineEntry(e, true), actorRole: e.actorRole, actorId: e.actorId };
}

function reply(r: LetterReplyDoc): LetterReplyView {
  return { round: r.round, content: r.content, departmentName: r.departmentName, sentAt: iso(r.sentAt) };
}

const deadlines = (l: LetterDoc) => ({ accept: presentDeadline(l.acceptDeadline), reply: presentDeadline(l.replyDeadline) });

/** `POST /api/letters` answer (201 or 200 for a repeat). */
export function presentCreatedLetter(l: LetterDoc): LetterCreated {
  const d = deadlines(l);
  return {
    id: l._id.toHexString(),
    trackingNo: l.trackingNo,
    status: l.status,
    statusLabel: LETTER_STATUS_LABELS[l.status],
    acceptDueAt: d.accept.dueAt,
    replyDueAt: d.reply.dueAt,
    deadlines: d,
  };
}

/** A row of "my letters". */
export function presentMyLetterRow(l: LetterDoc, now: Date) {
  const current = currentDeadline(l);
  return {
    id: l._id.toHexString(),
    trackingNo: l.trackingNo,
    category: l.category,
    categoryName: l.categoryName,
    subject: l.subject,
    status: l.status,
    statusLabel: LETTER_STATUS_LABELS[l.status],
    overdue: isOverdue(l, now),
    submittedAt: iso(l.submittedAt),
    currentDueAt: current ? iso(current.dueAt) : null,
    repliedAt: l.repliedAt ? iso(l.repliedAt) : null,
  };
}

function publicState(l: LetterDoc): LetterCitizenView['publicState'] {
  if (!l.publicConsent) return 'not_requested';
  if (l.publicReview === 'pending') return 'pending_review';
  if (l.publicReview === 'rejected') return 'not_public';
  return 'listed_when_replied';
}

/** The writer's own letter. */
export function presentCitizenLetter({ letter: l, now, attachments }: LetterDetail): LetterCitizenView {
  const current = currentDeadline(l);
  const lastRating = l.ratings[l.ratings.length - 1];
  const lastReply = l.replies[l.replies.length - 1];
  return {
    id: l._id.toHexString(),
    trackingNo: l.trackingNo,
    category: l.category,
    categoryName: l.categoryName,
    subject: l.subject,
    content: l.content,
    contactName: l.contactName,
    contactPhone: l.contactPhone,
    publicConsent: l.publicConsent,
    publicState: publicState(l),
    status: l.status,
    statusLabel: LETTER_STATUS_LABELS[l.status],
    overdue: isOverdue(l, now),
    submittedAt: iso(l.submittedAt),
    deadlines: deadlines(l),
    currentDeadline: current ? presentDeadline(current) : null,
    departmentName: l.departmentName,
    rejectReason: l.rejectReason,
    reply: lastReply ? reply(lastReply) : null,
    replies: l.replies.map((r) => reply(r)),
    rating: lastRating ? { round: lastRating.round, score: lastRating.score, comment: lastRating.comment, at: iso(lastRating.at) } : null,
    followUp: l.followUp ? { content: l.followUp.content, at: iso(l.followUp.at) } : null,
    canRate: l.status === 'replied',
    canFollowUp: l.status === 'rated' && !l.followUp && lastRating !== undefined && lastRating.score <= FOLLOW_UP_MAX_SCORE,
    timeline: l.timeline.map((e) => timelineEntry(e, false)),
    attachments,
    // Only granted extensions, and only what the writer is told: why, how long, the dates.
    extensions: (l.extensions ?? [])
      .filter((x) => x.status === 'granted')
      .map((x) => ({
        round: x.round,
        workingDays: x.workingDays,
        reason: x.reason,
        grantedAt: iso(x.decidedAt as Date),
        previousDueDate: x.previousDueDate ?? '',
        newDueDate: x.newDueDate ?? '',
      })),
  };
}

/**
 * A letter in the public list: only the texts the office confirmed (公开前审核), never the stored
 * originals; dates and departments from the letter; no contact fields, no ids of people. Replies
 * beyond the confirmed version's rounds are left out until it is confirmed again.
 */
export function presentPublicLetter(l: LetterDoc): LetterPublicView {
  const texts = confirmedTexts(l);
  // Callers list only letters with a confirmed version; an empty text is the safe fallback.
  const rounds = l.publicVersion?.rounds ?? 0;
  const replyText = (round: number) => (round === 1 ? texts?.reply : texts?.followUp?.reply) ?? '';
  const replies = l.replies
    .filter((r) => r.round <= rounds && (r.round === 1 || texts?.followUp))
    .map((r) => ({ round: r.round, content: replyText(r.round), departmentName: r.departmentName, sentAt: iso(r.sentAt) }));
  return {
    id: l._id.toHexString(),
    trackingNo: l.trackingNo,
    category: l.category,
    categoryName: l.categoryName,
    subject: texts?.subject ?? '',
    content: texts?.content ?? '',
    departmentName: l.departmentName,
    submittedAt: iso(l.submittedAt),
    repliedAt: iso(replies.length > 0 ? new Date(replies[replies.length - 1].sentAt) : (l.repliedAt ?? l.submittedAt)),
    replies,
    followUp: texts?.followUp && l.followUp ? { content: texts.followUp.content, at: iso(l.followUp.at) } : null,
  };
}

/** The public version for the office: public texts beside the originals, and who confirmed them. */
export function presentPublicVersion({ letter: l, listed }: LetterPublicVersionRecord): LetterPublicVersionView {
  const pv = l.publicVersion;
  return {
    letterId: l._id.toHexString(),
    trackingNo: l.trackingNo,
    ...currentPublicTexts(l),
    state: publicVersionState(l),
    original: originalTexts(l),
    confirmedAt: pv ? iso(pv.confirmedAt) : null,
    confirmedBy: pv ? { id: pv.confirmedBy, username: pv.confirmedByUsername } : null,
    listed,
  };
}

/** Categories and limits for the submission form. */
export function presentCategories({ settings }: LetterSettingsState) {
  return {
    items: settings.categories.map((c) => ({
      key: c.key,
      name: c.name,
      acceptDays: c.acceptDays,
      replyDays: c.replyDays,
      description: `${c.acceptDays}个工作日内受理，${c.replyDays}个工作日内答复（遇法定节假日顺延）`,
    })),
    limits: { ...settings.limits, contactNameMax: LETTER_LIMITS.contactNameMax, attachmentsMax: LETTER_LIMITS.attachmentsMax },
    publicListing: settings.publicListing,
  };
}

/** A row of the staff list, deadline and overdue flag as of `now`. */
export function presentAdminRow(l: LetterDoc, now: Date): LetterAdminRow {
  const step = currentStep(l);
  const current = currentDeadline(l);
  return {
    id: l._id.toHexString(),
    trackingNo: l.trackingNo,
    category: l.category,
    categoryName: l.categoryName,
    subject: l.subject,
    status: l.status,
    statusLabel: LETTER_STATUS_LABELS[l.status],
    departmentId: l.departmentId ? l.departmentId.toHexString() : null,
    departmentName: l.departmentName,
    submittedAt: iso(l.submittedAt),
    currentDeadline:
      step && current ? { step, dueAt: iso(current.dueAt), dueDate: current.dueDate, workingDaysLeft: workingDaysLeft(current, now) } : null,
    overdue: isOverdue(l, now),
    publicConsent: l.publicConsent,
    followUp: Boolean(l.followUp),
    publicVersionState: l.publicConsent && (l.status === 'replied' || l.status === 'rated') ? publicVersionState(l) : null,
  };
}

/** The full letter for staff, personal data included. */
export function presentAdminLetter({ letter: l, now, attachments }: LetterDetail): LetterAdminView {
  return {
    ...presentAdminRow(l, now),
    content: l.content,
    contactName: l.contactName,
    contactPhone: l.contactPhone,
    publicReview: l.publicReview,
    deadlines: deadlines(l),
    rejectReason: l.rejectReason,
    draft: l.draft ? { content: l.draft.content, departmentName: l.draft.departmentName, draftedAt: iso(l.draft.draftedAt) } : null,
    replies: l.replies.map((r) => reply(r)),
    ratings: l.ratings.map((r) => ({ round: r.round, score: r.score, comment: r.comment, at: iso(r.at) })),
    followUpDetail: l.followUp ? { content: l.followUp.content, at: iso(l.followUp.at) } : null,
    timeline: l.timeline.map(adminTimelineEntry),
    attachments,
    notes: (l.notes ?? []).map(presentNote),
    extensions: (l.extensions ?? []).map((x) => ({
      round: x.round,
      workingDays: x.workingDays,
      reason: x.reason,
      status: x.status,
      requestedAt: iso(x.requestedAt),
      requestedBy: { id: x.requestedBy, username: x.requestedByUsername },
      decidedAt: x.decidedAt ? iso(x.decidedAt) : null,
      decidedBy: x.decidedBy ? { id: x.decidedBy, username: x.decidedByUsername ?? '' } : null,
      refuseReason: x.refuseReason,
      previousDueDate: x.previousDueDate,
      newDueDate: x.newDueDate,
    })),
  };
}

/** An internal note for staff (the letter's staff view and the answer to adding one). */
export function presentNote(n: LetterNoteDoc): LetterNoteView {
  return {
    id: n._id.toHexString(),
    text: n.text,
    at: iso(n.at),
    by: { id: n.staffId, username: n.username, role: n.role, roleLabel: STAFF_ROLE_LABELS[n.role], departmentName: n.departmentName },
  };
}

export function presentSettings({ settings, updatedAt }: LetterSettingsState): LetterSettingsView {
  return { ...settings, updatedAt: updatedAt ? iso(updatedAt) : null };
}
