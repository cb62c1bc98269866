/** 互动: the mailbox, consultations and error reports, each with its "mine" list. */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Cell } from '@nutui/nutui-react-taro';
import { PAGES } from '../../routes';
import './index.scss';

interface Entry {
  title: string;
  desc: string;
  url: string;
}

const GROUPS: { title: string; intro: string; entries: Entry[] }[] = [
  {
    title: '主任信箱',
    intro: '2个工作日内受理，15个工作日内答复（法定节假日顺延）',
    entries: [
      { title: '我要写信', desc: '咨询、建议、投诉、求助', url: PAGES.letterWrite },
      { title: '我的来信', desc: '办理进度、答复与评价', url: PAGES.myLetters },
      { title: '公开信件', desc: '经来信人同意公开的信件与答复', url: PAGES.publicLetters },
    ],
  },
  {
    title: '意见征集',
    intro: '对政策草案提出意见，征集结束后公布采纳情况',
    entries: [
      { title: '征集列表', desc: '正在征集与已结束的意见征集', url: PAGES.consultations },
      { title: '我的意见', desc: '我提交的意见及采纳情况', url: PAGES.myResponses },
    ],
  },
  {
    title: '我为政府网站找错',
    intro: '1个工作日内转办，3个工作日内答复',
    entries: [
      { title: '我要找错', desc: '错别字、链接不可用、内容未更新等', url: PAGES.errorReportWrite },
      { title: '我的找错', desc: '办理进度与答复', url: PAGES.myErrorReports },
    ],
  },
];

export default function InteractPage() {
  return (
    <View className='page interact'>
      {GROUPS.map((g) => (
        <View key={g.title} className='interact__group'>
          <View className='interact__head'>
            <Text className='interact__title'>{g.title}</Text>
            <Text className='interact__intro'>{g.intro}</Text>
          </View>
          {g.entries.map((e) => (
            <Cell key={e.url} title={e.title} description={e.desc} clickable onClick={() => void Taro.navigateTo({ url: e.url })} />
          ))}
        </View>
      ))}
    </View>
  );
}
