/**
 * The logging the WeChat client needs: a structural subset of pino's logger, so the BFF passes
 * its pino instance (or a child) directly. Nothing logged through it carries the AppSecret or a
 * token.
 */
export interface WechatLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Discards everything; the default when no logger is given. */
export const silentWechatLogger: WechatLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
