/** The WeChat server-API client: import from here. */
export * from './wechat-client';
export * from './wechat-errors';
export * from './wechat-logger';
export * from './wechat-subscribe-data';
export { createMemoryTokenStore } from './wechat-token';
export type { StoredAccessToken, TokenStore } from './wechat-token';
