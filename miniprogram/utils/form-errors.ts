/**
 * Field errors of a form, from the shared zod schemas (checked before sending) or from the
 * server's `validation_error` details (checked again after sending: the server may apply
 * stricter per-deployment limits). Each field shows its first message only, under the field.
 */
import Taro from '@tarojs/taro';
import { toApiError, type ApiError } from '../api/request';
import { reportActionError, toastError } from '../components/error-container/present';

/** Field name → the Chinese message shown under it. */
export type FieldErrors = Record<string, string>;

/** What both sources have in common: a path and a message. */
interface PathIssue {
  path: readonly PropertyKey[] | string;
  message: string;
}

function fieldOf(path: PathIssue['path'], prefix?: string): string {
  const parts = typeof path === 'string' ? path.split('.') : path.map((p) => String(p));
  // `answers.q1` from the server, `q1` from the answers schema: the same field.
  const rest = prefix && parts[0] === prefix ? parts.slice(1) : parts;
  return rest[0] ?? '';
}

/**
 * The first message per top-level field. `prefix` drops a leading path segment (the server
 * reports survey answers at `answers.<questionId>`). Issues without a field go under `''`.
 */
export function fieldErrors(issues: readonly PathIssue[], prefix?: string): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path, prefix);
    if (!(field in out)) out[field] = issue.message;
  }
  return out;
}

/** The field errors of a server `validation_error` in the request body (empty for other errors). */
export function serverFieldErrors(err: ApiError, prefix?: string): FieldErrors {
  return fieldErrors(
    err.issues.filter((i) => i.in === undefined || i.in === 'body'),
    prefix,
  );
}

/** Whether there is anything to show. */
export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** The element id FormField gives a field (WeChat's selector queries know ids, not attributes). */
export function fieldElementId(name: string): string {
  return `field-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * Scrolls the first field with an error into view: on a phone the message may be below the fold
 * and the citizen would only see that nothing happened.
 */
export function scrollToFirstError(errors: FieldErrors, order: readonly string[]): void {
  const first = order.find((f) => f in errors);
  if (!first) return;
  void Taro.pageScrollTo({ selector: `#${fieldElementId(first)}`, duration: 200, offsetTop: -80 }).catch(() => undefined);
}

/**
 * What a form does when sending failed: issues the server found in the body go under their fields
 * (scrolled to, with a toast), anything else is reported by code. Resolves true when the citizen
 * signed in just now, so the caller sends the same data again.
 */
export async function handleSubmitFailure(
  e: unknown,
  form: { showErrors: (errors: FieldErrors) => void; order: readonly string[]; prefix?: string },
): Promise<boolean> {
  const err = toApiError(e);
  const fromServer = serverFieldErrors(err, form.prefix);
  if (hasErrors(fromServer)) {
    form.showErrors(fromServer);
    scrollToFirstError(fromServer, form.order);
    toastError(err);
    return false;
  }
  return reportActionError(err);
}

