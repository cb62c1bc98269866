/**
 * 隐私保护指引 (H5; in WeChat the platform's own guide page is opened instead). The text must
 * match the guide filed in the WeChat admin console.
 */
import { useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Section } from '../../components/section';
import { hasPrivacyConsent, recordH5Consent } from '../../utils/privacy';
import './index.scss';

const PARAGRAPHS = [
  '本小程序由本级人民政府办公室提供，用于政务公开、主任信箱、意见征集和政府网站找错等服务。',
  '我们收集的信息：您主动填写的联系人姓名、联系电话或电子邮箱，来信和意见的内容，您上传的截图和附件；登录时使用微信提供的匿名标识（openid），不获取您的微信昵称、头像和手机号。',
  '使用目的：仅用于受理、转办、答复您提交的事项并通知办理结果。工作人员查看您的个人信息会被记录在审计日志中。',
  '公开范围：经您同意公开的信件，其中的姓名、电话、证件号码、地址等个人信息会被隐去后公开；意见征集中您的意见以匿名方式统计和引用。',
  '保存期限：按照档案管理的有关规定保存；未提交的上传文件在24小时后自动删除。',
  '您的权利：您可以在“我的”页面撤回授权；撤回后，提交需要个人信息的事项前将再次征求您的同意。',
];

export default function PrivacyPage() {
  const [consent, setConsent] = useState(false);
  useDidShow(() => void hasPrivacyConsent().then(setConsent));

  const agree = () => {
    recordH5Consent(true);
    setConsent(true);
    void Taro.showToast({ title: '已同意', icon: 'success' });
  };

  return (
    <View className='page privacy'>
      <Section title='隐私保护指引'>
        {PARAGRAPHS.map((p) => (
          <Text key={p} className='privacy__p'>
            {p}
          </Text>
        ))}
      </Section>
      <View className='form-actions'>
        {consent ? (
          <Text className='privacy__done'>您已同意本指引</Text>
        ) : (
          <Button className='primary-button' type='primary' onClick={agree}>
            同意并继续
          </Button>
        )}
      </View>
    </View>
  );
}
