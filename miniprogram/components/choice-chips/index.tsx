/**
 * A small set of mutually exclusive choices shown as chips (letter categories, error types). On a
 * phone every option is visible and one tap away, where a wheel picker hides them behind a popup.
 * Exposed as a radio group for screen readers.
 */
import { Text, View } from '@tarojs/components';
import './index.scss';

/** One choice. */
export interface Choice<V extends string> {
  value: V;
  label: string;
}

export interface ChoiceChipsProps<V extends string> {
  choices: readonly Choice<V>[];
  value: V | '';
  onChange: (value: V) => void;
  /** Read by screen readers for the group. */
  label: string;
  disabled?: boolean;
}

/** Chips with one selected. */
export function ChoiceChips<V extends string>({ choices, value, onChange, label, disabled }: ChoiceChipsProps<V>) {
  return (
    <View className='chips' role='radiogroup' aria-label={label}>
      {choices.map((c) => {
        const on = c.value === value;
        return (
          <View
            key={c.value}
            className={`chips__item${on ? ' chips__item--on' : ''}`}
            role='radio'
            aria-checked={on}
            aria-disabled={disabled}
            data-value={c.value}
            onClick={() => {
              if (!disabled) onChange(c.value);
            }}
          >
            <Text>{c.label}</Text>
          </View>
        );
      })}
    </View>
  );
}
