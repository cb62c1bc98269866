/**
 * A cursor-paginated list for a page: first load, pull-down refresh and infinite scroll with the
 * API's `nextCursor` (passed back as `cursor` until it is null). The page config must enable
 * pull-down refresh (`enablePullDownRefresh: true`).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { toApiError, type ApiError } from '../api/request';

/** One page as every list endpoint answers. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** State and actions of a cursor list. */
export interface CursorList<T, P extends CursorPage<T>> {
  items: T[];
  /** The last page received (for extra fields such as the inbox's `unreadCount`). */
  lastPage: P | null;
  /** First load (or a reload after the filters changed) is under way. */
  loading: boolean;
  loadingMore: boolean;
  /** The first page failed. */
  error: ApiError | null;
  /** A later page failed (shown under the list with 重试). */
  moreError: ApiError | null;
  hasMore: boolean;
  reload: () => Promise<void>;
  loadMore: () => Promise<void>;
  /** Changes one loaded item in place (e.g. an inbox entry marked read). */
  updateItem: (match: (item: T) => boolean, change: (item: T) => T) => void;
}

/** Loads `fetchPage(cursor)` page by page; `deps` are the filters (a change reloads from the start). */
export function useCursorList<T, P extends CursorPage<T> = CursorPage<T>>(
  fetchPage: (cursor?: string) => Promise<P>,
  deps: readonly unknown[],
  enabled = true,
): CursorList<T, P> {
  const [items, setItems] = useState<T[]>([]);
  const [lastPage, setLastPage] = useState<P | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(enabled);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  // A new first load makes every answer to an older load stale.
  const generation = useRef(0);
  const busyMore = useRef(false);
  const fetchRef = useRef(fetchPage);
  // The latest fetchPage for reload, set after each commit (writing a ref during render is unsafe)
  // and before any effect or event handler can call reload.
  useLayoutEffect(() => {
    fetchRef.current = fetchPage;
  });

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    busyMore.current = false;
    setLoading(true);
    setError(null);
    setMoreError(null);
    try {
      const page = await fetchRef.current(undefined);
      if (mine !== generation.current) return;
      setItems(page.items);
      setLastPage(page);
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === generation.current) setError(toApiError(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const loadMore = useCallback(async () => {
    if (!cursor || busyMore.current || loading) return;
    const mine = generation.current;
    busyMore.current = true;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await fetchRef.current(cursor);
      if (mine !== generation.current) return;
      setItems((prev) => [...prev, ...page.items]);
      setLastPage(page);
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === generation.current) setMoreError(toApiError(e));
    } finally {
      if (mine === generation.current) {
        busyMore.current = false;
        setLoadingMore(false);
      }
    }
  }, [cursor, loading]);

  const updateItem = useCallback((match: (item: T) => boolean, change: (item: T) => T) => {
    setItems((prev) => prev.map((it) => (match(it) ? change(it) : it)));
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loading the data is the effect; its loading flag is set as it starts
    if (enabled) void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists the filters
  }, [enabled, reload, ...deps]);

  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh());
  });
  useReachBottom(() => {
    void loadMore();
  });

  return { items, lastPage, loading, loadingMore, error, moreError, hasMore: cursor !== null, reload, loadMore, updateItem };
}
