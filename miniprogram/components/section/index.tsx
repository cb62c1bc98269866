/** A white card with an optional title: the building block of detail pages. */
import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import './index.scss';

/** A titled card. */
export function Section({ title, extra, children }: { title?: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <View className='sec'>
      {title ? (
        <View className='sec__head'>
          <Text className='sec__title'>{title}</Text>
          {extra}
        </View>
      ) : null}
      {children}
    </View>
  );
}
