/** 我的来信: my letters, newest first, with their state and the current deadline; pull to refresh, scroll for more. */
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef } from 'react';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { z } from 'zod';
import type { LetterMineItemSchema } from '@shared/letters';
import { fetchMyLetters, type LetterMinePage } from '../../../../api/letters';
import { ErrorContainer } from '../../../../components/error-container';
import { ListFooter } from '../../../../components/list-footer';
import { StatusTag } from '../../../../components/status-tag';
import { useCursorList } from '../../../../hooks/use-cursor-list';
import { PAGES } from '../../../../routes';
import { formatDate, formatDateTime } from '../../../../utils/format';
import { LETTER_TONE } from '../../../../utils/status';
import './index.scss';

type LetterMineItem = z.infer<typeof LetterMineItemSchema>;

export default function MyLettersPage() {
  const list = useCursorList<LetterMineItem, LetterMinePage>((cursor) => fetchMyLetters(cursor), []);
  // Coming back from a detail (after rating) shows the new state without a manual refresh.
  const shown = useRef(false);
  useDidShow(() => {
    if (shown.current) void list.reload();
    shown.current = true;
  });

  return (
    <View className='page lm'>
      <ErrorContainer loading={list.loading} error={list.error} onRetry={() => void list.reload()} hasData={list.items.length > 0}>
        {list.items.map((l) => (
          <View key={l.id} className='card' role='link' data-letter-id={l.id} onClick={() => void Taro.navigateTo({ url: PAGES.letterDetail(l.id) })}>
            <View className='lm__head'>
              <Text className='lm__no'>{l.trackingNo}</Text>
              <View className='lm__tags'>
                <StatusTag label={l.statusLabel} tone={LETTER_TONE[l.status]} overdue={l.overdue} />
              </View>
            </View>
            <Text className='card__title'>{l.subject}</Text>
            <View className='card__meta'>
              <Text>{l.categoryName}</Text>
              <Text>提交于 {formatDateTime(l.submittedAt)}</Text>
            </View>
            {l.currentDueAt ? <Text className='lm__due'>当前环节期限：{formatDate(l.currentDueAt)}前</Text> : null}
            {l.repliedAt ? <Text className='lm__replied'>已于 {formatDate(l.repliedAt)} 答复</Text> : null}
          </View>
        ))}
        <ListFooter list={list} emptyText='您还没有写过信' />
        {list.items.length === 0 && !list.hasMore ? (
          <View className='form-actions'>
            <Button className='primary-button' type='primary' onClick={() => void Taro.navigateTo({ url: PAGES.letterWrite })}>
              我要写信
            </Button>
          </View>
        ) : null}
      </ErrorContainer>
    </View>
  );
}
