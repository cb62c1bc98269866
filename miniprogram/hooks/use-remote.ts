/**
 * Loads one thing from the BFF for a page: `{ data, error, loading, reload }`. Answers to older
 * loads are dropped, so a slow first answer never overwrites a newer one.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../api/request';

/** State of one remote value. */
export interface Remote<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** Loads again; resolves when done (for pull-down refresh). */
  reload: () => Promise<void>;
  /** Replaces the data after an action answered with the new state (e.g. a rating). */
  setData: (data: T) => void;
}

/** Loads `fetcher()` now and whenever `deps` change; `enabled: false` waits (e.g. for a route param). */
export function useRemote<T>(fetcher: () => Promise<T>, deps: readonly unknown[], enabled = true): Remote<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(enabled);
  const seq = useRef(0);
  const fetcherRef = useRef(fetcher);
  // The latest fetcher for reload, set after each commit (writing a ref during render is unsafe)
  // and before any effect or event handler can call reload.
  useLayoutEffect(() => {
    fetcherRef.current = fetcher;
  });

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const value = await fetcherRef.current();
      if (mine === seq.current) setData(value);
    } catch (e) {
      if (mine === seq.current) setError(toApiError(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loading the data is the effect; its loading flag is set as it starts
    if (enabled) void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what the fetcher reads
  }, [enabled, reload, ...deps]);

  return { data, error, loading, reload, setData };
}
