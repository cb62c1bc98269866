/**
 * Numbers as MongoDB sees them: four BSON numeric types (int32, int64, double, decimal128) that
 * compare by value across types, and update arithmetic whose result type follows MongoDB's
 * promotion rules (int32 < int64 < double < decimal128, int32 overflowing into int64).
 *
 * Plain JS numbers are accepted everywhere: an integer-valued one that fits in 32 bits counts as
 * int32 (that is how the bson package serialises it), any other as double.
 */
import { Decimal128, Double, Int32, Long } from 'bson';

/** Numeric type ranks, in MongoDB's promotion order. */
export const INT = 0;
export const LONG = 1;
export const DOUBLE = 2;
export const DECIMAL = 3;
export type NumKind = typeof INT | typeof LONG | typeof DOUBLE | typeof DECIMAL;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

interface BsonTagged {
  _bsontype?: string;
}

/** The numeric kind of a value, or -1 when it is not a number. */
export function numKind(v: unknown): NumKind | -1 {
  if (typeof v === 'number') return isInt32Number(v) ? INT : DOUBLE;
  if (typeof v === 'bigint') return LONG;
  if (v === null || typeof v !== 'object') return -1;
  switch ((v as BsonTagged)._bsontype) {
    case 'Int32':
      return INT;
    case 'Double':
      return DOUBLE;
    case 'Long':
      return LONG;
    case 'Decimal128':
      return DECIMAL;
    default:
      return -1;
  }
}

/** True for any numeric value (JS number, bigint, Int32, Double, Long, Decimal128). */
export function isNumeric(v: unknown): boolean {
  return numKind(v) !== -1;
}

function isInt32Number(n: number): boolean {
  return Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX && !Object.is(n, -0);
}

/** The value as a JS double (lossy for int64 beyond 2^53 and for decimals). */
export function toDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  switch ((v as BsonTagged)._bsontype) {
    case 'Int32':
    case 'Double':
      return (v as Int32 | Double).value;
    case 'Long':
      return (v as Long).toNumber();
    case 'Decimal128':
      return Number((v as Decimal128).toString());
    default:
      return NaN;
  }
}

/** An int64 as bigint (callers check the kind first). */
function longToBigInt(v: unknown): bigint {
  return typeof v === 'bigint' ? v : (v as Long).toBigInt();
}

/** Integral value of an int32/int64 as bigint. */
export function integralToBigInt(v: unknown): bigint {
  const k = numKind(v);
  if (k === LONG) return longToBigInt(v);
  return BigInt(Math.trunc(toDouble(v)));
}

// ---- decimals ---------------------------------------------------------------------------------

/** A decimal as sign, integer coefficient and power-of-ten exponent; or NaN / infinity. */
export type DecimalParts =
  | { kind: 'finite'; neg: boolean; coef: bigint; exp: number }
  | { kind: 'nan' }
  | { kind: 'inf'; neg: boolean };

const decimalCache = new WeakMap<object, DecimalParts>();
const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a decimal string (Decimal128's toString form, or a JS number's). */
export function parseDecimalString(s: string): DecimalParts {
  const t = s.trim();
  const lower = t.toLowerCase();
  if (lower === 'nan' || lower === '-nan' || lower === '+nan') return { kind: 'nan' };
  if (/^[+-]?inf(inity)?$/.test(lower)) return { kind: 'inf', neg: lower.startsWith('-') };
  const m = DECIMAL_RE.exec(t);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return { kind: 'nan' };
  const frac = m[3] ?? '';
  const digits = (m[2] + frac).replace(/^0+(?=\d)/, '');
  return {
    kind: 'finite',
    neg: m[1] === '-',
    coef: BigInt(digits === '' ? '0' : digits),
    exp: Number(m[4] ?? 0) - frac.length,
  };
}

/** The exact value of a Decimal128 (cached: Decimal128 objects are immutable). */
export function decimalParts(d: Decimal128): DecimalParts {
  let p = decimalCache.get(d);
  if (!p) {
    p = parseDecimalString(d.toString());
    decimalCache.set(d, p);
  }
  return p;
}

/**
 * A numeric value as a decimal for arithmetic, the way MongoDB converts: int32/int64 exactly,
 * doubles rounded to 15 significant digits (MongoDB's Decimal128(double) default).
 */
function toDecimalParts(v: unknown): DecimalParts {
  const k = numKind(v);
  if (k === DECIMAL) return decimalParts(v as Decimal128);
  if (k === INT || k === LONG) {
    const b = integralToBigInt(v);
    return { kind: 'finite', neg: b < 0n, coef: b < 0n ? -b : b, exp: 0 };
  }
  const d = toDouble(v);
  if (Number.isNaN(d)) return { kind: 'nan' };
  if (!Number.isFinite(d)) return { kind: 'inf', neg: d < 0 };
  return parseDecimalString(d.toPrecision(15));
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function decimalFromParts(p: DecimalParts): Decimal128 {
  if (p.kind === 'nan') return Decimal128.fromString('NaN');
  if (p.kind === 'inf') return Decimal128.fromString(p.neg ? '-Infinity' : 'Infinity');
  return Decimal128.fromStringWithRounding(`${p.neg ? '-' : ''}${p.coef}E${p.exp}`);
}

function decimalAdd(a: DecimalParts, b: DecimalParts): DecimalParts {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' && b.kind === 'inf') return a.neg === b.neg ? a : { kind: 'nan' };
  if (a.kind === 'inf') return a;
  if (b.kind === 'inf') return b;
  const exp = Math.min(a.exp, b.exp);
  const av = (a.neg ? -a.coef : a.coef) * pow10(a.exp - exp);
  const bv = (b.neg ? -b.coef : b.coef) * pow10(b.exp - exp);
  const sum = av + bv;
  return { kind: 'finite', neg: sum < 0n, coef: sum < 0n ? -sum : sum, exp };
}

function decimalMul(a: DecimalParts, b: DecimalParts): DecimalParts {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'inf' || b.kind === 'inf') {
    const zero = (p: DecimalParts) => p.kind === 'finite' && p.coef === 0n;
    if (zero(a) || zero(b)) return { kind: 'nan' };
    return { kind: 'inf', neg: a.neg !== b.neg };
  }
  return { kind: 'finite', neg: a.neg !== b.neg, coef: a.coef * b.coef, exp: a.exp + b.exp };
}

// ---- exact comparison -------------------------------------------------------------------------

/** An exact rational num/den (den > 0) for a finite numeric value. */
interface Rational {
  num: bigint;
  den: bigint;
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** The exact value of a finite double as a rational with a power-of-two denominator. */
function doubleToRational(d: number): Rational {
  F64[0] = d;
  const bits = U64[0];
  const neg = bits >> 63n === 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  if (neg) mant = -mant;
  return exp >= 0 ? { num: mant << BigInt(exp), den: 1n } : { num: mant, den: 1n << BigInt(-exp) };
}

function toRational(v: unknown): Rational | 'nan' | 'inf' | '-inf' {
  const k = numKind(v);
  if (k === INT) return { num: BigInt(toDouble(v)), den: 1n };
  if (k === LONG) return { num: longToBigInt(v), den: 1n };
  if (k === DECIMAL) {
    const p = decimalParts(v as Decimal128);
    if (p.kind === 'nan') return 'nan';
    if (p.kind === 'inf') return p.neg ? '-inf' : 'inf';
    const c = p.neg ? -p.coef : p.coef;
    return p.exp >= 0 ? { num: c * pow10(p.exp), den: 1n } : { num: c, den: pow10(-p.exp) };
  }
  const d = toDouble(v);
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return doubleToRational(d);
}

const SPECIAL_ORDER = { nan: 0, '-inf': 1, inf: 3 } as const;

function compareExact(a: unknown, b: unknown): number {
  const ra = toRational(a);
  const rb = toRational(b);
  // NaN sorts below every number (MongoDB), -inf below finite values, +inf above.
  const oa = typeof ra === 'string' ? SPECIAL_ORDER[ra] : 2;
  const ob = typeof rb === 'string' ? SPECIAL_ORDER[rb] : 2;
  if (oa !== ob) return oa < ob ? -1 : 1;
  if (typeof ra === 'string' || typeof rb === 'string') return 0;
  const l = ra.num * rb.den;
  const r = rb.num * ra.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

function compareDoubles(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  // At least one NaN: NaN equals NaN and sorts below every other number.
  const xn = Number.isNaN(x);
  const yn = Number.isNaN(y);
  return xn && yn ? 0 : xn ? -1 : 1;
}

/** Compares a (possibly huge) int64 with a double exactly. */
function compareBigIntDouble(l: bigint, d: number): number {
  if (Number.isNaN(d)) return 1;
  if (d === Infinity) return -1;
  if (d === -Infinity) return 1;
  if (Number.isInteger(d)) {
    const b = BigInt(d);
    return l < b ? -1 : l > b ? 1 : 0;
  }
  return l <= BigInt(Math.floor(d)) ? -1 : 1;
}

/** Compares two numeric values by value, exactly, across all numeric types (NaN lowest). */
export function compareNumbers(a: unknown, b: unknown): number {
  const ka = numKind(a);
  const kb = numKind(b);
  if (ka !== DECIMAL && kb !== DECIMAL) {
    if (ka !== LONG && kb !== LONG) return compareDoubles(toDouble(a), toDouble(b));
    if (ka === LONG && kb === LONG) {
      const x = longToBigInt(a);
      const y = longToBigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (ka === LONG) return compareBigIntDouble(longToBigInt(a), toDouble(b));
    return -compareBigIntDouble(longToBigInt(b), toDouble(a));
  }
  return compareExact(a, b);
}

/** True when the value is NaN (double or decimal). */
export function isNaNValue(v: unknown): boolean {
  const k = numKind(v);
  if (k === DOUBLE) return Number.isNaN(toDouble(v));
  if (k === DECIMAL) return decimalParts(v as Decimal128).kind === 'nan';
  return false;
}

// ---- canonical keys -----------------------------------------------------------------------------

const SAFE = 2 ** 53;

/** Canonical key of a JS double: equal values give equal keys, whatever their BSON type. */
function doubleKey(d: number): string {
  if (d === 0) return 'n0'; // 0 and -0
  if (Number.isInteger(d)) return Math.abs(d) < SAFE ? `n${d}` : `n${BigInt(d)}`;
  return `n${d}`; // NaN, Infinity, -Infinity and fractions (JS prints doubles uniquely)
}

/**
 * The canonical hash key of a numeric value. Integral values print as their exact integer, so an
 * int64 beyond 2^53 and the double of the same value agree; a fractional decimal that is exactly a
 * double prints as that double; any other decimal gets a form no double can produce.
 */
export function numberKey(v: unknown): string {
  const k = numKind(v);
  if (k === INT || k === DOUBLE) return doubleKey(toDouble(v));
  if (k === LONG) {
    if (typeof v !== 'bigint') {
      const l = v as Long;
      // high word within ±2^21 means |value| < 2^53: toNumber is exact.
      if (l.high >= -0x200000 && l.high < 0x200000) return doubleKey(l.toNumber());
    }
    return `n${longToBigInt(v)}`;
  }
  const p = decimalParts(v as Decimal128);
  if (p.kind === 'nan') return 'nNaN';
  if (p.kind === 'inf') return p.neg ? 'n-Infinity' : 'nInfinity';
  if (p.coef === 0n) return 'n0';
  // Normalise: strip trailing zeros of the coefficient.
  let coef = p.coef;
  let exp = p.exp;
  while (coef % 10n === 0n) {
    coef /= 10n;
    exp++;
  }
  const signed = p.neg ? -coef : coef;
  if (exp >= 0) {
    const n = signed * pow10(exp);
    return n > -BigInt(SAFE) && n < BigInt(SAFE) ? `n${Number(n)}` : `n${n}`;
  }
  const d = Number(`${signed}e${exp}`);
  if (Number.isFinite(d) && compareExact(d, v) === 0) return doubleKey(d);
  return `nd${signed}e${exp}`;
}

// ---- arithmetic -------------------------------------------------------------------------------

function fitsInt32(b: bigint): boolean {
  return b >= BigInt(INT32_MIN) && b <= BigInt(INT32_MAX);
}

function fitsInt64(b: bigint): boolean {
  return b >= INT64_MIN && b <= INT64_MAX;
}

/** Wraps an exact integer result in the narrowest type allowed by `kind` (int32 then int64). */
function integralResult(b: bigint, kind: NumKind): unknown {
  if (kind === INT && fitsInt32(b)) return new Int32(Number(b));
  // int64 overflow: MongoDB fails the update; we fall back to a double rather than wrap around.
  if (fitsInt64(b)) return Long.fromBigInt(b);
  return new Double(Number(b));
}

function arith(a: unknown, b: unknown, op: 'add' | 'mul'): unknown {
  const kind = Math.max(numKind(a), numKind(b)) as NumKind;
  if (kind === DECIMAL) {
    const x = toDecimalParts(a);
    const y = toDecimalParts(b);
    return decimalFromParts(op === 'add' ? decimalAdd(x, y) : decimalMul(x, y));
  }
  if (kind === DOUBLE) {
    const x = toDouble(a);
    const y = toDouble(b);
    return new Double(op === 'add' ? x + y : x * y);
  }
  const x = integralToBigInt(a);
  const y = integralToBigInt(b);
  return integralResult(op === 'add' ? x + y : x * y, kind);
}

/** a + b with MongoDB's result type ($inc). Both must be numeric. */
export function addNumbers(a: unknown, b: unknown): unknown {
  return arith(a, b, 'add');
}

/** a * b with MongoDB's result type ($mul). Both must be numeric. */
export function mulNumbers(a: unknown, b: unknown): unknown {
  return arith(a, b, 'mul');
}

/** A zero of the same numeric type as `v` ($mul on a missing field). */
export function zeroLike(v: unknown): unknown {
  switch (numKind(v)) {
    case INT:
      return new Int32(0);
    case LONG:
      return Long.fromInt(0);
    case DECIMAL:
      return Decimal128.fromString('0');
    default:
      return new Double(0);
  }
}
