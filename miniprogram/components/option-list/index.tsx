/**
 * The options of a survey question as full-width rows (a long option wraps instead of being cut):
 * one choice (radios) or several (checkboxes).
 */
import { Text, View } from '@tarojs/components';
import './index.scss';

export interface OptionListProps {
  options: readonly string[];
  /** Selected options. */
  selected: readonly string[];
  multiple: boolean;
  onChange: (selected: string[]) => void;
  /** Read by screen readers for the group. */
  label: string;
}

/** Tappable option rows. */
export function OptionList({ options, selected, multiple, onChange, label }: OptionListProps) {
  const toggle = (o: string) => {
    if (!multiple) {
      onChange([o]);
      return;
    }
    // Keep the question's order, as the server stores it.
    const next = selected.includes(o) ? selected.filter((s) => s !== o) : [...selected, o];
    onChange(options.filter((x) => next.includes(x)));
  };
  return (
    <View className='ol' role={multiple ? 'group' : 'radiogroup'} aria-label={label}>
      {options.map((o) => {
        const on = selected.includes(o);
        return (
          <View
            key={o}
            className={`ol__row${on ? ' ol__row--on' : ''}`}
            role={multiple ? 'checkbox' : 'radio'}
            aria-checked={on}
            data-option={o}
            onClick={() => toggle(o)}
          >
            <View className={`ol__mark${multiple ? ' ol__mark--box' : ''}`}>{on ? <Text>✓</Text> : null}</View>
            <Text className='ol__text'>{o}</Text>
          </View>
        );
      })}
    </View>
  );
}
