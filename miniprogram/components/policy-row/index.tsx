/** One policy in a list: title, 文号, issuing body, date, validity and interpretation kinds. */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { PolicyPublicRow } from '@shared/policies';
import { PAGES } from '../../routes';
import { formatDate } from '../../utils/format';
import { ToneTag } from '../tone-tag';
import { ValidityTag } from '../validity-tag';

/** A tappable card opening the policy's detail. */
export function PolicyRow({ policy }: { policy: PolicyPublicRow }) {
  return (
    <View className='card' role='link' data-policy-id={policy.id} onClick={() => void Taro.navigateTo({ url: PAGES.policyDetail(policy.id) })}>
      <Text className='card__title'>{policy.title}</Text>
      <View className='card__meta'>
        <ValidityTag validity={policy.validity} />
        {policy.interpretationKinds.map((k) => (
          <ToneTag key={k.kind} tone='blue'>
            {k.label}
          </ToneTag>
        ))}
      </View>
      <View className='card__meta'>
        {policy.documentNumber ? <Text>{policy.documentNumber}</Text> : null}
        <Text>{policy.issuingBody}</Text>
        <Text>{formatDate(policy.publishedAt)}</Text>
      </View>
    </View>
  );
}
