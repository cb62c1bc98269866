/**
 * Every dialog of the app goes through `showModal` here: WeChat (and Taro's H5 copy of it) paints
 * the confirm button WeChat green unless told otherwise, which clashes with the brand blue.
 */
import Taro from '@tarojs/taro';

/** The brand blue of app.config.ts (navigation bar, tab bar) and app.scss. */
export const BRAND_COLOR = '#1a5fb4';

/** `Taro.showModal` with the confirm button in the brand colour (a caller may still override it). */
export function showModal(options: Taro.showModal.Option): Promise<Taro.showModal.SuccessCallbackResult> {
  return Taro.showModal({ confirmColor: BRAND_COLOR, ...options });
}
