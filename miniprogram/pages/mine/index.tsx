/**
 * 我的: sign-in state, the 消息 inbox with its unread count, my letters / responses / reports, and
 * the privacy guide with the consent state.
 */
import { useState, type ReactNode } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { Badge, Button, Cell, CellGroup } from '@nutui/nutui-react-taro';
import type { CitizenView } from '@shared/auth';
import { fetchInbox } from '../../api/inbox';
import { DEV_LOGIN, currentCitizen, signIn, signOut, signOutEverywhere, switchDevUser, toApiError } from '../../api/request';
import { readDevLoginName } from '../../api/session-store';
import { toastError } from '../../components/error-container/present';
import { PAGES } from '../../routes';
import { ensurePrivacyConsent, hasPrivacyConsent, openPrivacyGuide, recordH5Consent } from '../../utils/privacy';
import { formatDate } from '../../utils/format';
import { showModal } from '../../utils/modal';
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

  // For a lost or shared phone: every device must sign in again.
  const logoutEverywhere = async () => {
    const answer = await showModal({ title: '退出所有设备', content: '将退出您在所有设备上的登录，各设备需重新登录。', confirmText: '全部退出' });
    if (!answer.confirm) return;
    setBusy(true);
    try {
      await signOutEverywhere();
      refresh();
    } catch (e) {
      toastError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const toggleConsent = async () => {
    if (process.env.TARO_ENV === 'weapp') {
      openPrivacyGuide(PAGES.privacy);
      return;
    }
    if (consent) {
      const answer = await showModal({ title: '撤回同意', content: '撤回后，提交来信或找错前将再次征求您的同意。', confirmText: '撤回' });
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
      <CellGroup className='mine__group'>
        {settingsRow({
          title: '消息',
          description: '办理进度与答复通知',
          extra: unread ? <Badge className='mine__badge' value={unread} max={99} /> : undefined,
          onClick: () => go(PAGES.inbox),
        })}
        {settingsRow({ title: '我的来信', onClick: () => go(PAGES.myLetters) })}
        {settingsRow({ title: '我的意见', description: '意见征集', onClick: () => go(PAGES.myResponses) })}
        {settingsRow({ title: '我的找错', description: '我为政府网站找错', onClick: () => go(PAGES.myErrorReports) })}
      </CellGroup>
      <CellGroup className='mine__group'>
        {settingsRow({ title: '隐私保护指引', onClick: () => openPrivacyGuide(PAGES.privacy) })}
        {settingsRow({
          title: '个人信息收集授权',
          extra: <Text className={consent ? 'mine__ok' : 'muted'}>{consent === null ? '' : consent ? '已同意' : '未同意'}</Text>,
          onClick: () => void toggleConsent(),
        })}
      </CellGroup>
      {citizen ? (
        <View className='form-actions'>
          <Button className='primary-button' fill='outline' onClick={logout}>
            退出登录
          </Button>
          <Button className='primary-button mine__logout-all' fill='none' loading={busy} disabled={busy} onClick={() => void logoutEverywhere()}>
            退出所有设备
          </Button>
        </View>
      ) : null}
    </View>
  );
}

/**
 * One row of a settings-style list, as on WeChat's own 设置 page: title (and a line of
 * description), an optional value on the right, and a chevron saying it opens something.
 * A function returning the Cell itself, not a component: CellGroup only recognises its direct
 * Cell children to leave the divider off the last row.
 */
function settingsRow({ title, description, extra, onClick }: { title: string; description?: string; extra?: ReactNode; onClick: () => void }) {
  return (
    <Cell
      className='mine__row'
      title={title}
      description={description}
      extra={
        <View className='mine__extra'>
          {extra}
          <View className='mine__chevron' aria-hidden />
        </View>
      }
      align='center'
      radius={0}
      clickable
      onClick={onClick}
    />
  );
}
