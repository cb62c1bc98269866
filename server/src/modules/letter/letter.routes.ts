/**
 * Director's mailbox routes: citizens write and follow their letters, everybody reads the public
 * replies, staff handle letters through the workflow actions. Static paths are declared before
 * `/:id` ones so `mine`, `public`, `categories` and `settings` are never read as ids.
 */
import { z } from 'zod';
import {
  LetterAdminListQuerySchema,
  LetterAdminPageSchema,
  LetterAdminRowSchema,
  LetterAdminViewSchema,
  LetterAssignSchema,
  LetterCategoriesResponseSchema,
  LetterCitizenViewSchema,
  LetterCreatedSchema,
  LetterCreateSchema,
  LetterDraftSchema,
  LetterExtensionRequestSchema,
  LetterFollowUpSchema,
  LetterMinePageSchema,
  LetterMineQuerySchema,
  LetterNoteCreateSchema,
  LetterNoteViewSchema,
  LetterPublicPageSchema,
  LetterPublicQuerySchema,
  LetterPublicVersionInputSchema,
  LetterPublicVersionViewSchema,
  LetterPublicViewSchema,
  LetterRatingSchema,
  LetterReasonSchema,
  LetterSettingsSchema,
  LetterSettingsViewSchema,
} from '../../../../shared/letters';
import { IdempotentCreateHeadersSchema } from '../../../../shared/idempotency';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth, withStatus } from '../../lib/route';
import {
  presentAdminLetter,
  presentAdminRow,
  presentCategories,
  presentCitizenLetter,
  presentCreatedLetter,
  presentMyLetterRow,
  presentNote,
  presentPublicLetter,
  presentPublicVersion,
  presentSettings,
} from './letter.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });

export const letterRoutes = defineRouteModule({
  tag: 'letters',
  description: '主任信箱: letters from citizens, their replies and the public list',
  routes: [
    defineRoute({
      method: 'post',
      path: '/api/letters',
      summary: 'Write a letter',
      description:
        'Answers 201 with the new letter, or 200 with the earlier letter when this repeats a submission ' +
        '(same `Idempotency-Key`, or the same category, subject and content within the duplicate window). ' +
        'Subject and content of letters meant to be public go through content safety. ' +
        'A citizen may write a limited number of letters a day (settings).',
      auth: 'citizen',
      headers: IdempotentCreateHeadersSchema,
      body: LetterCreateSchema,
      response: LetterCreatedSchema,
      status: 201,
      otherStatuses: [200],
      errors: ['content_risky', 'invalid_attachment', 'idempotency_key_reused'],
      handler: async ({ actor, input, services }) => {
        const result = await services.letters.submitLetter(actor, input.body, { idempotencyKey: input.headers['idempotency-key'] });
        const body = presentCreatedLetter(result.letter);
        return result.created ? body : withStatus(200, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/letters/mine',
      summary: "The citizen's letters, newest first",
      auth: 'citizen',
      query: LetterMineQuerySchema,
      response: LetterMinePageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.letters.listMyLetters(actor, input.query);
        return { items: page.letters.map((l) => presentMyLetterRow(l, page.now)), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/letters/categories',
      summary: 'Letter categories with their deadlines, and the text limits in force',
      auth: 'public',
      publicCache: { maxAgeSeconds: 10 },
      response: LetterCategoriesResponseSchema,
      handler: async ({ services }) => presentCategories(await services.letters.getSettings()),
    }),
    defineRoute({
      method: 'get',
      path: '/api/letters/public',
      summary: 'Replied letters published with their writers’ consent, as the office confirmed them (personal data masked)',
      description:
        '`q` matches the confirmed public subject and content literally (never the stored originals). Empty when public ' +
        'listing is switched off.',
      auth: 'public',
      publicCache: { maxAgeSeconds: 5 },
      // Searches miss the micro-cache and scan: a tighter per-IP bucket on top of the read limit.
      publicReadLimit: { searchParams: ['q'] },
      query: LetterPublicQuerySchema,
      response: LetterPublicPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.letters.listPublicLetters(actor, input.query);
        return { items: page.letters.map(presentPublicLetter), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/letters/public/:id',
      summary: 'One published letter (personal data masked)',
      auth: 'public',
      publicCache: { maxAgeSeconds: 5 },
      params: IdParams,
      response: LetterPublicViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentPublicLetter(await services.letters.getPublicLetter(actor, input.params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/letters/:id',
      summary: 'One of the citizen’s letters with its timeline, deadlines, reply and attachments',
      auth: 'citizen',
      params: IdParams,
      response: LetterCitizenViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentCitizenLetter(await services.letters.getMyLetter(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/letters/:id/rating',
      summary: 'Rate the reply (1–5), once per reply',
      auth: 'citizen',
      params: IdParams,
      body: LetterRatingSchema,
      response: LetterCitizenViewSchema,
      errors: ['not_found', 'already_rated', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentCitizenLetter(await services.letters.rateLetter(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/letters/:id/follow-up',
      summary: 'Ask once more after a dissatisfied rating (score ≤ 2)',
      description: 'Reopens the letter to the same department with a new reply deadline. Once per letter.',
      auth: 'citizen',
      params: IdParams,
      body: LetterFollowUpSchema,
      response: LetterCitizenViewSchema,
      errors: ['not_found', 'follow_up_used', 'invalid_state', 'content_risky'],
      handler: async ({ actor, input, services }) =>
        presentCitizenLetter(await services.letters.followUpLetter(actor, input.params.id, input.body)),
    }),
  ],
});

const ActionResponse = LetterAdminRowSchema;

export const adminLetterRoutes = defineRouteModule({
  tag: 'admin-letters',
  description: '主任信箱 back office: workflow, lists with deadlines, settings',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/admin/letters/settings',
      summary: 'Mailbox settings in force',
      auth: staffAuth(),
      response: LetterSettingsViewSchema,
      handler: async ({ services }) => presentSettings(await services.letters.getSettings()),
    }),
    defineRoute({
      method: 'put',
      path: '/api/admin/letters/settings',
      summary: 'Replace the mailbox settings',
      description: 'Categories with their deadlines, text limits (within the defaults), duplicate window, daily cap, public listing.',
      auth: staffAuth('admin'),
      body: LetterSettingsSchema,
      response: LetterSettingsViewSchema,
      handler: async ({ actor, input, services }) => presentSettings(await services.letters.updateSettings(actor, input.body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/letters',
      summary: 'Letters, newest first or by deadline, with a total count, the current deadline and overdue flag',
      description:
        'Handlers see their department’s letters only. `overdue` and `dueWithin` (working days left in the current ' +
        'step, overdue included) are evaluated against the calendar at request time. `q` matches tracking number, ' +
        'subject and content literally. `sort=dueAt` is the queue by deadline: open letters by the due date of their ' +
        'current step, earliest first, then closed ones newest first. `total` counts every letter matching the filters.',
      auth: staffAuth(),
      query: LetterAdminListQuerySchema,
      response: LetterAdminPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.letters.listLetters(actor, input.query);
        return { items: page.letters.map((l) => presentAdminRow(l, page.now)), nextCursor: page.nextCursor, total: page.total };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/letters/:id',
      summary: 'One letter with the writer’s contact data (audited)',
      auth: staffAuth(),
      params: IdParams,
      response: LetterAdminViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentAdminLetter(await services.letters.getLetter(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/accept',
      summary: 'Accept a submitted letter (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.acceptLetter(actor, input.params.id);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/reject',
      summary: 'Reject a submitted letter with a reason; the writer is notified (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      body: LetterReasonSchema,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.rejectLetter(actor, input.params.id, input.body.reason);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/assign',
      summary: 'Assign (or reassign) the letter to a department (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      body: LetterAssignSchema,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.assignLetter(actor, input.params.id, input.body.departmentId);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/draft',
      summary: 'Draft (or redraft) the reply (handler of the assigned department)',
      auth: staffAuth('handler'),
      params: IdParams,
      body: LetterDraftSchema,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.draftReply(actor, input.params.id, input.body.reply);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/approve',
      summary: 'Approve the drafted reply (分管领导)',
      auth: staffAuth('reviewer'),
      params: IdParams,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.approveReply(actor, input.params.id);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/return',
      summary: 'Return the drafted reply to the department with a reason (分管领导)',
      auth: staffAuth('reviewer'),
      params: IdParams,
      body: LetterReasonSchema,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.returnDraft(actor, input.params.id, input.body.reason);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/return-to-office',
      summary: 'Return a mis-assigned letter to the office with a reason (handler of the assigned department)',
      description:
        'The letter goes back to `accepted` without a department (any draft is discarded) for the office to assign ' +
        'again; the reply deadline is unchanged. The reason is internal: the writer sees the step, not the reason.',
      auth: staffAuth('handler'),
      params: IdParams,
      body: LetterReasonSchema,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.returnToOffice(actor, input.params.id, input.body.reason);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/extension',
      summary: 'Ask for more working days to reply, with a reason (延期; handler of the assigned department)',
      description:
        'While the letter is assigned or drafted. One pending request at a time (409 `invalid_state`, ' +
        '`details.reason: extension_pending`) and one granted extension per reply round (`extension_used`).',
      auth: staffAuth('handler'),
      params: IdParams,
      body: LetterExtensionRequestSchema,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.requestExtension(actor, input.params.id, input.body);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/extension/grant',
      summary: 'Grant the pending extension: the reply deadline moves and the writer is told why (分管领导)',
      description:
        'The new reply deadline counts the original working days plus the extra ones from the same start, on the ' +
        'working-day calendar. No pending request → 409 `invalid_state` (`details.reason: no_pending_extension`).',
      auth: staffAuth('reviewer'),
      params: IdParams,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.grantExtension(actor, input.params.id);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/extension/refuse',
      summary: 'Refuse the pending extension with a reason; the deadline stays (分管领导)',
      auth: staffAuth('reviewer'),
      params: IdParams,
      body: LetterReasonSchema,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.refuseExtension(actor, input.params.id, input.body.reason);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/notes',
      summary: 'Add an internal note (staff who may see the letter; never shown to the writer or the public)',
      auth: staffAuth(),
      params: IdParams,
      body: LetterNoteCreateSchema,
      response: LetterNoteViewSchema,
      status: 201,
      errors: ['not_found', 'letter_notes_full'],
      handler: async ({ actor, input, services }) => presentNote((await services.letters.addNote(actor, input.params.id, input.body.text)).note),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/send',
      summary: 'Send the approved reply; the writer gets an inbox entry and a subscribe message (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      response: ActionResponse,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => {
        const r = await services.letters.sendReply(actor, input.params.id);
        return presentAdminRow(r.letter, r.now);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/letters/:id/public-version',
      summary: 'The public version to confirm before the letter is listed (公开前审核, 办公室)',
      description:
        'The confirmed public texts, else the masked proposal (for an outdated version, the confirmed texts plus a proposal ' +
        'for the new round), beside the originals, with who confirmed them and when. Reading the originals is audited.',
      auth: staffAuth('office'),
      params: IdParams,
      response: LetterPublicVersionViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentPublicVersion(await services.letters.getPublicVersion(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/letters/:id/public-version',
      summary: 'Confirm the public version, edited or not; only confirmed texts are listed (公开前审核, 办公室)',
      description:
        'The letter must be replied (or rated) and its writer must have consented (409 `invalid_state`, `details.reason` ' +
        '`no_public_consent`). `followUp` is required exactly when the letter has a follow-up. The originals are never changed. ' +
        'A reply sent later shows publicly only once the version is confirmed again.',
      auth: staffAuth('office'),
      params: IdParams,
      body: LetterPublicVersionInputSchema,
      response: LetterPublicVersionViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentPublicVersion(await services.letters.confirmPublicVersion(actor, input.params.id, input.body)),
    }),
  ],
});
