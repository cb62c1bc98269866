/** The validity (效力状态) of a published policy as a coloured tag: 现行有效 / 已修改 / 已废止 / 已失效. */
import { Tag } from '@nutui/nutui-react-taro';
import { POLICY_VALIDITY_LABELS, type PolicyValidity } from '@shared/policies';
import './index.scss';

/**
 * Tinted background, dark text of the same hue, as StatusTag: NutUI 3 draws every `plain` tag
 * with a black border and black text whatever its `type`, so the colours are given here.
 */
const TAG_COLORS: Record<PolicyValidity, { background: string; color: string }> = {
  valid: { background: '#e6f4ec', color: '#1e7a45' },
  amended: { background: '#fdf3e1', color: '#a15c00' },
  repealed: { background: '#fdecec', color: '#c7000b' },
  expired: { background: '#f0f1f3', color: '#555555' },
};

/** Label from shared/policies.ts so the wording matches the server's `validityLabel`. */
export function ValidityTag({ validity }: { validity: PolicyValidity }) {
  const { background, color } = TAG_COLORS[validity];
  return (
    <Tag type='default' className={`validity-tag validity-tag--${validity}`} background={background} color={color}>
      {POLICY_VALIDITY_LABELS[validity]}
    </Tag>
  );
}
