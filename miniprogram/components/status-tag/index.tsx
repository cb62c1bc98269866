/**
 * The state of a case (letter, error report, consultation) as a tag, with 已超期 beside it when
 * the server derived that the current step is past its deadline.
 */
import { Tag } from '@nutui/nutui-react-taro';
import './index.scss';

/** How a state reads: in progress, done, refused, or neutral. */
export type StatusTone = 'progress' | 'done' | 'refused' | 'neutral';

/**
 * Tinted background, dark text of the same hue. NutUI's `plain` tags keep the type's gradient
 * under dark text (unreadable on our blue primary), so the colours are given here and the tag
 * type stays `default`, whose solid background the inline colour replaces.
 */
const TONE_COLORS: Record<StatusTone, { background: string; color: string }> = {
  progress: { background: '#e8f0fb', color: '#1a5fb4' },
  done: { background: '#e6f4ec', color: '#1e7a45' },
  refused: { background: '#fdecec', color: '#c7000b' },
  neutral: { background: '#f0f1f3', color: '#555555' },
};

/** `label` comes from the server (`statusLabel`), so the wording is the same everywhere. */
export function StatusTag({ label, tone, overdue = false }: { label: string; tone: StatusTone; overdue?: boolean }) {
  const { background, color } = TONE_COLORS[tone];
  return (
    <>
      <Tag type='default' className={`status-tag status-tag--${tone}`} background={background} color={color}>
        {label}
      </Tag>
      {overdue ? (
        <Tag type='default' className='status-tag status-tag__overdue' background='#c7000b' color='#ffffff'>
          已超期
        </Tag>
      ) : null}
    </>
  );
}
