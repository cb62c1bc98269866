/** The steps a case went through, newest last (letters and error reports). */
import { Text, View } from '@tarojs/components';
import { formatDateTime } from '../../utils/format';
import './index.scss';

/** One step as shown. */
export interface TimelineStep {
  label: string;
  at: string;
  /** Who acted or which department, when known. */
  by?: string | null;
  note?: string | null;
}

/** A vertical timeline. */
export function Timeline({ steps }: { steps: readonly TimelineStep[] }) {
  return (
    <View className='tl'>
      {steps.map((s, i) => (
        <View key={`${s.at}-${i}`} className={`tl__step${i === steps.length - 1 ? ' tl__step--last' : ''}`}>
          <View className='tl__dot' />
          <View className='tl__body'>
            <View className='tl__head'>
              <Text className='tl__label'>{s.label}</Text>
              <Text className='tl__at'>{formatDateTime(s.at)}</Text>
            </View>
            {s.by ? <Text className='tl__by'>{s.by}</Text> : null}
            {s.note ? <Text className='tl__note'>{s.note}</Text> : null}
          </View>
        </View>
      ))}
    </View>
  );
}
