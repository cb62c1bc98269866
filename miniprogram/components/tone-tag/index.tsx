/**
 * A small tinted tag: the one look of every tag in the app (states, validity, adoption results,
 * categories, interpretation kinds). NutUI 3 draws every `plain` tag with a black border and
 * black text whatever its `type`, and its solid types are loud gradients, so the colours are
 * given here and the NutUI type stays `default`, whose solid background the inline colour replaces.
 */
import type { ReactNode } from 'react';
import { Tag } from '@nutui/nutui-react-taro';
import './index.scss';

/** Hues by meaning: blue in progress / informational, green done, amber partly, red refused, grey neutral. */
export type TagTone = 'blue' | 'green' | 'amber' | 'red' | 'grey';

/** Tinted background with dark text of the same hue (contrast ≥ 4.5:1 at the tag's small size). */
const TONE_COLORS: Record<TagTone, { background: string; color: string }> = {
  blue: { background: '#e8f0fb', color: '#1a5fb4' },
  green: { background: '#e6f4ec', color: '#1e7a45' },
  amber: { background: '#fdf3e1', color: '#a15c00' },
  red: { background: '#fdecec', color: '#c7000b' },
  grey: { background: '#f0f1f3', color: '#555555' },
};

export interface ToneTagProps {
  tone: TagTone;
  /** White text on the full hue, for the one thing that must stand out (已超期). */
  solid?: boolean;
  /** Extra classes (feature hooks such as `status-tag--done`). */
  className?: string;
  children: ReactNode;
}

/** One tag. */
export function ToneTag({ tone, solid = false, className, children }: ToneTagProps) {
  const { background, color } = TONE_COLORS[tone];
  return (
    <Tag
      type='default'
      className={`tone-tag tone-tag--${tone}${solid ? ' tone-tag--solid' : ''}${className ? ` ${className}` : ''}`}
      background={solid ? color : background}
      color={solid ? '#ffffff' : color}
    >
      {children}
    </Tag>
  );
}
