/**
 * 征集结果: the aggregated answers after the consultation closed (only when its owner chose to
 * show them): option shares as bars, rating distribution and average, and the adopted opinions
 * once the adoption report is out. Before the close the server answers
 * `consultation_results_not_available`, shown as a full-page message.
 */
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ConsultationResults } from '@shared/consultations';
import { fetchConsultationResults } from '../../../../api/consultations';
import { ErrorContainer } from '../../../../components/error-container';
import { Section } from '../../../../components/section';
import { StatusTag } from '../../../../components/status-tag';
import { useRemote } from '../../../../hooks/use-remote';
import { loadById, useRouteId } from '../../../../hooks/use-route-id';
import { OPINION_RESULT_TONE } from '../../../../utils/status';
import './index.scss';

type QuestionResult = ConsultationResults['questions'][number];

/** A labelled horizontal bar with count and share. */
function Bar({ label, count, percent }: { label: string; count: number; percent: number }) {
  return (
    <View className='cr__bar' aria-label={`${label}：${count}人，占${percent}%`}>
      <View className='cr__bar-head'>
        <Text className='cr__bar-label'>{label}</Text>
        <Text className='cr__bar-value'>
          {count}人 · {percent}%
        </Text>
      </View>
      <View className='cr__track'>
        <View className='cr__fill' style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
      </View>
    </View>
  );
}

function QuestionResultView({ q, n }: { q: QuestionResult; n: number }) {
  return (
    <Section title={`${n}. ${q.title}`}>
      <Text className='cr__answered muted'>{q.answered}人作答</Text>
      {q.type === 'single' || q.type === 'multiple' ? q.options.map((o) => <Bar key={o.option} label={o.option} count={o.count} percent={o.percent} />) : null}
      {q.type === 'rating' ? (
        <>
          <Text className='cr__average'>平均分：{q.average === null ? '暂无' : q.average.toFixed(2)}</Text>
          {[...q.distribution].reverse().map((d) => (
            <Bar key={d.score} label={`${d.score}分`} count={d.count} percent={d.percent} />
          ))}
        </>
      ) : null}
      {q.type === 'text' ? (
        q.adoptedQuotes.length === 0 ? (
          <Text className='muted'>文字意见的采纳情况公布后，在此展示被采纳的意见。</Text>
        ) : (
          q.adoptedQuotes.map((quote, i) => (
            <View key={`${i}-${quote.text}`} className='cr__quote'>
              <View className='card__meta cr__quote-meta'>
                <StatusTag label={quote.resultLabel} tone={OPINION_RESULT_TONE[quote.result]} />
                {quote.count > 1 ? <Text>{quote.count}条相同意见</Text> : null}
              </View>
              <Text className='cr__quote-text'>{quote.text}</Text>
            </View>
          ))
        )
      ) : null}
    </Section>
  );
}

export default function ConsultationResultsPage() {
  const id = useRouteId();
  const results = useRemote(() => loadById(id, fetchConsultationResults), [id]);
  usePullDownRefresh(() => {
    void results.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const r = results.data;

  return (
    <View className='page cr'>
      <ErrorContainer loading={results.loading} error={results.error} onRetry={() => void results.reload()} hasData={r !== null}>
        {r ? (
          <>
            <View className='cr__total'>
              <Text className='cr__total-number'>{r.responseCount}</Text>
              <Text className='cr__total-label'>人参与</Text>
            </View>
            {r.questions.length === 0 ? <Text className='cr__none muted'>本次征集未设置问卷。</Text> : null}
            {r.questions.map((q, i) => (
              <QuestionResultView key={q.questionId} q={q} n={i + 1} />
            ))}
          </>
        ) : null}
      </ErrorContainer>
    </View>
  );
}
