/** A working-day deadline as the citizen is shown it: the due date and how it was computed. */
import { Text, View } from '@tarojs/components';
import type { DeadlineView } from '@shared/letters';
import { formatDate } from '../../utils/format';
import './index.scss';

/** Basis notes the citizen should see (the calendar may not cover the year yet). */
const BASIS_NOTES: Record<DeadlineView['basis'], string | null> = {
  'chinese-days': null,
  override: '按本地维护的节假日安排计算。',
  'weekends-only': '该年度节假日安排尚未公布，暂按周末计算，公布后将重新计算。',
};

/** `label`: e.g. 受理期限 / 答复期限. */
export function DeadlineExplain({ label, deadline }: { label: string; deadline: DeadlineView }) {
  const note = BASIS_NOTES[deadline.basis];
  return (
    <View className='dl'>
      <View className='dl__row'>
        <Text className='dl__label'>{label}</Text>
        <Text className='dl__due'>
          {formatDate(deadline.dueDate)}前（{deadline.workingDays}个工作日）
        </Text>
      </View>
      <Text className='dl__explain'>{deadline.explanation}</Text>
      {note ? <Text className='dl__note'>{note}</Text> : null}
    </View>
  );
}
