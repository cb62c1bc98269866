/** The `?id=` of the current page (every detail page is opened as `…/index?id=<id>`). */
import { useRouter } from '@tarojs/taro';
import { ApiError } from '../api/request';

/** The id, or '' when the page was opened without one (a broken link). */
export function useRouteId(): string {
  const { params } = useRouter();
  const raw = params.id ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Loads by id; a missing id is `not_found`, shown like a deleted item (no request is made). */
export function loadById<T>(id: string, load: (id: string) => Promise<T>): Promise<T> {
  return id ? load(id) : Promise.reject(new ApiError('not_found'));
}
