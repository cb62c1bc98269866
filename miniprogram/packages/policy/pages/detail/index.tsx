/**
 * 政策详情: the document (RichText), its validity (现行有效/已修改/已废止/已失效) with the documents
 * that changed or replaced it, its interpretations (text, Q&A, graphic, expert, video), its
 * attachments and the 政府信息公开目录 entry. Three tabs keep a long document navigable on a phone.
 */
import { useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Image, Text, Video, View } from '@tarojs/components';
import { POLICY_CATALOG_FIELDS, POLICY_CATALOG_LABELS, type PolicyPublicView } from '@shared/policies';
import type { z } from 'zod';
import type { InterpretationPublicViewSchema, RelatedPolicyViewSchema } from '@shared/policies';
import { fetchPolicy } from '../../../../api/policies';
import { apiUrl } from '../../../../api/request';
import { AttachmentList } from '../../../../components/attachment-list';
import { ErrorContainer } from '../../../../components/error-container';
import { RichContent } from '../../../../components/rich-content';
import { Section } from '../../../../components/section';
import { ToneTag } from '../../../../components/tone-tag';
import { ValidityTag } from '../../../../components/validity-tag';
import { useRemote } from '../../../../hooks/use-remote';
import { loadById, useRouteId } from '../../../../hooks/use-route-id';
import { PAGES } from '../../../../routes';
import { formatDate } from '../../../../utils/format';
import './index.scss';

type Interpretation = z.infer<typeof InterpretationPublicViewSchema>;
type RelatedPolicy = z.infer<typeof RelatedPolicyViewSchema>;
type Tab = 'body' | 'interpretations' | 'info';

/** Why a document is no longer (fully) in force, for the banner above it. */
function validityNotice(p: PolicyPublicView): string | null {
  const since = p.validityChangedAt ? `自${formatDate(p.validityChangedAt)}起` : '';
  switch (p.validity) {
    case 'amended':
      return `本文件已被修改${since ? `（${since}）` : ''}，请同时查看修改文件。`;
    case 'repealed':
      return `本文件${since}已废止，仅供查阅。`;
    case 'expired':
      return `本文件${since || (p.expiryDate ? `已于${formatDate(p.expiryDate)}` : '')}失效，仅供查阅。`;
    default:
      return null;
  }
}

export default function PolicyDetailPage() {
  const id = useRouteId();
  const policy = useRemote(() => loadById(id, fetchPolicy), [id]);
  const [tab, setTab] = useState<Tab>('body');
  usePullDownRefresh(() => {
    void policy.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const p = policy.data;

  return (
    <View className='page pd'>
      <ErrorContainer loading={policy.loading} error={policy.error} onRetry={() => void policy.reload()} hasData={p !== null}>
        {p ? (
          <>
            <View className='pd__head'>
              <Text className='pd__title'>{p.title}</Text>
              <View className='card__meta'>
                <ValidityTag validity={p.validity} />
                <ToneTag tone='grey'>{p.category.name}</ToneTag>
              </View>
              <View className='pd__facts'>
                {p.documentNumber ? <Fact label='文号' value={p.documentNumber} /> : null}
                <Fact label='发布机关' value={p.issuingBody} />
                <Fact label='发布日期' value={formatDate(p.publishedAt)} />
                {p.effectiveDate ? <Fact label='施行日期' value={formatDate(p.effectiveDate)} /> : null}
                {p.expiryDate ? <Fact label='有效期至' value={formatDate(p.expiryDate)} /> : null}
              </View>
              {validityNotice(p) ? (
                <View className={`pd__notice pd__notice--${p.validity}`} role='note'>
                  <Text>{validityNotice(p)}</Text>
                </View>
              ) : null}
            </View>

            <View className='pd__tabs' role='tablist'>
              {(
                [
                  ['body', '原文'],
                  ['interpretations', `解读${p.interpretations.length > 0 ? `（${p.interpretations.length}）` : ''}`],
                  ['info', '相关信息'],
                ] as const
              ).map(([key, label]) => (
                <View
                  key={key}
                  className={`pd__tab${tab === key ? ' pd__tab--on' : ''}`}
                  role='tab'
                  aria-selected={tab === key}
                  data-tab={key}
                  onClick={() => setTab(key)}
                >
                  <Text>{label}</Text>
                </View>
              ))}
            </View>

            {tab === 'body' ? (
              <>
                <Section>
                  <RichContent html={p.body} />
                </Section>
                {p.attachments.length > 0 ? (
                  <Section>
                    <AttachmentList items={p.attachments} />
                  </Section>
                ) : null}
                {p.interpretations.length > 0 ? (
                  <View className='pd__jump' role='link' onClick={() => setTab('interpretations')}>
                    <Text>本文件有{p.interpretations.length}篇政策解读，点击查看</Text>
                  </View>
                ) : null}
              </>
            ) : null}

            {tab === 'interpretations' ? (
              p.interpretations.length === 0 ? (
                <View className='pd__empty'>
                  <Text className='muted'>暂无解读。政策解读一般与文件同步发布，最迟不超过文件发布后3个工作日。</Text>
                </View>
              ) : (
                p.interpretations.map((i) => <InterpretationView key={i.id} item={i} />)
              )
            ) : null}

            {tab === 'info' ? (
              <>
                <RelatedSection policy={p} />
                <Section title='政府信息公开目录'>
                  {POLICY_CATALOG_FIELDS.map((f) => {
                    const value = f === 'attribute' ? p.catalog.attributeLabel : f === 'publishedAt' ? formatDate(p.catalog.publishedAt) : p.catalog[f];
                    return value ? <Fact key={f} label={POLICY_CATALOG_LABELS[f]} value={value} /> : null;
                  })}
                  <Fact label='浏览次数' value={String(p.viewCount)} />
                </Section>
              </>
            ) : null}
          </>
        ) : null}
      </ErrorContainer>
    </View>
  );
}

/** A label and its value on one line. */
function Fact({ label, value }: { label: string; value: string }) {
  return (
    <View className='pd__fact'>
      <Text className='pd__fact-label'>{label}</Text>
      <Text className='pd__fact-value'>{value}</Text>
    </View>
  );
}

/** One interpretation, rendered by its kind. */
function InterpretationView({ item: i }: { item: Interpretation }) {
  const images = i.images.map((img) => apiUrl(img.url));
  return (
    <Section>
      <View className='pi' data-interpretation-kind={i.kind}>
        <View className='card__meta pi__meta'>
          <ToneTag tone='blue'>{i.kindLabel}</ToneTag>
          <Text>{formatDate(i.publishedAt)}</Text>
        </View>
        <Text className='pi__title'>{i.title}</Text>
        {i.author || i.source ? (
          <Text className='pi__by muted'>
            {i.author ? `作者：${i.author}` : ''}
            {i.author && i.source ? ' · ' : ''}
            {i.source ? `来源：${i.source}` : ''}
          </Text>
        ) : null}
        {i.kind === 'video' && i.videoUrl ? <Video className='pi__video' src={i.videoUrl} controls showFullscreenBtn /> : null}
        {images.map((src, n) => (
          <Image
            key={src}
            className='pi__image'
            src={src}
            mode='widthFix'
            aria-label={`图解第${n + 1}张`}
            onClick={() => void Taro.previewImage({ current: src, urls: images })}
          />
        ))}
        {i.body ? <RichContent html={i.body} /> : null}
        {i.qa.length > 0 ? (
          <View className='pi__qa'>
            {i.qa.map((pair, n) => (
              <View key={`${n}-${pair.question}`} className='pi__pair'>
                <View className='pi__q'>
                  <Text className='pi__mark pi__mark--q'>问</Text>
                  <Text className='pi__q-text'>{pair.question}</Text>
                </View>
                <View className='pi__a'>
                  <Text className='pi__mark pi__mark--a'>答</Text>
                  <Text className='pi__a-text'>{pair.answer}</Text>
                </View>
              </View>
            ))}
          </View>
        ) : null}
        <AttachmentList items={i.attachments} />
      </View>
    </Section>
  );
}

/** Documents that replaced or amended this one, or that this one replaced or amended. */
function RelatedSection({ policy: p }: { policy: PolicyPublicView }) {
  const groups: [string, RelatedPolicy[]][] = [
    ['已被以下文件废止', p.related.replacedBy],
    ['已被以下文件修改', p.related.amendedBy],
    ['本文件废止了', p.related.replaces],
    ['本文件修改了', p.related.amends],
  ];
  const any = groups.some(([, items]) => items.length > 0);
  if (!any) return null;
  return (
    <Section title='相关文件'>
      {groups.map(([title, items]) =>
        items.length === 0 ? null : (
          <View key={title} className='pr'>
            <Text className='pr__title'>{title}</Text>
            {items.map((r) => (
              <View key={r.id} className='pr__item' role='link' onClick={() => void Taro.navigateTo({ url: PAGES.policyDetail(r.id) })}>
                <Text className='pr__name'>{r.title}</Text>
                <View className='card__meta'>
                  <ValidityTag validity={r.validity} />
                  {r.documentNumber ? <Text>{r.documentNumber}</Text> : null}
                  {r.publishedAt ? <Text>{formatDate(r.publishedAt)}</Text> : null}
                </View>
              </View>
            ))}
          </View>
        ),
      )}
    </Section>
  );
}
