/**
 * Ambient types of the mini-program build. `process.env.X` values are replaced at build time
 * (Taro's DefinePlugin, from `.env.<mode>`); any other `process` access would throw in WeChat.
 */
/// <reference types="@tarojs/taro" />

declare module '*.scss';
declare module '*.png' {
  const url: string;
  export default url;
}

declare const process: {
  env: {
    /** `weapp` or `h5`, set by the Taro CLI. */
    TARO_ENV: 'weapp' | 'h5';
    /** The BFF's origin without a trailing slash; empty for the same origin (H5 behind a proxy). */
    TARO_APP_API_BASE: string;
    /** `true` to sign in with `dev:<name>` codes where `wx.login` does not exist. */
    TARO_APP_DEV_LOGIN: string;
    /** JSON object: subscribe template key → WeChat template id. */
    TARO_APP_SUBSCRIBE_TEMPLATE_IDS: string;
  };
};
