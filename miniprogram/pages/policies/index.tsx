/** 政策: published policies with keyword search and a category filter; pull to refresh, scroll for more. */
import { useState } from 'react';
import { ScrollView, Text, View } from '@tarojs/components';
import type { PolicyPublicRow } from '@shared/policies';
import { POLICY_LIMITS } from '@shared/policies';
import { fetchPolicies, fetchPolicyCategories, type PolicyPage } from '../../api/policies';
import { ErrorContainer } from '../../components/error-container';
import { ListFooter } from '../../components/list-footer';
import { PolicyRow } from '../../components/policy-row';
import { SearchBar } from '../../components/search-bar';
import { useCursorList } from '../../hooks/use-cursor-list';
import { useRemote } from '../../hooks/use-remote';
import './index.scss';

export default function PoliciesPage() {
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | undefined>(undefined);
  const categories = useRemote(fetchPolicyCategories, []);
  const list = useCursorList<PolicyPublicRow, PolicyPage>((cursor) => fetchPolicies({ cursor, q: q || undefined, category }), [q, category]);

  return (
    <View className='page policies'>
      <SearchBar placeholder='搜索标题或文号' maxLength={POLICY_LIMITS.searchMax} label='搜索政策' query={q} onSearch={setQ} />
      <ScrollView className='policies__cats' scrollX enhanced showScrollbar={false}>
        <View className='policies__cats-row'>
          <View className={`policies__cat${category === undefined ? ' policies__cat--on' : ''}`} role='button' onClick={() => setCategory(undefined)}>
            <Text>全部</Text>
          </View>
          {categories.data?.items.map((c) => (
            <View
              key={c.key}
              className={`policies__cat${category === c.key ? ' policies__cat--on' : ''}`}
              role='button'
              data-category={c.key}
              onClick={() => setCategory(c.key)}
            >
              <Text>{c.name}</Text>
            </View>
          ))}
        </View>
      </ScrollView>
      {q ? (
        <View className='policies__hint'>
          <Text>“{q}”的搜索结果</Text>
          <View
            className='policies__clear'
            role='button'
            onClick={() => setQ('')}
          >
            <Text>清除</Text>
          </View>
        </View>
      ) : null}
      <ErrorContainer loading={list.loading} error={list.error} onRetry={() => void list.reload()}>
        {list.items.map((p) => (
          <PolicyRow key={p.id} policy={p} />
        ))}
        <ListFooter list={list} emptyText={q ? '没有找到相关政策，换个关键词试试' : '暂无政策文件'} />
      </ErrorContainer>
    </View>
  );
}
