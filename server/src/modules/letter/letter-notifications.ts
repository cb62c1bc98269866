/**
 * What the writer is told when their letter is accepted, rejected or answered: an in-app inbox
 * entry always, and a WeChat subscribe message when the template is configured
 * (WECHAT_TEMPLATE_IDS) and the writer subscribed.
 *
 * Template layouts (the field keys of the templates chosen in the mini-program console):
 * - `letter_accepted` (受理结果通知): character_string1 信件编号, thing2 信件标题, phrase3 受理结果,
 *   thing4 说明, date5 办理时间.
 * - `letter_replied` (答复通知): character_string1 信件编号, thing2 信件标题, thing3 答复单位,
 *   date4 答复时间, thing5 温馨提示.
 * Free-text fields are cut to WeChat's limits by the notification service.
 */
import { toCstDate } from '../../lib/calendar';
import type { LetterDoc } from './letter.model';

/** The mini-program page showing one of the writer's letters. */
export function letterPage(letterId: string): string {
  return `packages/mailbox/pages/detail/index?id=${letterId}`;
}

/** Input of `services.notifications.notify` (its parameter type, kept structural here). */
export interface LetterNotification {
  userId: string;
  kind: string;
  title: string;
  body: string;
  link: { type: string; id: string };
  subscribe: { template: 'letter_accepted' | 'letter_replied'; data: Record<string, string | number>; page: string };
  dedupeKey: string;
}

function base(letter: LetterDoc) {
  const id = letter._id.toHexString();
  return { userId: letter.userId.toHexString(), link: { type: 'letter', id }, id };
}

/** The letter was accepted (受理). */
export function acceptedNotification(letter: LetterDoc, now: Date, replyDueDate: string): LetterNotification {
  const { id, ...rest } = base(letter);
  return {
    ...rest,
    kind: 'letter_accepted',
    title: '您的来信已受理',
    body: `您的来信《${letter.subject}》（编号${letter.trackingNo}）已受理，我们将于${replyDueDate}前答复。`,
    subscribe: {
      template: 'letter_accepted',
      data: {
        character_string1: letter.trackingNo,
        thing2: letter.subject,
        phrase3: '已受理',
        thing4: `预计${replyDueDate}前答复`,
        date5: toCstDate(now),
      },
      page: letterPage(id),
    },
    dedupeKey: `letter:${id}:accepted`,
  };
}

/** The letter was rejected (不予受理), with the reason. */
export function rejectedNotification(letter: LetterDoc, now: Date, reason: string): LetterNotification {
  const { id, ...rest } = base(letter);
  return {
    ...rest,
    kind: 'letter_rejected',
    title: '您的来信不予受理',
    body: `您的来信《${letter.subject}》（编号${letter.trackingNo}）不予受理。理由：${reason}`,
    subscribe: {
      template: 'letter_accepted',
      data: {
        character_string1: letter.trackingNo,
        thing2: letter.subject,
        phrase3: '不予受理',
        thing4: reason,
        date5: toCstDate(now),
      },
      page: letterPage(id),
    },
    dedupeKey: `letter:${id}:rejected`,
  };
}

/** A reply was sent (round 2 answers the follow-up). */
export function repliedNotification(letter: LetterDoc, now: Date, round: number, departmentName: string | null): LetterNotification {
  const { id, ...rest } = base(letter);
  return {
    ...rest,
    kind: 'letter_replied',
    title: round > 1 ? '您的追问已答复' : '您的来信已答复',
    body: `您的来信《${letter.subject}》（编号${letter.trackingNo}）已由${departmentName ?? '相关部门'}答复，请查看并评价。`,
    subscribe: {
      template: 'letter_replied',
      data: {
        character_string1: letter.trackingNo,
        thing2: letter.subject,
        thing3: departmentName ?? '相关部门',
        date4: toCstDate(now),
        thing5: '请进入小程序查看答复并评价',
      },
      page: letterPage(id),
    },
    dedupeKey: `letter:${id}:replied:${round}`,
  };
}

/** The reply deadline was extended (延期), with the new date and the reason. */
export function extendedNotification(letter: LetterDoc, now: Date, reason: string, newDueDate: string): LetterNotification {
  const { id, ...rest } = base(letter);
  const round = letter.replies.length + 1;
  return {
    ...rest,
    kind: 'letter_extended',
    title: '您的来信答复期限已延长',
    body: `您的来信《${letter.subject}》（编号${letter.trackingNo}）答复期限延长至${newDueDate}。理由：${reason}`,
    subscribe: {
      template: 'letter_accepted',
      data: {
        character_string1: letter.trackingNo,
        thing2: letter.subject,
        phrase3: '延期答复',
        thing4: `${newDueDate}前答复：${reason}`,
        date5: toCstDate(now),
      },
      page: letterPage(id),
    },
    dedupeKey: `letter:${id}:extended:${round}`,
  };
}
