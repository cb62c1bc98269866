/** The validity (效力状态) of a published policy as a coloured tag: 现行有效 / 已修改 / 已废止 / 已失效. */
import { POLICY_VALIDITY_LABELS, type PolicyValidity } from '@shared/policies';
import { ToneTag, type TagTone } from '../tone-tag';

const VALIDITY_HUE: Record<PolicyValidity, TagTone> = {
  valid: 'green',
  amended: 'amber',
  repealed: 'red',
  expired: 'grey',
};

/** Label from shared/policies.ts so the wording matches the server's `validityLabel`. */
export function ValidityTag({ validity }: { validity: PolicyValidity }) {
  return (
    <ToneTag tone={VALIDITY_HUE[validity]} className={`validity-tag validity-tag--${validity}`}>
      {POLICY_VALIDITY_LABELS[validity]}
    </ToneTag>
  );
}
