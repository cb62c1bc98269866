/**
 * The `Idempotency-Key` header of citizen submissions (`POST /api/letters`,
 * `POST /api/error-reports`): the same key from the same citizen returns the same record, so a
 * retry after a lost answer never creates a second one. The mini-program makes one key per form
 * it shows.
 */
import { z } from 'zod';

export const IdempotencyKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, { message: '请求编号应为8至128位字母、数字或 . _ : -' });

/** Headers of a submission route that honours `Idempotency-Key`. */
export const IdempotentCreateHeadersSchema = z.object({ 'idempotency-key': IdempotencyKeySchema.optional() });
