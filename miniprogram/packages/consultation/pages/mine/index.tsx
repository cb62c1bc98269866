/** 我的意见: my consultation responses with the adoption of my opinions once published. */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { z } from 'zod';
import type { MyResponseViewSchema } from '@shared/consultations';
import { fetchMyResponses, type MyResponsePage } from '../../../../api/consultations';
import { ErrorContainer } from '../../../../components/error-container';
import { ListFooter } from '../../../../components/list-footer';
import { StatusTag } from '../../../../components/status-tag';
import { useCursorList } from '../../../../hooks/use-cursor-list';
import { PAGES } from '../../../../routes';
import { formatDateTime } from '../../../../utils/format';
import { CONSULTATION_TONE, OPINION_RESULT_TONE } from '../../../../utils/status';
import './index.scss';

type MyResponse = z.infer<typeof MyResponseViewSchema>;

export default function MyResponsesPage() {
  const list = useCursorList<MyResponse, MyResponsePage>((cursor) => fetchMyResponses(cursor), []);

  return (
    <View className='page cm'>
      <ErrorContainer loading={list.loading} error={list.error} onRetry={() => void list.reload()} hasData={list.items.length > 0}>
        {list.items.map((r) => (
          <View key={r.id} className='card' role='link' onClick={() => void Taro.navigateTo({ url: PAGES.consultationDetail(r.consultation.id) })}>
            <View className='card__meta cm__meta'>
              <StatusTag label={r.consultation.phaseLabel} tone={CONSULTATION_TONE[r.consultation.phase]} />
              <Text>提交于 {formatDateTime(r.submittedAt)}</Text>
            </View>
            <Text className='card__title'>{r.consultation.title}</Text>
            {r.opinions.map((o) => (
              <View key={o.id} className='cm__opinion'>
                <Text className='cm__question muted'>{o.questionTitle}</Text>
                <Text className='cm__text'>{o.text}</Text>
                {o.decision ? (
                  <View className='cm__decision'>
                    <StatusTag label={o.decision.resultLabel} tone={OPINION_RESULT_TONE[o.decision.result]} />
                    <Text className='cm__reason'>{o.decision.reason}</Text>
                  </View>
                ) : (
                  <Text className='cm__pending muted'>采纳情况尚未公布</Text>
                )}
              </View>
            ))}
          </View>
        ))}
        <ListFooter list={list} emptyText='您还没有参与过意见征集' />
      </ErrorContainer>
    </View>
  );
}
