/**
 * Dates as citizens read them, always in China Standard Time (UTC+8) whatever the phone's zone:
 * deadlines are CST dates. Written without Intl, which older WeChat Android runtimes lack.
 */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

function cstParts(iso: string): { y: number; m: number; d: number; hh: number; mm: number } | null {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return null;
  const c = new Date(t + CST_OFFSET_MS);
  return { y: c.getUTCFullYear(), m: c.getUTCMonth() + 1, d: c.getUTCDate(), hh: c.getUTCHours(), mm: c.getUTCMinutes() };
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `2026年9月30日` (a `YYYY-MM-DD` date or an ISO instant). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (dateOnly) return `${Number(dateOnly[1])}年${Number(dateOnly[2])}月${Number(dateOnly[3])}日`;
  const p = cstParts(value);
  return p ? `${p.y}年${p.m}月${p.d}日` : value;
}

/** `2026-09-30 14:05` in CST. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = cstParts(iso);
  return p ? `${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(p.hh)}:${pad(p.mm)}` : iso;
}

/** File size for attachment lists. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A random key for `Idempotency-Key` (8–128 of `[A-Za-z0-9._:-]`): one per form shown. */
export function newIdempotencyKey(): string {
  let s = 'mp-';
  for (let i = 0; i < 4; i++) s += Math.random().toString(36).slice(2, 10);
  return s;
}
