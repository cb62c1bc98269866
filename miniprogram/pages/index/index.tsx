/** 首页: the four services and the latest policies. */
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { fetchPolicies } from '../../api/policies';
import { ErrorContainer } from '../../components/error-container';
import { PolicyRow } from '../../components/policy-row';
import { useRemote } from '../../hooks/use-remote';
import { PAGES, TAB_PAGES } from '../../routes';
import './index.scss';

/** Entries of the four services. */
const SERVICES = [
  { key: 'policy', title: '政策解读', desc: '政策文件与解读', icon: '策', open: () => Taro.switchTab({ url: TAB_PAGES.policies }) },
  { key: 'mailbox', title: '主任信箱', desc: '写信、查进度', icon: '信', open: () => Taro.navigateTo({ url: PAGES.letterWrite }) },
  { key: 'consultation', title: '意见征集', desc: '参与政策制定', icon: '议', open: () => Taro.navigateTo({ url: PAGES.consultations }) },
  { key: 'error-report', title: '网站找错', desc: '我为政府网站找错', icon: '错', open: () => Taro.navigateTo({ url: PAGES.errorReportWrite }) },
] as const;

const LATEST_COUNT = 5;

export default function HomePage() {
  const latest = useRemote(() => fetchPolicies({ limit: LATEST_COUNT }), []);
  usePullDownRefresh(() => {
    void latest.reload().finally(() => Taro.stopPullDownRefresh());
  });

  return (
    <View className='page home'>
      <View className='home__banner'>
        <Text className='home__banner-title'>政务公开</Text>
        <Text className='home__banner-sub'>政策早知道 · 民声有回应</Text>
      </View>
      <View className='home__services'>
        {SERVICES.map((s) => (
          <View key={s.key} className='home__service' role='button' aria-label={s.title} data-service={s.key} onClick={() => void s.open()}>
            <Text className={`home__icon home__icon--${s.key}`}>{s.icon}</Text>
            <Text className='home__service-title'>{s.title}</Text>
            <Text className='home__service-desc'>{s.desc}</Text>
          </View>
        ))}
      </View>
      <View className='home__head'>
        <Text className='home__head-title'>最新政策</Text>
        <View className='home__more' role='link' onClick={() => void Taro.switchTab({ url: TAB_PAGES.policies })}>
          <Text>更多</Text>
        </View>
      </View>
      <ErrorContainer loading={latest.loading} error={latest.error} onRetry={() => void latest.reload()} hasData={latest.data !== null}>
        {latest.data && latest.data.items.length === 0 ? <Text className='home__empty muted'>暂无已发布的政策</Text> : null}
        {latest.data?.items.map((p) => <PolicyRow key={p.id} policy={p} />)}
      </ErrorContainer>
    </View>
  );
}
