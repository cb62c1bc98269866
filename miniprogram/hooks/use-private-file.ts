/**
 * Uploaded files shown on a page (thumbnails, previews, PDFs) as local paths. The BFF serves them
 * only with the bearer token, which `<Image src>` and `previewImage` cannot send, so each file is
 * downloaded once with {@link downloadPrivateFile} and its local path shared by every component
 * of the page that shows it. A file is kept while some mounted component uses it (in practice:
 * for the page's life) and freed after the last one unmounts, which matters in H5 where each
 * copy is a `blob:` URL holding the bytes in memory.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { downloadPrivateFile, releaseLocalFile, toApiError, type ApiError, type AuthMode } from '../api/request';

/** Whether the citizen is signed in first (their own case) or only sends a token they have (public files). */
export type PrivateFileAuth = Exclude<AuthMode, 'none'>;

/** One downloaded (or downloading) file and how many components hold it. */
interface Entry {
  readonly id: string;
  users: number;
  download: Promise<string> | null;
  path: string | null;
  /** Replaced by a fresh entry (a reload); freed when its last user lets go. */
  discarded: boolean;
}

const entries = new Map<string, Entry>();

function retain(id: string): Entry {
  let entry = entries.get(id);
  if (!entry) {
    entry = { id, users: 0, download: null, path: null, discarded: false };
    entries.set(id, entry);
  }
  entry.users += 1;
  return entry;
}

function release(entry: Entry): void {
  entry.users -= 1;
  if (entry.users > 0) return;
  if (entries.get(entry.id) === entry) entries.delete(entry.id);
  if (entry.path) releaseLocalFile(entry.path);
  entry.path = null;
}

/** The entry's local path, downloading once; a failed download is forgotten so a retry downloads again. */
function load(entry: Entry, auth: PrivateFileAuth): Promise<string> {
  if (entry.download) return entry.download;
  const download = downloadPrivateFile(entry.id, auth).then(
    (path) => {
      // Every user unmounted while the bytes were on their way: nobody will free it later.
      if (entry.users <= 0) releaseLocalFile(path);
      else entry.path = path;
      return path;
    },
    (e: unknown) => {
      if (entry.download === download) entry.download = null;
      throw toApiError(e);
    },
  );
  entry.download = download;
  return download;
}

/**
 * Stops sharing an entry: the next retain downloads the file again (an image that did not
 * decode). Its current path stays valid for the components still showing it.
 */
function discard(entry: Entry): void {
  entry.discarded = true;
  if (entries.get(entry.id) === entry) entries.delete(entry.id);
}

/** State of one private file. */
export interface PrivateFile {
  /** Local path for `<Image src>` / previewImage / openDocument; null until downloaded. */
  path: string | null;
  /** Why the download failed, or null. */
  error: ApiError | null;
  /** Downloads again (after a failure, or when the downloaded file could not be shown). */
  reload: () => void;
}

/**
 * The local path of upload `id`, downloaded with the bearer token (see module comment). A null
 * id waits. Pair with a placeholder while `path` is null and 重新加载 on `error`.
 */
export function usePrivateFileUrl(id: string | null, auth: PrivateFileAuth = 'required'): PrivateFile {
  const [state, setState] = useState<{ path: string | null; error: ApiError | null }>({ path: null, error: null });
  const [attempt, setAttempt] = useState(0);
  const entryRef = useRef<Entry | null>(null);

  useEffect(() => {
    if (id === null) return undefined;
    const entry = retain(id);
    entryRef.current = entry;
    let live = true;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the shared cache is the external system: show what it holds for this id now
    setState({ path: entry.path, error: null });
    if (!entry.path) {
      load(entry, auth).then(
        (path) => live && setState({ path, error: null }),
        (e: unknown) => live && setState({ path: null, error: toApiError(e) }),
      );
    }
    return () => {
      live = false;
      entryRef.current = null;
      release(entry);
    };
  }, [id, auth, attempt]);

  const reload = useCallback(() => {
    if (entryRef.current) discard(entryRef.current);
    setAttempt((n) => n + 1);
  }, []);

  return { path: state.path, error: state.error, reload };
}

/**
 * On-demand downloads for a component that opens files when tapped (previews, PDFs): `load(id)`
 * resolves to the local path, shared with any thumbnail of the same file; `peek(id)` is that path
 * when already downloaded (H5 must open a tab before any await, or it counts as a pop-up). Files
 * are kept until the component unmounts.
 */
export function usePrivateFileLoader(auth: PrivateFileAuth = 'required'): {
  load: (id: string) => Promise<string>;
  peek: (id: string) => string | null;
} {
  const held = useRef(new Map<string, Entry>());

  useEffect(() => {
    const map = held.current;
    return () => {
      map.forEach(release);
      map.clear();
    };
  }, []);

  const hold = useCallback((id: string): Entry => {
    const mine = held.current.get(id);
    if (mine && !mine.discarded) return mine;
    if (mine) release(mine);
    const entry = retain(id);
    held.current.set(id, entry);
    return entry;
  }, []);

  const loadFile = useCallback((id: string) => load(hold(id), auth), [hold, auth]);
  const peek = useCallback((id: string) => held.current.get(id)?.path ?? entries.get(id)?.path ?? null, []);

  return { load: loadFile, peek };
}
