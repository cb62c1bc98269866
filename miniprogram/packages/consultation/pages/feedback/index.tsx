/**
 * 采纳情况: the published adoption report of a consultation — the summary, the counts, and each
 * opinion (merged duplicates together) with its result and reason. Inbox messages about the
 * report open this page. Until the report is published the server answers `not_found`, shown
 * here as "not published yet" rather than as a missing page.
 */
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { fetchConsultationFeedback } from '../../../../api/consultations';
import { ErrorContainer } from '../../../../components/error-container';
import { Section } from '../../../../components/section';
import { StatusTag } from '../../../../components/status-tag';
import { useRemote } from '../../../../hooks/use-remote';
import { loadById, useRouteId } from '../../../../hooks/use-route-id';
import { PAGES } from '../../../../routes';
import { formatDate } from '../../../../utils/format';
import { OPINION_RESULT_TONE } from '../../../../utils/status';
import './index.scss';

export default function ConsultationFeedbackPage() {
  const id = useRouteId();
  const feedback = useRemote(() => loadById(id, fetchConsultationFeedback), [id]);
  usePullDownRefresh(() => {
    void feedback.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const f = feedback.data;
  const notYet = feedback.error?.code === 'not_found' && id !== '';

  if (notYet) {
    return (
      <View className='page cf'>
        <View className='cf__pending' role='status'>
          <Text className='cf__pending-title'>采纳情况尚未公布</Text>
          <Text className='cf__pending-text'>采纳情况在征集结束后1个月内公布，公布后将通过“消息”通知参与者。</Text>
          <Button className='cf__pending-button' fill='outline' onClick={() => void Taro.redirectTo({ url: PAGES.consultationDetail(id) })}>
            查看征集详情
          </Button>
        </View>
      </View>
    );
  }

  return (
    <View className='page cf'>
      <ErrorContainer loading={feedback.loading} error={feedback.error} onRetry={() => void feedback.reload()} hasData={f !== null}>
        {f ? (
          <>
            <View className='cf__head'>
              <Text className='cf__title'>{f.title}</Text>
              <Text className='cf__line muted'>
                征集于{formatDate(f.closedAt)}结束，{formatDate(f.publishedAt)}公布采纳情况（应于{formatDate(f.feedbackDueAt)}前公布）
              </Text>
            </View>
            <View className='cf__counts'>
              {(
                [
                  ['收到意见', f.counts.total],
                  ['采纳', f.counts.adopted],
                  ['部分采纳', f.counts.partlyAdopted],
                  ['不予采纳', f.counts.notAdopted],
                ] as const
              ).map(([label, n]) => (
                <View key={label} className='cf__count'>
                  <Text className='cf__count-number'>{n}</Text>
                  <Text className='cf__count-label'>{label}</Text>
                </View>
              ))}
            </View>
            <Section title='采纳情况说明'>
              <Text className='cf__text'>{f.summary}</Text>
            </Section>
            <Section title='意见处理情况'>
              {f.opinions.length === 0 ? <Text className='muted'>未收到文字意见。</Text> : null}
              {f.opinions.map((o, i) => (
                <View key={`${o.questionId}-${i}`} className='cf__opinion'>
                  <View className='card__meta cf__opinion-meta'>
                    <StatusTag label={o.resultLabel} tone={OPINION_RESULT_TONE[o.result]} />
                    {o.count > 1 ? <Text>{o.count}条相同意见</Text> : null}
                    <Text>{o.questionTitle}</Text>
                  </View>
                  <Text className='cf__opinion-text'>{o.text ?? '（该意见未公开引用）'}</Text>
                  <Text className='cf__reason'>理由：{o.reason}</Text>
                </View>
              ))}
            </Section>
          </>
        ) : null}
      </ErrorContainer>
    </View>
  );
}
