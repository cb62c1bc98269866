/**
 * One-time subscribe messages (WeChat only). `wx.requestSubscribeMessage` works only inside a tap
 * handler, so forms call {@link requestSubscriptions} first thing in their submit tap, before any
 * await that would leave the tap's context. The template ids come from the build
 * (`TARO_APP_SUBSCRIBE_TEMPLATE_IDS`, the same map as the BFF's `WECHAT_TEMPLATE_IDS`); a key
 * without an id is skipped and the citizen still gets the in-app inbox entry.
 */
import Taro from '@tarojs/taro';
import type { KnownSubscribeTemplateKey } from '@shared/notifications';

function templateIds(): Partial<Record<KnownSubscribeTemplateKey, string>> {
  try {
    const parsed: unknown = JSON.parse(process.env.TARO_APP_SUBSCRIBE_TEMPLATE_IDS || '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Partial<Record<KnownSubscribeTemplateKey, string>> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' && v) out[k as KnownSubscribeTemplateKey] = v;
    return out;
  } catch {
    return {};
  }
}

/**
 * Asks for the given templates; never throws (a refusal only means inbox-only). Returns a promise
 * so the caller may wait, but the call itself happens synchronously inside the tap.
 */
export function requestSubscriptions(keys: readonly KnownSubscribeTemplateKey[]): Promise<void> {
  if (process.env.TARO_ENV !== 'weapp') return Promise.resolve();
  const ids = templateIds();
  const tmplIds = keys.map((k) => ids[k]).filter((id): id is string => Boolean(id));
  if (tmplIds.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    Taro.requestSubscribeMessage({
      tmplIds,
      // Taro's typing wants the field; WeChat ignores an empty list for one-time templates.
      entityIds: [],
      success: () => resolve(),
      fail: () => resolve(),
    });
  });
}
