/** 意见征集: consultations 征集中 / 已结束, newest first; pull to refresh, scroll for more. */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ConsultationSummaryView } from '@shared/consultations';
import { fetchConsultations, type ConsultationPage } from '../../../../api/consultations';
import { ErrorContainer } from '../../../../components/error-container';
import { ListFooter } from '../../../../components/list-footer';
import { StatusTag } from '../../../../components/status-tag';
import { useCursorList } from '../../../../hooks/use-cursor-list';
import { PAGES } from '../../../../routes';
import { formatDate } from '../../../../utils/format';
import { CONSULTATION_TONE } from '../../../../utils/status';
import './index.scss';

type Status = 'open' | 'closed';

const TABS: { key: Status; label: string }[] = [
  { key: 'open', label: '征集中' },
  { key: 'closed', label: '已结束' },
];

/** The timing line of a card: days left while open, the feedback deadline once closed. */
function timing(c: ConsultationSummaryView): string {
  if (c.phase === 'open') return c.daysLeft === 0 ? '今天截止' : `剩余${c.daysLeft ?? 0}天，${formatDate(c.endAt)}截止`;
  if (c.phase === 'upcoming') return `${formatDate(c.startAt)}开始`;
  if (c.phase === 'feedback_published') return `${formatDate(c.feedbackPublishedAt)}公布采纳情况`;
  return c.feedbackDueDate ? `采纳情况将于${formatDate(c.feedbackDueDate)}前公布` : `${formatDate(c.endAt)}结束`;
}

export default function ConsultationListPage() {
  const [status, setStatus] = useState<Status>('open');
  const list = useCursorList<ConsultationSummaryView, ConsultationPage>((cursor) => fetchConsultations({ cursor, status }), [status]);

  return (
    <View className='page cl'>
      <View className='cl__tabs' role='tablist'>
        {TABS.map((t) => (
          <View
            key={t.key}
            className={`cl__tab${status === t.key ? ' cl__tab--on' : ''}`}
            role='tab'
            aria-selected={status === t.key}
            onClick={() => setStatus(t.key)}
          >
            <Text>{t.label}</Text>
          </View>
        ))}
      </View>
      <ErrorContainer loading={list.loading} error={list.error} onRetry={() => void list.reload()}>
        {list.items.map((c) => (
          <View key={c.id} className='card' role='link' data-consultation-id={c.id} onClick={() => void Taro.navigateTo({ url: PAGES.consultationDetail(c.id) })}>
            <View className='card__meta cl__meta'>
              <StatusTag label={c.phaseLabel} tone={CONSULTATION_TONE[c.phase]} />
              <Text>{c.departmentName}</Text>
            </View>
            <Text className='card__title'>{c.title}</Text>
            {c.summary ? <Text className='cl__summary'>{c.summary}</Text> : null}
            <Text className='cl__timing'>{timing(c)}</Text>
          </View>
        ))}
        <ListFooter list={list} emptyText={status === 'open' ? '目前没有正在征集意见的事项' : '暂无已结束的意见征集'} />
      </ErrorContainer>
    </View>
  );
}
