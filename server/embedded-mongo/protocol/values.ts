/** Reading numeric and boolean command arguments that arrive as Int32 / Double / Long objects. */
import { MongoCommandError } from '../errors';

/** A command argument as a JS number (undefined when absent); refuses non-numeric values. */
export function asNumber(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'Int32' || t === 'Double') return Number((v as { valueOf(): number }).valueOf());
  if (t === 'Long') return (v as { toNumber(): number }).toNumber();
  if (t === 'Decimal128') return Number((v as { toString(): string }).toString());
  throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${t ?? typeof v}', expected a number`);
}

/** A command argument as a bigint (txnNumber, cursor ids). */
export function asBigInt(v: unknown, field: string): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'Long') return (v as { toBigInt(): bigint }).toBigInt();
  const n = asNumber(v, field);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' must be an integer`);
  return BigInt(n);
}

/** Truthiness as MongoDB reads boolean-ish options (true, 1, 1.0). */
export function asBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null) return false;
  const n = typeof v === 'number' ? v : Number((v as { valueOf(): unknown }).valueOf());
  return Number.isFinite(n) ? n !== 0 : Boolean(v);
}
