/** 消息: the in-app inbox (always written, the fallback for subscribe messages); tap to read and open. */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { InboxItem, InboxPage } from '@shared/notifications';
import { fetchInbox, markAllInboxRead, markInboxRead } from '../../api/inbox';
import { ErrorContainer } from '../../components/error-container';
import { reportActionError } from '../../components/error-container/present';
import { ListFooter } from '../../components/list-footer';
import { useCursorList } from '../../hooks/use-cursor-list';
import { pageForLink } from '../../routes';
import { formatDateTime } from '../../utils/format';
import './index.scss';

export default function InboxPage() {
  const list = useCursorList<InboxItem, InboxPage>((cursor) => fetchInbox(cursor), []);
  const unread = list.items.some((i) => !i.read) ? (list.lastPage?.unreadCount ?? 0) : 0;

  const open = async (item: InboxItem) => {
    if (!item.read) {
      try {
        const updated = await markInboxRead(item.id);
        list.updateItem((i) => i.id === item.id, () => updated);
      } catch (e) {
        await reportActionError(e);
      }
    }
    const url = pageForLink(item.link);
    if (url) void Taro.navigateTo({ url });
  };

  const readAll = async () => {
    try {
      await markAllInboxRead();
      await list.reload();
    } catch (e) {
      await reportActionError(e);
    }
  };

  return (
    <View className='page inbox'>
      <ErrorContainer loading={list.loading} error={list.error} onRetry={() => void list.reload()}>
        {unread > 0 ? (
          <View className='inbox__bar'>
            <Text>{unread}条未读</Text>
            <Button size='small' fill='outline' onClick={() => void readAll()}>
              全部已读
            </Button>
          </View>
        ) : null}
        {list.items.map((item) => (
          <View
            key={item.id}
            className={`card inbox__item${item.read ? '' : ' inbox__item--unread'}`}
            role='link'
            data-inbox-kind={item.kind}
            onClick={() => void open(item)}
          >
            <View className='inbox__head'>
              {!item.read ? <View className='inbox__dot' aria-label='未读' /> : null}
              <Text className='card__title'>{item.title}</Text>
            </View>
            <Text className='inbox__body'>{item.body}</Text>
            <Text className='inbox__at'>{formatDateTime(item.createdAt)}</Text>
          </View>
        ))}
        <ListFooter list={list} emptyText='暂无消息' />
      </ErrorContainer>
    </View>
  );
}
