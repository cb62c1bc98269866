/**
 * 我的: sign-in state, the 消息 inbox with its unread count, my letters / responses / reports, and
 * the privacy guide with the consent state.
 */
import { useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { Badge, Button, Cell } from '@nutui/nutui-react-taro';
import type { CitizenView } from '@shared/auth';
import { fetchInbox } from '../../api/inbox';
import { DEV_LOGIN, currentCitizen, signIn, signOut, switchDevUser, toApiError } from '../../api/request';
import { readDevLoginName } from '../../api/session-store';
import { toastError } from '../../components/error-container/present';
import { PAGES } from '../../routes';
import { ensurePrivacyConsent, hasPrivacyConsent, openPrivacyGuide, recordH5Consent } from '../../utils/privacy';
import { formatDate } from '../../utils/format';
import './index.scss';

export default function MinePage() {
  const [citizen, setCitizen] = useState<CitizenView | null>(currentCitizen());
  const [unread, setUnread] = useState<number | null>(null);
  const [consent, setConsent] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [devName, setDevName] = useState(readDevLoginName() ?? '');

  const refresh = () => {
    const me = currentCitizen();
    setCitizen(me);
    void hasPrivacyConsent().then(setConsent);
    if (me) {
      fetchInbox()
        .then((p) => setUnread(p.unreadCount))
        .catch(() => setUnread(null));
    } else {
      setUnread(null);
    }
  };
  // The inbox may have changed while another page was open.
  useDidShow(refresh);

  const login = async () => {
    setBusy(true);
    try {
      if (DEV_LOGIN && process.env.TARO_ENV !== 'weapp' && devName.trim()) switchDevUser(devName.trim());
      await signIn();
      refresh();
    } catch (e) {
      toastError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const logout = () => {
    signOut();
    refresh();
  };

  const toggleConsent = async () => {
    if (process.env.TARO_ENV === 'weapp') {
      openPrivacyGuide(PAGES.privacy);
      return;
    }
    if (consent) {
      const answer = await Taro.showModal({ title: '撤回同意', content: '撤回后，提交来信或找错前将再次征求您的同意。', confirmText: '撤回' });
      if (answer.confirm) recordH5Consent(false);
    } else {
      await ensurePrivacyConsent();
    }
    void hasPrivacyConsent().then(setConsent);
  };

  const go = (url: string) => void Taro.navigateTo({ url });

  return (
    <View className='page mine'>
      <View className='mine__profile'>
        {citizen ? (
          <>
            <Text className='mine__name'>已登录</Text>
            <Text className='mine__sub'>
              用户编号 {citizen.id.slice(-8)} · {formatDate(citizen.createdAt)}注册
            </Text>
          </>
        ) : (
          <>
            <Text className='mine__name'>未登录</Text>
            <Text className='mine__sub'>登录后可写信、参与意见征集、查看办理进度</Text>
            {DEV_LOGIN && process.env.TARO_ENV !== 'weapp' ? (
              <Input
                className='mine__dev-input'
                value={devName}
                placeholder='测试用户名（可留空）'
                aria-label='测试用户名'
                onInput={(e) => setDevName(e.detail.value)}
              />
            ) : null}
            <Button className='mine__login' type='primary' loading={busy} disabled={busy} onClick={() => void login()}>
              {process.env.TARO_ENV === 'weapp' ? '微信一键登录' : '登录'}
            </Button>
          </>
        )}
      </View>
      <View className='mine__group'>
        <Cell
          title='消息'
          extra={unread ? <Badge value={unread} max={99} /> : undefined}
          description='办理进度与答复通知'
          clickable
          onClick={() => go(PAGES.inbox)}
        />
        <Cell title='我的来信' clickable onClick={() => go(PAGES.myLetters)} />
        <Cell title='我的意见' description='意见征集' clickable onClick={() => go(PAGES.myResponses)} />
        <Cell title='我的找错' description='我为政府网站找错' clickable onClick={() => go(PAGES.myErrorReports)} />
      </View>
      <View className='mine__group'>
        <Cell title='隐私保护指引' clickable onClick={() => openPrivacyGuide(PAGES.privacy)} />
        <Cell
          title='个人信息收集授权'
          extra={<Text className={consent ? 'mine__ok' : 'muted'}>{consent === null ? '' : consent ? '已同意' : '未同意'}</Text>}
          clickable
          onClick={() => void toggleConsent()}
        />
      </View>
      {citizen ? (
        <View className='form-actions'>
          <Button className='primary-button' fill='outline' onClick={logout}>
            退出登录
          </Button>
        </View>
      ) : null}
    </View>
  );
}
