/**
 * The public version of a letter (公开前审核, ADR 090): the subject, content, reply (and, after a
 * follow-up, the follow-up and its reply) exactly as the public will read them. The office sees
 * the masked proposal beside the original, edits it where the patterns missed something, and
 * confirms it; only confirmed texts are ever listed, shown or searched publicly. The originals are
 * never changed by it.
 *
 * A version covers the replies sent when it was confirmed (`rounds`). A later reply (the answer to
 * a follow-up) makes it `outdated`: the confirmed texts stay public, and the new round shows only
 * once the office confirms the version again.
 */
import { namesIn, maskFreeText } from '../../lib/masking';
import type { LetterPublicVersionState } from '../../../../shared/letters';
import type { LetterDoc, LetterPublicVersionDoc } from './letter.model';

/** The texts of a public version. */
interface PublicTexts {
  subject: string;
  content: string;
  reply: string;
  followUp: { content: string; reply: string } | null;
}

/** The letter's own texts: the first reply, and the follow-up with the second reply when there is one. */
export function originalTexts(l: Pick<LetterDoc, 'subject' | 'content' | 'replies' | 'followUp'>): PublicTexts {
  const second = l.replies[1];
  return {
    subject: l.subject,
    content: l.content,
    reply: l.replies[0]?.content ?? '',
    followUp: l.followUp && second ? { content: l.followUp.content, reply: second.content } : null,
  };
}

/**
 * Names the letter gives away: the contact name and every name the writer's own words introduce
 * (我叫…, 姓名：…, …先生). Replies are masked with them too, so a reply opening `张建国同志：`
 * cannot reveal the name masked in the letter above it.
 */
function namesOfLetter(l: Pick<LetterDoc, 'subject' | 'content' | 'followUp' | 'contactName'>): string[] {
  return [...(l.contactName ? [l.contactName] : []), ...namesIn(l.subject), ...namesIn(l.content), ...(l.followUp ? namesIn(l.followUp.content) : [])];
}

/** The originals with personal data masked: the proposal the office starts from. */
export function maskedTexts(l: Pick<LetterDoc, 'subject' | 'content' | 'replies' | 'followUp' | 'contactName'>): PublicTexts {
  const original = originalTexts(l);
  const names = namesOfLetter(l);
  const mask = (s: string) => maskFreeText(s, names);
  return {
    subject: mask(original.subject),
    content: mask(original.content),
    reply: mask(original.reply),
    followUp: original.followUp ? { content: mask(original.followUp.content), reply: mask(original.followUp.reply) } : null,
  };
}

/** Whether the confirmed version (if any) covers every reply sent. */
export function publicVersionState(l: Pick<LetterDoc, 'replies' | 'publicVersion'>): LetterPublicVersionState {
  if (!l.publicVersion) return 'not_confirmed';
  return l.publicVersion.rounds < l.replies.length ? 'outdated' : 'confirmed';
}

const confirmed = (pv: LetterPublicVersionDoc): PublicTexts => ({
  subject: pv.subject,
  content: pv.content,
  reply: pv.reply,
  followUp: pv.followUp ? { content: pv.followUp.content, reply: pv.followUp.reply } : null,
});

/**
 * What the office is shown to confirm: the confirmed texts, else the masked proposal; for an
 * outdated version the confirmed texts with the proposal for the round they do not cover.
 */
export function currentPublicTexts(l: LetterDoc): PublicTexts {
  const state = publicVersionState(l);
  if (state === 'not_confirmed' || !l.publicVersion) return maskedTexts(l);
  const texts = confirmed(l.publicVersion);
  if (state === 'outdated' && !texts.followUp) texts.followUp = maskedTexts(l).followUp;
  return texts;
}

/** The confirmed texts the public sees (callers list only letters that have a version). */
export function confirmedTexts(l: Pick<LetterDoc, 'publicVersion'>): PublicTexts | null {
  return l.publicVersion ? confirmed(l.publicVersion) : null;
}
