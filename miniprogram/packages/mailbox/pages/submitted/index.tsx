/**
 * 提交成功: the tracking number (查询编号) and the two deadlines with how each was computed, so the
 * citizen knows by when to expect acceptance and a reply.
 */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { fetchMyLetter } from '../../../../api/letters';
import { DeadlineExplain } from '../../../../components/deadline-explain';
import { ErrorContainer } from '../../../../components/error-container';
import { Section } from '../../../../components/section';
import { useRemote } from '../../../../hooks/use-remote';
import { loadById, useRouteId } from '../../../../hooks/use-route-id';
import { PAGES, TAB_PAGES } from '../../../../routes';
import { formatDateTime } from '../../../../utils/format';
import './index.scss';

export default function LetterSubmittedPage() {
  const id = useRouteId();
  const letter = useRemote(() => loadById(id, fetchMyLetter), [id]);
  const l = letter.data;

  const copy = (text: string) => {
    void Taro.setClipboardData({ data: text });
  };

  return (
    <View className='page ls'>
      <ErrorContainer loading={letter.loading} error={letter.error} onRetry={() => void letter.reload()} hasData={l !== null}>
        {l ? (
          <>
            <View className='ls__hero' role='status'>
              <Text className='ls__check' aria-hidden>✓</Text>
              <Text className='ls__title'>信件已提交</Text>
              <Text className='ls__label'>查询编号</Text>
              <Text className='ls__tracking' data-testid='tracking-no' selectable>
                {l.trackingNo}
              </Text>
              <View className='ls__copy' role='button' onClick={() => copy(l.trackingNo)}>
                <Text>复制编号</Text>
              </View>
              <Text className='ls__at'>提交时间 {formatDateTime(l.submittedAt)}</Text>
            </View>
            <Section title='办理期限'>
              <DeadlineExplain label='受理期限' deadline={l.deadlines.accept} />
              <DeadlineExplain label='答复期限' deadline={l.deadlines.reply} />
              <Text className='ls__explain muted'>
                以上期限按“{l.categoryName}”类信件的规定计算，均为工作日：提交当日不计，跳过周末和法定节假日，调休上班日计入。受理或答复后，我们会通过“消息”通知您。
              </Text>
            </Section>
            <View className='form-actions'>
              <Button className='primary-button' type='primary' onClick={() => void Taro.redirectTo({ url: PAGES.letterDetail(l.id) })}>
                查看办理进度
              </Button>
              <Button className='primary-button ls__home' fill='outline' onClick={() => void Taro.switchTab({ url: TAB_PAGES.home })}>
                返回首页
              </Button>
            </View>
          </>
        ) : null}
      </ErrorContainer>
    </View>
  );
}
