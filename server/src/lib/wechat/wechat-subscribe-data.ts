/**
 * Subscribe-message field rules. WeChat types each template field by its key prefix (`thing1`,
 * `phrase2`, `character_string3`, ...) and answers 47003 for a value that breaks the type's rule,
 * so values are checked here first: free text (`thing`, `name`) is cut at the limit, everything
 * else is refused when malformed, because cutting a number, a date or a reference would change
 * its meaning.
 *
 * Limits are counted in characters as WeChat counts them for Chinese text: one per Unicode code
 * point (an emoji or a rare 汉字 outside the BMP counts once), and cuts never split a grapheme
 * (an emoji ZWJ sequence or a letter with a combining mark stays whole or goes whole).
 *
 * Rules as documented in "订阅消息参数值内容限制说明" (subscribeMessage.send):
 * thing ≤ 20 characters; number ≤ 32 digits, decimals allowed; letter ≤ 32 letters; symbol ≤ 5
 * symbols; character_string ≤ 32 digits/letters/symbols; time and date in 24-hour time and
 * 年月日 form, ranges joined by `~`; amount one currency sign + ≤ 10 digits, optional decimals,
 * optional trailing 元; phone_number ≤ 17 digits/symbols; car_number ≤ 8, first and last may be
 * 汉字; name ≤ 10 characters, or ≤ 20 when it is only letters and symbols; phrase ≤ 5 汉字.
 */
import { charCount as countChars } from '../../../../shared/text';
import { TemplateDataIssue, WechatTemplateDataError } from './wechat-errors';

/** Field type, from the key prefix. */
export type TemplateFieldType =
  | 'thing'
  | 'number'
  | 'letter'
  | 'symbol'
  | 'character_string'
  | 'time'
  | 'date'
  | 'amount'
  | 'phone_number'
  | 'car_number'
  | 'name'
  | 'phrase';

/** Character limits per field type (code points). */
export const TEMPLATE_FIELD_LIMITS = {
  thing: 20,
  number: 32,
  letter: 32,
  symbol: 5,
  character_string: 32,
  phone_number: 17,
  car_number: 8,
  /** Names containing any 汉字 (or other non-ASCII letters). */
  name: 10,
  /** Names made only of ASCII letters, spaces and symbols. */
  nameLatin: 20,
  phrase: 5,
} as const;

const KEY = /^(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name|phrase)(\d+)$/;

const HAN = /^\p{Script=Han}+$/u;
const DIGITS_DECIMAL = /^\d+(?:\.\d+)?$/;
const LETTERS = /^[A-Za-z]+$/;
const SYMBOLS = /^[^\p{L}\p{N}\s]+$/u;
const CHARACTER_STRING = /^[\x21-\x7e]+$/;
const AMOUNT = /^[¥￥$€£]?\d{1,10}(?:\.\d+)?元?$/;
const PHONE = /^\+?[\d()-]+$/;
const CAR_NUMBER = /^[\p{Script=Han}A-Za-z0-9][A-Za-z0-9]*[\p{Script=Han}A-Za-z0-9]?$/u;
const ASCII_ONLY = /^[\x20-\x7e]+$/;

// Dates as WeChat's examples write them (2019年10月1日) and as ISO-like strings (2019-10-01),
// which WeChat also accepts; times are 24-hour HH:mm with optional seconds.
const DATE_PART = /^(\d{4})(?:年(\d{1,2})月(\d{1,2})日|-(\d{1,2})-(\d{1,2})|\/(\d{1,2})\/(\d{1,2}))$/;
const TIME_PART = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/**
 * Cuts `s` to at most `limit` code points without splitting a grapheme cluster. Returns `s`
 * unchanged when it fits.
 */
export function truncateChars(s: string, limit: number): string {
  if (countChars(s) <= limit) return s;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(s)) {
    const n = countChars(segment);
    if (used + n > limit) break;
    out += segment;
    used += n;
  }
  return out;
}

function isValidDate(part: string): boolean {
  const m = DATE_PART.exec(part);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2] ?? m[4] ?? m[6]);
  const day = Number(m[3] ?? m[5] ?? m[7]);
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function isValidTime(part: string): boolean {
  const m = TIME_PART.exec(part);
  if (!m) return false;
  const [h, min, sec] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
  return h <= 23 && min <= 59 && sec <= 59;
}

/** One point in time: `date`, `date time`, or (for `time` fields) `time` alone. */
function isValidMoment(s: string, type: 'date' | 'time'): boolean {
  const parts = s.trim().split(/\s+/);
  if (parts.length === 1) return type === 'date' ? isValidDate(parts[0]) : isValidTime(parts[0]);
  if (parts.length === 2) return isValidDate(parts[0]) && isValidTime(parts[1]);
  return false;
}

function isValidDateOrTime(value: string, type: 'date' | 'time'): boolean {
  const ends = value.split('~');
  if (ends.length > 2) return false;
  return ends.every((end) => end.trim() !== '' && isValidMoment(end, type));
}

/** Checks (and, for free text, cuts) one value; returns the value to send or a refusal reason. */
function prepareValue(type: TemplateFieldType, raw: string): { value: string } | { reason: string } {
  const value = raw.trim();
  if (value === '') return { reason: 'empty value' };
  const n = countChars(value);
  const limited = (limit: number, ok: boolean, what: string) =>
    !ok ? { reason: `must be ${what}` } : n > limit ? { reason: `longer than ${limit} characters` } : { value };
  switch (type) {
    case 'thing':
      return { value: truncateChars(value, TEMPLATE_FIELD_LIMITS.thing) };
    case 'name': {
      const limit = ASCII_ONLY.test(value) ? TEMPLATE_FIELD_LIMITS.nameLatin : TEMPLATE_FIELD_LIMITS.name;
      return { value: truncateChars(value, limit).trimEnd() };
    }
    case 'phrase':
      return limited(TEMPLATE_FIELD_LIMITS.phrase, HAN.test(value), 'only 汉字');
    case 'number':
      return limited(TEMPLATE_FIELD_LIMITS.number, DIGITS_DECIMAL.test(value), 'digits with an optional decimal part');
    case 'letter':
      return limited(TEMPLATE_FIELD_LIMITS.letter, LETTERS.test(value), 'only letters');
    case 'symbol':
      return limited(TEMPLATE_FIELD_LIMITS.symbol, SYMBOLS.test(value), 'only symbols');
    case 'character_string':
      return limited(
        TEMPLATE_FIELD_LIMITS.character_string,
        CHARACTER_STRING.test(value),
        'digits, letters and symbols without spaces',
      );
    case 'phone_number':
      return limited(TEMPLATE_FIELD_LIMITS.phone_number, PHONE.test(value), 'digits and phone symbols');
    case 'car_number':
      return limited(TEMPLATE_FIELD_LIMITS.car_number, CAR_NUMBER.test(value), 'a plate number');
    case 'amount':
      return AMOUNT.test(value) ? { value } : { reason: 'must be an optional currency sign, up to 10 digits, optional decimals and 元' };
    case 'date':
    case 'time':
      return isValidDateOrTime(value, type)
        ? { value }
        : { reason: type === 'date' ? 'must be a date like 2024年1月2日 or 2024-01-02, optionally with HH:mm' : 'must be a 24-hour time like 15:01, optionally after a date' };
  }
}

/** Template data as callers give it: key → value. `{ value }` objects are accepted too. */
export type SubscribeDataInput = Record<string, string | number | { value: string | number }>;

/** Template data as WeChat wants it, plus the keys whose text was cut. */
export interface PreparedSubscribeData {
  data: Record<string, { value: string }>;
  /** Keys of `thing`/`name` fields cut at their limit. */
  truncated: string[];
}

/**
 * Validates template data by key prefix: cuts `thing` and `name` at their limits, refuses every
 * other malformed value, unknown key types and empty data. Throws {@link WechatTemplateDataError}
 * listing every bad field.
 */
export function prepareSubscribeData(input: SubscribeDataInput): PreparedSubscribeData {
  const issues: TemplateDataIssue[] = [];
  const data: Record<string, { value: string }> = {};
  const truncated: string[] = [];
  const entries = Object.entries(input);
  if (entries.length === 0) issues.push({ key: '*', reason: 'no template data' });
  for (const [key, given] of entries) {
    const m = KEY.exec(key);
    if (!m) {
      issues.push({ key, reason: 'unknown field type (expected thing1, phrase2, character_string3, ...)' });
      continue;
    }
    const type = m[1] as TemplateFieldType;
    const raw = typeof given === 'object' && given !== null ? given.value : given;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      issues.push({ key, reason: 'value must be a string or a number' });
      continue;
    }
    const text = String(raw);
    const result = prepareValue(type, text);
    if ('reason' in result) {
      issues.push({ key, reason: result.reason });
      continue;
    }
    if (result.value !== text.trim()) truncated.push(key);
    data[key] = { value: result.value };
  }
  if (issues.length > 0) throw new WechatTemplateDataError(issues);
  return { data, truncated };
}
