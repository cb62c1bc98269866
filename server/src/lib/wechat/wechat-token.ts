/**
 * The access-token cache. Several BFF instances run at once, so tokens come from the stable
 * token API (`/cgi-bin/stable_token`), whose normal mode hands every caller the same token and
 * never invalidates another instance's. Its force mode does invalidate the previous token and is
 * limited by WeChat to 20 calls a day, 30 s apart, so it is used only when WeChat has refused a
 * token and the normal mode still returns that same token.
 *
 * Tokens are read through a {@link TokenStore} (in memory by default; the BFF can share one in
 * MongoDB) and kept in this instance's memory until 5 minutes before they expire, which is when
 * WeChat's normal mode starts handing out the next token. Concurrent callers share one in-flight
 * fetch.
 */
import type { WechatLogger } from './wechat-logger';

/** A token and when it expires (milliseconds since the epoch). */
export interface StoredAccessToken {
  token: string;
  expiresAt: number;
}

/** Where the current access token is kept. Implementations must not log the token. */
export interface TokenStore {
  get(): Promise<StoredAccessToken | null>;
  set(value: StoredAccessToken): Promise<void>;
}

/** A store that lives in this process only. */
export function createMemoryTokenStore(): TokenStore {
  let current: StoredAccessToken | null = null;
  return {
    async get() {
      return current;
    },
    async set(value) {
      current = { ...value };
    },
  };
}

/** A token is used until this long before it expires. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
/** WeChat ignores force refreshes closer together than this; we never ask for one sooner. */
export const FORCE_REFRESH_MIN_INTERVAL_MS = 30_000;

/** Fetches a token from the stable token API; `force` selects force-refresh mode. */
export type FetchToken = (force: boolean) => Promise<StoredAccessToken>;

/** Keeps the current access token; see the module comment for the policy. */
export class AccessTokenManager {
  private local: StoredAccessToken | null = null;
  private pending: Promise<StoredAccessToken> | null = null;
  private refreshing: Promise<StoredAccessToken | null> | null = null;
  private lastForcedAt: number | undefined;

  constructor(
    private readonly fetchToken: FetchToken,
    private readonly store: TokenStore,
    private readonly now: () => number,
    private readonly logger: WechatLogger,
  ) {}

  private fresh(t: StoredAccessToken | null): t is StoredAccessToken {
    return t !== null && t.expiresAt - TOKEN_REFRESH_MARGIN_MS > this.now();
  }

  private async readStore(): Promise<StoredAccessToken | null> {
    try {
      return await this.store.get();
    } catch (err) {
      // A store outage must not stop WeChat calls: fall back to fetching.
      this.logger.warn({ err: String(err) }, 'WeChat token store read failed; fetching a token instead');
      return null;
    }
  }

  private async keep(t: StoredAccessToken): Promise<void> {
    this.local = t;
    try {
      await this.store.set(t);
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'WeChat token store write failed; keeping the token in memory');
    }
  }

  /** The current token: from memory, else the store, else one shared fetch. */
  async get(): Promise<string> {
    if (this.fresh(this.local)) return this.local.token;
    if (!this.pending) {
      this.pending = (async () => {
        const stored = await this.readStore();
        if (this.fresh(stored)) {
          this.local = stored;
          return stored;
        }
        const fetched = await this.fetchToken(false);
        await this.keep(fetched);
        return fetched;
      })().finally(() => {
        this.pending = null;
      });
    }
    // A fetched token may expire within the margin (WeChat guarantees ≥ 300 s); it is still
    // valid for this call, and the next call will fetch again.
    return (await this.pending).token;
  }

  /**
   * Called when WeChat refused `rejected`. Returns a different token to retry with, or null when
   * none can be had now (WeChat keeps returning the refused token and a force refresh happened
   * less than 30 s ago). Concurrent callers share one refresh.
   */
  async replaceRejected(rejected: string): Promise<string | null> {
    if (this.fresh(this.local) && this.local.token !== rejected) return this.local.token;
    if (!this.refreshing) {
      this.refreshing = this.refresh(rejected).finally(() => {
        this.refreshing = null;
      });
    }
    const next = await this.refreshing;
    return next && next.token !== rejected ? next.token : null;
  }

  private async refresh(rejected: string): Promise<StoredAccessToken | null> {
    // Another instance may already have replaced the token.
    const stored = await this.readStore();
    if (this.fresh(stored) && stored.token !== rejected) {
      this.local = stored;
      return stored;
    }
    // After another instance's force refresh the normal mode already returns the new token.
    const normal = await this.fetchToken(false);
    if (normal.token !== rejected) {
      await this.keep(normal);
      return normal;
    }
    const now = this.now();
    if (this.lastForcedAt !== undefined && now - this.lastForcedAt < FORCE_REFRESH_MIN_INTERVAL_MS) {
      this.logger.warn({}, 'WeChat refused the access token again within 30 s of a force refresh; not forcing again');
      this.local = null;
      return null;
    }
    this.lastForcedAt = now;
    this.logger.warn({}, 'WeChat refused the access token the stable API still returns; force-refreshing it');
    const forced = await this.fetchToken(true);
    await this.keep(forced);
    return forced;
  }
}
