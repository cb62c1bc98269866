/**
 * A 1–5 score as five large stars (each a 44 pt touch target), exposed as a radio group whose
 * options read "1分" … "5分". Used for rating a letter's reply and for rating survey questions.
 */
import { Text, View } from '@tarojs/components';
import './index.scss';

/** What each score means, shown beside the stars. */
export const SCORE_LABELS: Record<number, string> = { 1: '很不满意', 2: '不满意', 3: '基本满意', 4: '满意', 5: '非常满意' };

export interface RatingInputProps {
  /** 0 = nothing chosen. */
  value: number;
  onChange?: (score: number) => void;
  /** Read by screen readers for the group. */
  label: string;
  /** Show the meaning of the score ("满意"); survey ratings are plain 1–5. */
  showMeaning?: boolean;
  readOnly?: boolean;
  max?: number;
}

/** Five tappable stars. */
export function RatingInput({ value, onChange, label, showMeaning = false, readOnly = false, max = 5 }: RatingInputProps) {
  const scores = Array.from({ length: max }, (_, i) => i + 1);
  return (
    <View className={`rating${readOnly ? ' rating--readonly' : ''}`} role={readOnly ? 'img' : 'radiogroup'} aria-label={readOnly ? `${label}：${value}分` : label}>
      {scores.map((s) => (
        <View
          key={s}
          className={`rating__star${s <= value ? ' rating__star--on' : ''}`}
          role={readOnly ? undefined : 'radio'}
          aria-checked={readOnly ? undefined : s === value}
          aria-label={`${s}分`}
          data-score={s}
          onClick={() => {
            if (!readOnly && onChange) onChange(s);
          }}
        >
          <Text>★</Text>
        </View>
      ))}
      {value > 0 ? <Text className='rating__text'>{showMeaning ? `${value}分 · ${SCORE_LABELS[value] ?? ''}` : `${value}分`}</Text> : null}
    </View>
  );
}
