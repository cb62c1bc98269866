/** The WeChat server-API client: import from here. */
export * from './wechat-client';
export * from './wechat-errors';
export * from './wechat-logger';
export * from './wechat-subscribe-data';
export { createMemoryTokenStore, FORCE_REFRESH_MIN_INTERVAL_MS, TOKEN_REFRESH_MARGIN_MS } from './wechat-token';
export type { StoredAccessToken, TokenStore } from './wechat-token';
