/** 主任信箱: typed calls of the letter routes (schemas from `shared/letters.ts`). */
import {
  LetterCategoriesResponseSchema,
  LetterCitizenViewSchema,
  LetterCreatedSchema,
  LetterMinePageSchema,
  LetterPublicPageSchema,
  LetterPublicViewSchema,
  type LetterCitizenView,
  type LetterCreate,
  type LetterCreated,
  type LetterPublicView,
} from '@shared/letters';
import type { z } from 'zod';
import { request } from './request';

/** Categories with their deadlines and the text limits in force (`GET /api/letters/categories`). */
export type LetterCategories = z.infer<typeof LetterCategoriesResponseSchema>;
/** A page of "my letters". */
export type LetterMinePage = z.infer<typeof LetterMinePageSchema>;
/** A page of the public list. */
export type LetterPublicPage = z.infer<typeof LetterPublicPageSchema>;

/** The submission form's categories, deadlines and limits (no sign-in needed). */
export function fetchLetterCategories(): Promise<LetterCategories> {
  return request({ path: '/api/letters/categories', schema: LetterCategoriesResponseSchema });
}

/**
 * Sends a letter. `idempotencyKey` is made once per form shown, so a retried tap (a lost answer,
 * a double tap) returns the same letter instead of a second one.
 */
export function createLetter(input: LetterCreate, idempotencyKey: string): Promise<LetterCreated> {
  return request({
    method: 'POST',
    path: '/api/letters',
    body: input,
    headers: { 'Idempotency-Key': idempotencyKey },
    auth: 'required',
    schema: LetterCreatedSchema,
  });
}

/** My letters, newest first. */
export function fetchMyLetters(cursor?: string): Promise<LetterMinePage> {
  return request({ path: '/api/letters/mine', query: { cursor }, auth: 'required', schema: LetterMinePageSchema });
}

/** One of my letters with its timeline, deadlines, replies and rating. */
export function fetchMyLetter(id: string): Promise<LetterCitizenView> {
  return request({ path: `/api/letters/${encodeURIComponent(id)}`, auth: 'required', schema: LetterCitizenViewSchema });
}

/** Rates the latest reply (1–5). */
export function rateLetter(id: string, input: { score: number; comment?: string }): Promise<LetterCitizenView> {
  return request({
    method: 'POST',
    path: `/api/letters/${encodeURIComponent(id)}/rating`,
    body: input,
    auth: 'required',
    schema: LetterCitizenViewSchema,
  });
}

/** The one follow-up question after a dissatisfied rating. */
export function followUpLetter(id: string, content: string): Promise<LetterCitizenView> {
  return request({
    method: 'POST',
    path: `/api/letters/${encodeURIComponent(id)}/follow-up`,
    body: { content },
    auth: 'required',
    schema: LetterCitizenViewSchema,
  });
}

/** Replied letters published with consent, personal data masked by the server. */
export function fetchPublicLetters(params: { cursor?: string; q?: string; category?: string }): Promise<LetterPublicPage> {
  return request({ path: '/api/letters/public', query: params, schema: LetterPublicPageSchema });
}

/** One published letter. */
export function fetchPublicLetter(id: string): Promise<LetterPublicView> {
  return request({ path: `/api/letters/public/${encodeURIComponent(id)}`, schema: LetterPublicViewSchema });
}
