/** 意见征集: typed calls of the public and citizen consultation routes (schemas from `shared/consultations.ts`). */
import {
  ConsultationFeedbackSchema,
  ConsultationPublicListResponseSchema,
  ConsultationPublicViewSchema,
  ConsultationResultsSchema,
  MyResponseListSchema,
  ResponseReceiptSchema,
  type AnswerInput,
  type ConsultationFeedback,
  type ConsultationPublicView,
  type ConsultationResults,
} from '@shared/consultations';
import type { z } from 'zod';
import { request } from './request';

/** A page of consultations. */
export type ConsultationPage = z.infer<typeof ConsultationPublicListResponseSchema>;
/** A page of my responses. */
export type MyResponsePage = z.infer<typeof MyResponseListSchema>;
/** The receipt of a submitted response. */
export type ResponseReceipt = z.infer<typeof ResponseReceiptSchema>;

/** Published consultations, newest start first; `status` open (征集中) or closed (已结束). */
export function fetchConsultations(params: { cursor?: string; status?: 'open' | 'closed' }): Promise<ConsultationPage> {
  return request({ path: '/api/consultations', query: params, schema: ConsultationPublicListResponseSchema });
}

/** A consultation with its draft, questions and, when signed in, whether I already answered. */
export function fetchConsultation(id: string): Promise<ConsultationPublicView> {
  return request({ path: `/api/consultations/${encodeURIComponent(id)}`, auth: 'optional', schema: ConsultationPublicViewSchema });
}

/** Answers a consultation (once per person: a second try is 409 `already_responded`). */
export function submitConsultationResponse(id: string, answers: AnswerInput[]): Promise<ResponseReceipt> {
  return request({
    method: 'POST',
    path: `/api/consultations/${encodeURIComponent(id)}/responses`,
    body: { answers },
    auth: 'required',
    schema: ResponseReceiptSchema,
  });
}

/** Aggregated answers after the close (403 `consultation_results_not_available` before). */
export function fetchConsultationResults(id: string): Promise<ConsultationResults> {
  return request({ path: `/api/consultations/${encodeURIComponent(id)}/results`, schema: ConsultationResultsSchema });
}

/** The published adoption report (404 until published). */
export function fetchConsultationFeedback(id: string): Promise<ConsultationFeedback> {
  return request({ path: `/api/consultations/${encodeURIComponent(id)}/feedback`, schema: ConsultationFeedbackSchema });
}

/** My responses with the adoption of my opinions once published. */
export function fetchMyResponses(cursor?: string): Promise<MyResponsePage> {
  return request({ path: '/api/consultations/mine', query: { cursor }, auth: 'required', schema: MyResponseListSchema });
}
