/**
 * 公开信件: replied letters whose writers agreed to publication, as the server returns them
 * (personal data already masked there). Keyword search; pull to refresh, scroll for more.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { LETTER_LIMITS, type LetterPublicView } from '@shared/letters';
import { fetchPublicLetters, type LetterPublicPage } from '../../../../api/letters';
import { ErrorContainer } from '../../../../components/error-container';
import { ListFooter } from '../../../../components/list-footer';
import { SearchBar } from '../../../../components/search-bar';
import { useCursorList } from '../../../../hooks/use-cursor-list';
import { PAGES } from '../../../../routes';
import { formatDate } from '../../../../utils/format';
import './index.scss';

export default function PublicLettersPage() {
  const [q, setQ] = useState('');
  const list = useCursorList<LetterPublicView, LetterPublicPage>((cursor) => fetchPublicLetters({ cursor, q: q || undefined }), [q]);

  return (
    <View className='page lp'>
      <SearchBar placeholder='搜索标题或内容' maxLength={LETTER_LIMITS.searchMax} label='搜索公开信件' query={q} onSearch={setQ} />
      <Text className='lp__note muted'>以下信件经来信人同意公开，姓名、电话、证件号码、地址等个人信息已隐去。</Text>
      <ErrorContainer loading={list.loading} error={list.error} onRetry={() => void list.reload()} hasData={list.items.length > 0}>
        {list.items.map((l) => (
          <View key={l.id} className='card' role='link' data-letter-id={l.id} onClick={() => void Taro.navigateTo({ url: PAGES.publicLetterDetail(l.id) })}>
            <Text className='card__title'>{l.subject}</Text>
            <Text className='lp__excerpt'>{l.content}</Text>
            <View className='card__meta'>
              <Text>{l.categoryName}</Text>
              {l.departmentName ? <Text>{l.departmentName}</Text> : null}
              <Text>答复于 {formatDate(l.repliedAt)}</Text>
            </View>
          </View>
        ))}
        <ListFooter list={list} emptyText={q ? '没有找到相关信件' : '暂无公开信件'} />
      </ErrorContainer>
    </View>
  );
}
