/** Under a cursor list: 加载中…, 加载更多 / 重试 (also a tap target for people who cannot scroll), or 没有更多了. */
import { Text, View } from '@tarojs/components';
import { Empty } from '@nutui/nutui-react-taro';
import type { CursorList, CursorPage } from '../../hooks/use-cursor-list';
import './index.scss';

export interface ListFooterProps<T> {
  /** The list it ends (from useCursorList). */
  list: Pick<CursorList<T, CursorPage<T>>, 'items' | 'hasMore' | 'loadingMore' | 'moreError' | 'loadMore'>;
  /** Shown when the list is empty. */
  emptyText: string;
}

/** The end of a list, or its empty state. */
export function ListFooter<T>({ list, emptyText }: ListFooterProps<T>) {
  const { hasMore, loadingMore, moreError } = list;
  const count = list.items.length;
  const onLoadMore = () => void list.loadMore();
  if (count === 0 && !hasMore) {
    // NutUI's default picture is a remote URL (fails offline and calls a third-party host): a
    // drawn one instead.
    return <Empty className='lf-empty' image={<View className='lf-empty__art' aria-hidden />} imageSize={80} description={emptyText} />;
  }
  if (loadingMore) {
    return (
      <View className='lf' role='status'>
        <Text>加载中…</Text>
      </View>
    );
  }
  if (moreError) {
    return (
      <View className='lf lf--error' role='button' onClick={onLoadMore}>
        <Text>{moreError.message}，点击重试</Text>
      </View>
    );
  }
  if (hasMore) {
    return (
      <View className='lf lf--more' role='button' onClick={onLoadMore}>
        <Text>加载更多</Text>
      </View>
    );
  }
  return (
    <View className='lf'>
      <Text>没有更多了</Text>
    </View>
  );
}
