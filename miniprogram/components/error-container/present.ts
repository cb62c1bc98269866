/**
 * How each error code is shown — decided by code, never by message text:
 * - `login`: the citizen must sign in (the login prompt);
 * - `page`: nothing useful can be shown without the data (full-page error with 重试);
 * - `toast`: the page stays and a short message explains what went wrong (a refused action).
 */
import Taro from '@tarojs/taro';
import type { ErrorCode } from '@shared/errors';
import { signIn, toApiError, type ApiError, type ApiErrorCode, type ClientErrorCode } from '../../api/request';
import { showModal } from '../../utils/modal';

/** What the UI does with an error. */
export type ErrorPresentation = 'login' | 'page' | 'toast';

/** Every code, so a new code in shared/errors.ts fails the type-check here until it is placed. */
const PRESENTATION: Record<ErrorCode | ClientErrorCode, ErrorPresentation> = {
  unauthorized: 'login',
  invalid_code: 'login',
  not_found: 'page',
  forbidden: 'page',
  internal_error: 'page',
  service_unavailable: 'page',
  wechat_unavailable: 'page',
  user_blocked: 'page',
  method_not_allowed: 'page',
  network_error: 'page',
  timeout: 'page',
  invalid_response: 'page',
  validation_error: 'toast',
  invalid_json: 'toast',
  unsupported_media_type: 'toast',
  payload_too_large: 'toast',
  conflict: 'toast',
  invalid_state: 'toast',
  rate_limited: 'toast',
  invalid_credentials: 'toast',
  account_locked: 'toast',
  username_taken: 'toast',
  department_name_taken: 'toast',
  department_in_use: 'toast',
  last_admin: 'toast',
  wrong_password: 'toast',
  unsupported_file_type: 'toast',
  invalid_attachment: 'toast',
  content_risky: 'toast',
  idempotency_key_reused: 'toast',
  already_rated: 'toast',
  follow_up_used: 'toast',
  already_responded: 'toast',
  consultation_not_open: 'toast',
  consultation_window_too_short: 'toast',
  consultation_results_not_available: 'page',
  opinions_undecided: 'toast',
  category_key_taken: 'toast',
  category_name_taken: 'toast',
  category_in_use: 'toast',
  // Staff console codes: never sent to the mini-program, mapped for completeness.
  letter_notes_full: 'toast',
  reply_template_title_taken: 'toast',
};

/** How an error with this code is shown. */
export function presentationOf(code: ApiErrorCode): ErrorPresentation {
  return PRESENTATION[code] ?? 'page';
}

/** Whether a retry can help (a missing or forbidden item will not appear by retrying). */
export function isRetryable(code: ApiErrorCode): boolean {
  return code !== 'not_found' && code !== 'forbidden' && code !== 'user_blocked' && code !== 'method_not_allowed';
}

/** Short toast text: WeChat cuts `showToast` titles, so long messages go to a modal instead. */
export function toastError(err: ApiError): void {
  if (err.message.length <= 14) {
    void Taro.showToast({ title: err.message, icon: 'none', duration: 2500 });
  } else {
    void showModal({ title: '提示', content: err.message, showCancel: false, confirmText: '知道了' });
  }
}

/**
 * The outcome of a failed action (a submit, a rating): a toast, or the login question. Returns
 * true when the citizen signed in, so the caller may repeat the action.
 */
export async function reportActionError(e: unknown): Promise<boolean> {
  const err = toApiError(e);
  if (presentationOf(err.code) !== 'login') {
    toastError(err);
    return false;
  }
  const answer = await showModal({ title: '需要登录', content: '登录后才能继续操作，是否现在登录？', confirmText: '登录', cancelText: '取消' });
  if (!answer.confirm) return false;
  try {
    await signIn();
    return true;
  } catch (again) {
    toastError(toApiError(again));
    return false;
  }
}
