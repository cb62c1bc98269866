/**
 * Citizen sign-in with WeChat (`wx.login` code → token). The token goes into
 * `Authorization: Bearer <token>` on every later request.
 */
import { z } from 'zod';

/** `wx.login` codes are 32 characters today; the bound only stops junk. */
export const CitizenLoginSchema = z.object({
  code: z.string({ error: '缺少登录凭证' }).trim().min(1, { message: '缺少登录凭证' }).max(128, { message: '登录凭证无效' }),
});
export type CitizenLogin = z.infer<typeof CitizenLoginSchema>;

/** The signed-in citizen as the mini-program sees them (no openid: it stays on the server). */
export const CitizenViewSchema = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
});
export type CitizenView = z.infer<typeof CitizenViewSchema>;

export const CitizenLoginResponseSchema = z.object({
  token: z.string(),
  /** When the token stops working; sign in again (silently, with a new `wx.login`) before. */
  expiresAt: z.iso.datetime(),
  user: CitizenViewSchema,
});
export type CitizenLoginResponse = z.infer<typeof CitizenLoginResponseSchema>;

/** A citizen as the back office sees them (still no openid). */
export const CitizenAdminViewSchema = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  lastLoginAt: z.iso.datetime(),
  /** Blocked citizens can neither sign in nor use a token they already hold. */
  blocked: z.boolean(),
  blockedAt: z.iso.datetime().nullable(),
  blockedReason: z.string().nullable(),
});
export type CitizenAdminView = z.infer<typeof CitizenAdminViewSchema>;

/** Limits of the block form. */
const CITIZEN_BLOCK_LIMITS = { reasonMax: 200 } as const;

/** `POST /api/admin/users/:id/block`: why (kept with the user and in the audit log). */
export const CitizenBlockSchema = z.object({
  reason: z
    .string({ error: '请填写封禁原因' })
    .trim()
    .min(1, { message: '请填写封禁原因' })
    .max(CITIZEN_BLOCK_LIMITS.reasonMax, { message: `封禁原因不能超过 ${CITIZEN_BLOCK_LIMITS.reasonMax} 字` }),
});
export type CitizenBlock = z.infer<typeof CitizenBlockSchema>;
