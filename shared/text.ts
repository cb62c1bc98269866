/**
 * Text helpers shared by the mini-program forms and the server's schemas. Lengths are counted in
 * Unicode code points, as a citizen counts characters (an emoji or a rare 汉字 outside the BMP is one).
 */
import { z } from 'zod';

/** Number of characters as a person counts them. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * A trimmed string whose character count lies in [min, max], with Chinese messages that the
 * mini-program shows next to the field.
 */
export function boundedText(label: string, min: number, max: number) {
  return z
    .string({ error: `请填写${label}` })
    .trim()
    .refine((s) => charCount(s) >= min, { message: `${label}至少${min}个字` })
    .refine((s) => charCount(s) <= max, { message: `${label}最多${max}个字` });
}

/** A 24-hex-character id as the server issues them. */
export const ObjectIdStringSchema = z.string().regex(/^[0-9a-f]{24}$/i, { message: '无效的编号' });

/** Mainland mobile number, or a landline with area code. */
export const PhoneSchema = z
  .string()
  .trim()
  .regex(/^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, { message: '请填写正确的手机号或带区号的固定电话' });
