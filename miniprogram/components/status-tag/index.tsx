/**
 * The state of a case (letter, error report, consultation, an opinion's adoption) as a tag, with
 * 已超期 beside it when the server derived that the current step is past its deadline.
 */
import { ToneTag, type TagTone } from '../tone-tag';

/** How a state reads: in progress, done, partly done, refused, or neutral. */
export type StatusTone = 'progress' | 'done' | 'partial' | 'refused' | 'neutral';

const TONE_HUE: Record<StatusTone, TagTone> = {
  progress: 'blue',
  done: 'green',
  partial: 'amber',
  refused: 'red',
  neutral: 'grey',
};

/** `label` comes from the server (`statusLabel`, `resultLabel`), so the wording is the same everywhere. */
export function StatusTag({ label, tone, overdue = false, className }: { label: string; tone: StatusTone; overdue?: boolean; className?: string }) {
  return (
    <>
      <ToneTag tone={TONE_HUE[tone]} className={`status-tag status-tag--${tone}${className ? ` ${className}` : ''}`}>
        {label}
      </ToneTag>
      {overdue ? (
        <ToneTag tone='red' solid className='status-tag status-tag__overdue'>
          已超期
        </ToneTag>
      ) : null}
    </>
  );
}
