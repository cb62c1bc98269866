/** 公开信件 · 详情: a published letter and its replies, personal data masked by the server. */
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { LetterReplyView } from '@shared/letters';
import { fetchPublicLetter } from '../../../../api/letters';
import { ErrorContainer } from '../../../../components/error-container';
import { Section } from '../../../../components/section';
import { useRemote } from '../../../../hooks/use-remote';
import { loadById, useRouteId } from '../../../../hooks/use-route-id';
import { formatDate, formatDateTime } from '../../../../utils/format';
import './index.scss';

export default function PublicLetterDetailPage() {
  const id = useRouteId();
  const letter = useRemote(() => loadById(id, fetchPublicLetter), [id]);
  usePullDownRefresh(() => {
    void letter.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const l = letter.data;

  return (
    <View className='page lpd'>
      <ErrorContainer loading={letter.loading} error={letter.error} onRetry={() => void letter.reload()} hasData={l !== null}>
        {l ? (
          <>
            <View className='lpd__head'>
              <Text className='lpd__subject'>{l.subject}</Text>
              <View className='card__meta'>
                <Text>{l.categoryName}</Text>
                <Text>编号 {l.trackingNo}</Text>
                <Text>来信于 {formatDate(l.submittedAt)}</Text>
              </View>
            </View>
            <Section title='来信内容'>
              <Text className='lpd__text'>{l.content}</Text>
            </Section>
            {l.replies.filter((r) => r.round === 1).map((r) => (
              <ReplySection key={r.round} title='答复' reply={r} />
            ))}
            {l.followUp ? (
              <Section title='来信人追问'>
                <Text className='lpd__text'>{l.followUp.content}</Text>
              </Section>
            ) : null}
            {l.replies.filter((r) => r.round > 1).map((r) => (
              <ReplySection key={r.round} title='追问答复' reply={r} />
            ))}
            <Text className='lpd__note muted'>个人信息已隐去。</Text>
          </>
        ) : null}
      </ErrorContainer>
    </View>
  );
}

/** One reply with who answered and when. */
function ReplySection({ title, reply }: { title: string; reply: LetterReplyView }) {
  return (
    <Section title={title}>
      <View className='card__meta lpd__by'>
        {reply.departmentName ? <Text>{reply.departmentName}</Text> : null}
        <Text>{formatDateTime(reply.sentAt)}</Text>
      </View>
      <Text className='lpd__text'>{reply.content}</Text>
    </Section>
  );
}
