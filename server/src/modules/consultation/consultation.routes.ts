/**
 * Opinion collection (意见征集) routes. Public: list, detail, responses (citizens), my responses,
 * results and the adoption report. Staff (`/api/admin/consultations`): `office` and `handler`
 * (own department; another department's consultation is 404) edit drafts and handle opinions;
 * only `office` opens and closes. Static paths come before `/:id` ones so `mine` is never read as
 * an id.
 *
 * Results visibility (documented choice): 404 for unknown consultations, drafts and
 * consultations whose results are not shown publicly (`showResults: false`) — for the public those
 * results do not exist; 403 `consultation_results_not_available` while a consultation whose
 * results will be shown has not closed yet.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  ConsultationCreateSchema,
  ConsultationFeedbackSchema,
  ConsultationPublicListResponseSchema,
  ConsultationPublicViewSchema,
  ConsultationResultsSchema,
  ConsultationStaffListResponseSchema,
  ConsultationStaffViewSchema,
  ConsultationUpdateSchema,
  ExportQuerySchema,
  FeedbackPublishSchema,
  MergeResultSchema,
  MyResponseListSchema,
  OpinionDecisionSchema,
  OpinionListQuerySchema,
  OpinionMergeSchema,
  PublicConsultationListQuerySchema,
  ResponseReceiptSchema,
  ResponseSubmitSchema,
  StaffConsultationListQuerySchema,
  StaffOpinionListSchema,
  StaffOpinionViewSchema,
  StaffResponseListSchema,
} from '../../../../shared/consultations';
import { CursorQuerySchema } from '../../../../shared/pagination';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { attachmentDisposition } from '../../lib/csv';
import { binaryResponse, defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import {
  presentMergeResult,
  presentMyResponse,
  presentPublicConsultation,
  presentStaffConsultation,
  presentStaffOpinion,
  presentStaffResponse,
  presentStaffRow,
  presentSummary,
} from './consultation.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });
const OpinionParams = z.object({ id: ObjectIdStringSchema, opinionId: ObjectIdStringSchema });
const EDITORS = staffAuth('office', 'handler');
const OFFICE = staffAuth('office');

export const consultationRoutes = defineRouteModule({
  tag: 'consultations',
  description: '意见征集: consultations with surveys, one response per citizen, and the adoption report (采纳情况)',
  routes: [
    // ------------------------------------------------------------------ public
    defineRoute({
      method: 'get',
      path: '/api/consultations',
      summary: 'List published consultations',
      description:
        '`status=open`: accepting responses now (startAt ≤ now < endAt); `status=closed`: ended or closed, ' +
        'including those with a published adoption report; no status: every published consultation. Newest start first.',
      auth: 'public',
      publicCache: { maxAgeSeconds: 5 },
      query: PublicConsultationListQuerySchema,
      response: ConsultationPublicListResponseSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.consultations.listPublished(actor, input.query);
        return { items: page.consultations.map((c) => presentSummary(c, page.now)), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/consultations/mine',
      summary: 'My responses, with the adoption of my opinions once published',
      auth: 'citizen',
      query: CursorQuerySchema,
      response: MyResponseListSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.consultations.listMine(actor, input.query);
        return { items: page.items.map(presentMyResponse), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/consultations/:id',
      summary: 'A published consultation: draft text, questions, window and my response status',
      auth: 'public',
      params: IdParams,
      response: ConsultationPublicViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentPublicConsultation(await services.consultations.getPublished(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/consultations/:id/responses',
      summary: 'Answer a consultation (once per person)',
      description:
        'Answers are checked against the consultation’s questions (`details[].path` = `answers.<questionId>`). ' +
        'A second response from the same citizen is refused with 409 `already_responded` (unique index). ' +
        'Outside [startAt, endAt) by the clock: 409 `consultation_not_open`. Free-text opinions go through ' +
        'content safety: risky → 422; review → accepted but not quoted publicly until approved.',
      auth: 'citizen',
      params: IdParams,
      body: ResponseSubmitSchema,
      response: ResponseReceiptSchema,
      status: 201,
      errors: ['not_found', 'consultation_not_open', 'already_responded', 'content_risky'],
      handler: async ({ actor, input, services }) => {
        const { response, opinionsUnderReview } = await services.consultations.submitResponse(actor, input.params.id, input.body);
        return {
          id: response._id.toHexString(),
          consultationId: response.consultationId.toHexString(),
          submittedAt: response.submittedAt.toISOString(),
          opinionsUnderReview,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/consultations/:id/results',
      summary: 'Aggregated answers after the consultation closed',
      description:
        'Only for consultations with `showResults`, once closed. 404 when unknown, a draft, or results are not shown; ' +
        '403 `consultation_results_not_available` before the close. Text questions give counts, plus the adopted ' +
        'opinions (masked) once the adoption report is published.',
      auth: 'public',
      publicCache: { maxAgeSeconds: 5 },
      params: IdParams,
      response: ConsultationResultsSchema,
      errors: ['not_found', 'consultation_results_not_available'],
      handler: ({ actor, input, services }) => services.consultations.getResults(actor, input.params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/consultations/:id/feedback',
      summary: 'The published adoption report (采纳情况)',
      description: '404 until published. Merged duplicates appear once with their count; personal data is masked.',
      auth: 'public',
      publicCache: { maxAgeSeconds: 10 },
      params: IdParams,
      response: ConsultationFeedbackSchema,
      errors: ['not_found'],
      handler: ({ actor, input, services }) => services.consultations.getFeedback(actor, input.params.id),
    }),

    // ------------------------------------------------------------------ staff
    defineRoute({
      method: 'get',
      path: '/api/admin/consultations',
      summary: 'List consultations with their feedback deadline and overdue flag',
      description: 'Handlers see their own department only. `feedbackOverdue` is derived at read time.',
      auth: EDITORS,
      query: StaffConsultationListQuerySchema,
      response: ConsultationStaffListResponseSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.consultations.listForStaff(actor, input.query);
        return { items: page.consultations.map((c) => presentStaffRow(c, page.now)), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/consultations',
      summary: 'Create a draft consultation',
      description: 'Rich text is sanitized. Handlers create for their own department; office must name one.',
      auth: EDITORS,
      body: ConsultationCreateSchema,
      response: ConsultationStaffViewSchema,
      status: 201,
      errors: ['invalid_attachment'],
      handler: async ({ actor, input, services }) => presentStaffConsultation(await services.consultations.createConsultation(actor, input.body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/consultations/:id',
      summary: 'A consultation with counts, deadline and overdue flag',
      auth: EDITORS,
      params: IdParams,
      response: ConsultationStaffViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentStaffConsultation(await services.consultations.getForStaff(actor, input.params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/admin/consultations/:id',
      summary: 'Edit a draft (questions included)',
      description: 'Only drafts can be edited (409 `invalid_state` otherwise).',
      auth: EDITORS,
      params: IdParams,
      body: ConsultationUpdateSchema,
      response: ConsultationStaffViewSchema,
      errors: ['not_found', 'invalid_state', 'invalid_attachment'],
      handler: async ({ actor, input, services }) =>
        presentStaffConsultation(await services.consultations.updateConsultation(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/consultations/:id/open',
      summary: 'Open a draft for responses',
      description:
        'Checks the questions, the window and the minimum-duration rule (`days30`: through the 30th day after the start ' +
        'date; `workdays7`: through the 7th working day after it on the Chinese calendar). Too short: 400 ' +
        '`consultation_window_too_short` with the rule explained in Chinese.',
      auth: OFFICE,
      params: IdParams,
      response: ConsultationStaffViewSchema,
      errors: ['not_found', 'invalid_state', 'consultation_window_too_short'],
      handler: async ({ actor, input, services }) => presentStaffConsultation(await services.consultations.openConsultation(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/consultations/:id/close',
      summary: 'Close an open consultation early',
      description: 'The adoption report is then due one calendar month after the close.',
      auth: OFFICE,
      params: IdParams,
      response: ConsultationStaffViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentStaffConsultation(await services.consultations.closeConsultation(actor, input.params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/consultations/:id/responses',
      summary: 'Responses, newest first (respondents as numbers; audited)',
      auth: EDITORS,
      params: IdParams,
      query: CursorQuerySchema,
      response: StaffResponseListSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => {
        const page = await services.consultations.listResponses(actor, input.params.id, input.query);
        return { items: page.responses.map(presentStaffResponse), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/consultations/:id/responses/export',
      summary: 'Export every response as CSV (UTF-8 with BOM; audited)',
      auth: EDITORS,
      params: IdParams,
      query: ExportQuerySchema,
      binaryResponse: { mediaTypes: ['text/csv'], description: 'One row per response, one column per question' },
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => {
        const { filename, content } = await services.consultations.exportResponsesCsv(actor, input.params.id);
        return binaryResponse({
          stream: Readable.from([content]),
          contentType: 'text/csv; charset=utf-8',
          contentLength: content.length,
          headers: { 'Content-Disposition': attachmentDisposition(filename), 'Cache-Control': 'no-store' },
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/consultations/:id/opinions',
      summary: 'Free-text opinions with their groups and decisions (audited)',
      auth: EDITORS,
      params: IdParams,
      query: OpinionListQuerySchema,
      response: StaffOpinionListSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => {
        const page = await services.consultations.listOpinions(actor, input.params.id, input.query);
        return { items: page.opinions.map(presentStaffOpinion), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/consultations/:id/opinions/merge',
      summary: 'Merge duplicate opinions into one group sharing one decision',
      description: 'The listed opinions (with their groups) join `into`’s group and take its decision (or none).',
      auth: EDITORS,
      params: IdParams,
      body: OpinionMergeSchema,
      response: MergeResultSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentMergeResult(await services.consultations.mergeOpinions(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/consultations/:id/opinions/:opinionId/decision',
      summary: 'Decide an opinion (and its merged group): adopted, partly adopted or not adopted, with a reason',
      auth: EDITORS,
      params: OpinionParams,
      body: OpinionDecisionSchema,
      response: StaffOpinionViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentStaffOpinion(await services.consultations.decideOpinion(actor, input.params.id, input.params.opinionId, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/consultations/:id/feedback/publish',
      summary: 'Publish the adoption report and notify every respondent',
      description: 'Every opinion must be decided (409 `opinions_undecided` with `details.count`).',
      auth: EDITORS,
      params: IdParams,
      body: FeedbackPublishSchema,
      response: ConsultationStaffViewSchema,
      errors: ['not_found', 'invalid_state', 'opinions_undecided'],
      handler: async ({ actor, input, services }) =>
        presentStaffConsultation(await services.consultations.publishFeedback(actor, input.params.id, input.body)),
    }),
  ],
});
