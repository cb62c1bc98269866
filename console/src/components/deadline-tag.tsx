/**
 * The current step's deadline with the working days left, coloured: red when overdue, orange when
 * due today or within 2 working days, blue otherwise (the API counts the days; see shared/letters).
 */
import { Tag, Tooltip } from 'antd';
import type { z } from 'zod';
import type { LetterCurrentDeadlineViewSchema } from '../../../shared/letters';

type CurrentDeadline = z.infer<typeof LetterCurrentDeadlineViewSchema>;

/** How many working days count as 即将到期 (the "due within 2 working days"). */
export const DUE_SOON_DAYS = 2;

const STEP_LABELS = { accept: '受理', reply: '答复' } as const;

/** The tag text and colour for a deadline. */
function describe(deadline: CurrentDeadline): { text: string; color: string } {
  const days = deadline.workingDaysLeft;
  if (days < 0) return { text: `已超期 ${-days} 个工作日`, color: 'red' };
  if (days === 0) return { text: '今日到期', color: 'orange' };
  if (days <= DUE_SOON_DAYS) return { text: `剩 ${days} 个工作日`, color: 'orange' };
  return { text: `剩 ${days} 个工作日`, color: 'blue' };
}

/** antd's orange tag text is too light on its background (WCAG AA); a darker orange of the same hue. */
export const ORANGE_TEXT = { color: '#873800' };

/** A deadline cell: due date and the coloured days-left tag; a dash for closed letters. */
export function DeadlineTag({ deadline }: { deadline: CurrentDeadline | null }) {
  if (!deadline) return <span aria-label="无期限">—</span>;
  const { text, color } = describe(deadline);
  return (
    <Tooltip title={`${STEP_LABELS[deadline.step]}期限：${deadline.dueDate}`}>
      <Tag color={color} style={color === 'orange' ? ORANGE_TEXT : undefined} data-testid="deadline-tag">
        {STEP_LABELS[deadline.step]} {deadline.dueDate} · {text}
      </Tag>
    </Tooltip>
  );
}
