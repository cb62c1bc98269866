/**
 * Masks personal data (names, phone numbers, ID numbers, e-mail and street addresses) for public
 * views. Structured fields are masked by their kind; free text is scanned for the same patterns
 * and for the names the case already knows (the writer's contact name), because citizens often
 * repeat their own name, phone and address inside the letter body.
 *
 * Pattern scanning cannot find every name in free prose; the known names plus common
 * self-introductions ("我叫…", "本人…", "姓名：…") are what we can catch reliably, and staff
 * still decide whether a letter goes public at all.
 */
import { escapeRegExp } from './regex';

const MASK = '*';

/** 张三 -> 张*, 欧阳娜娜 -> 欧***, keeping only the first character. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + MASK.repeat(Math.max(1, chars.length - 1));
}

/** 13812345678 -> 138****5678; landlines keep the area code and the last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (/^1[3-9]\d{9}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length >= 7) return `${digits.slice(0, Math.min(4, digits.length - 4))}${MASK.repeat(4)}${digits.slice(-2)}`;
  return MASK.repeat(digits.length || 4);
}

/** 18-digit resident ID: keep the first 3 and the last 2 characters. */
export function maskIdNumber(id: string): string {
  return `${id.slice(0, 3)}${MASK.repeat(Math.max(4, id.length - 5))}${id.slice(-2)}`;
}

const MOBILE = /(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)/g;
const LANDLINE = /(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g;
const ID_CARD = /(?<![\dA-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// A street name followed by a number and unit detail: keep the street, mask the numbers.
const ADDRESS_DETAIL = /([\u4e00-\u9fa5]{1,12}(?:路|街|道|巷|弄|村|小区|大道|胡同|苑|园))((?:[\d一二三四五六七八九十百零〇]+|[A-Za-z]\d*)(?:号|弄|栋|幢|座|单元|楼|层|室|户|-|[\dA-Za-z]){1,20})/g;
const SELF_INTRO = /(我叫|我是|本人|姓名[:：]\s*|联系人[:：]\s*)([\u4e00-\u9fa5]{2,4})(?=[，,。.；;、\s]|$)/g;

/**
 * Masks personal data inside free text. `knownNames` are names known to belong to the case
 * (e.g. the letter's contact name); every occurrence is masked.
 */
export function maskFreeText(text: string, knownNames: readonly string[] = []): string {
  let out = text
    .replace(ID_CARD, (m) => maskIdNumber(m))
    .replace(MOBILE, (m) => maskPhone(m))
    .replace(LANDLINE, (m) => maskPhone(m))
    .replace(EMAIL, (m) => {
      const [user, domain] = m.split('@');
      return `${user.slice(0, 1)}***@${domain}`;
    })
    .replace(ADDRESS_DETAIL, (_m, street: string) => `${street}${MASK.repeat(3)}`)
    .replace(SELF_INTRO, (_m, lead: string, name: string) => `${lead}${maskName(name)}`);
  const names = [...new Set(knownNames.map((n) => n.trim()).filter((n) => [...n].length >= 2))]
    .sort((a, b) => b.length - a.length);
  for (const name of names) {
    out = out.replace(new RegExp(escapeRegExp(name), 'g'), maskName(name));
  }
  return out;
}

/** Names introduced in `text` (我叫…, 姓名：…): masked wherever else they appear in the case. */
export function namesIn(text: string): string[] {
  return [...text.matchAll(SELF_INTRO)].map((m) => m[2]);
}
