/**
 * Consent to the 隐私保护指引 before personal data is collected (contact details, screenshots).
 * WeChat: `wx.requirePrivacyAuthorize` (the platform shows its own consent sheet once and
 * remembers the answer). H5 has no such API: a consent dialog, remembered in local storage.
 */
import Taro from '@tarojs/taro';
import { showModal } from './modal';

const H5_CONSENT_KEY = 'zwgk.privacyConsent';
/** Bump when the guide changes materially, so H5 users are asked again. */
const PRIVACY_GUIDE_VERSION = '2026-11';

/** The summary shown in the H5 consent dialog (the full guide is on the 隐私保护指引 page). */
export const PRIVACY_SUMMARY =
  '为办理您的来信、找错等事项，我们会收集您主动填写的联系人、联系电话及上传的截图，仅用于办理和答复，不会用于其他目的。公开信件中的个人信息将被隐去。';

/** Whether the citizen has agreed (H5: stored; WeChat: asks the platform). */
export async function hasPrivacyConsent(): Promise<boolean> {
  if (process.env.TARO_ENV === 'weapp') {
    return new Promise((resolve) => {
      Taro.getPrivacySetting({
        success: (res) => resolve(!res.needAuthorization),
        fail: () => resolve(true),
      });
    });
  }
  try {
    return Taro.getStorageSync(H5_CONSENT_KEY) === PRIVACY_GUIDE_VERSION;
  } catch {
    return false;
  }
}

/** Records the H5 consent (the 我的 page and the dialog both use it). */
export function recordH5Consent(agreed: boolean): void {
  if (agreed) Taro.setStorageSync(H5_CONSENT_KEY, PRIVACY_GUIDE_VERSION);
  else Taro.removeStorageSync(H5_CONSENT_KEY);
}

/**
 * Asks for consent if not given yet; resolves true when the citizen agrees. Call it from a tap,
 * before the first personal data is collected.
 */
export async function ensurePrivacyConsent(): Promise<boolean> {
  if (process.env.TARO_ENV === 'weapp') {
    return new Promise((resolve) => {
      Taro.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) });
    });
  }
  if (await hasPrivacyConsent()) return true;
  const answer = await showModal({
    title: '隐私保护指引',
    content: PRIVACY_SUMMARY,
    confirmText: '同意',
    cancelText: '不同意',
  });
  recordH5Consent(answer.confirm);
  return answer.confirm;
}

/** Opens the full guide: WeChat's own page in WeChat, ours in H5. */
export function openPrivacyGuide(h5Page: string): void {
  if (process.env.TARO_ENV === 'weapp') {
    Taro.openPrivacyContract({});
    return;
  }
  void Taro.navigateTo({ url: h5Page });
}
