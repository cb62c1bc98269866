/**
 * A labelled form field with its Chinese error message underneath and an optional character
 * counter (counted as people count: `charCount` from shared/text.ts, the server's own rule).
 */
import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { charCount } from '@shared/text';
import { fieldElementId } from '../../utils/form-errors';
import './index.scss';

export interface FormFieldProps {
  label: string;
  /** Marks the field required (a red asterisk; the schema decides, this only shows it). */
  required?: boolean;
  /** The message of the first issue at this field. */
  error?: string;
  /** Current text and limits for the counter. */
  counter?: { value: string; max: number; min?: number };
  /** Help under the field (e.g. the deadline of the chosen category). */
  hint?: ReactNode;
  children: ReactNode;
  /** Stable hook for tests and accessibility tools (`data-field`). */
  name: string;
}

/** One field of a form. */
export function FormField({ label, required, error, counter, hint, children, name }: FormFieldProps) {
  const count = counter ? charCount(counter.value.trim()) : 0;
  const over = counter ? count > counter.max || (counter.min !== undefined && count > 0 && count < counter.min) : false;
  return (
    <View id={fieldElementId(name)} className={`ff${error ? ' ff--error' : ''}`} data-field={name}>
      <View className='ff__head'>
        <Text className='ff__label'>
          {label}
          {required ? <Text className='ff__required' aria-label='必填'> *</Text> : null}
        </Text>
        {counter ? (
          <Text className={`ff__counter${over ? ' ff__counter--over' : ''}`} aria-label={`已输入${count}字，最多${counter.max}字`}>
            {count}/{counter.max}
          </Text>
        ) : null}
      </View>
      <View className='ff__control'>{children}</View>
      {hint ? <View className='ff__hint'>{hint}</View> : null}
      {error ? (
        <View className='ff__error' role='alert' data-field-error={name}>
          <Text>{error}</Text>
        </View>
      ) : null}
    </View>
  );
}
