/**
 * 我的来信 · 详情: the state and the current deadline, the reply (and the second one after a
 * follow-up), rating the reply 1–5, the one follow-up question after a dissatisfied rating, my
 * letter as sent, and the timeline of every step.
 */
import { useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { LETTER_LIMITS, LetterFollowUpSchema, LetterRatingSchema, type LetterCitizenView } from '@shared/letters';
import { fetchMyLetter, followUpLetter, rateLetter } from '../../../../api/letters';
import { AttachmentList } from '../../../../components/attachment-list';
import { DeadlineExplain } from '../../../../components/deadline-explain';
import { ErrorContainer } from '../../../../components/error-container';
import { FormField } from '../../../../components/form-field';
import { RatingInput } from '../../../../components/rating-input';
import { Section } from '../../../../components/section';
import { StatusTag } from '../../../../components/status-tag';
import { Timeline } from '../../../../components/timeline';
import { useRemote } from '../../../../hooks/use-remote';
import { loadById, useRouteId } from '../../../../hooks/use-route-id';
import { fieldErrors, handleSubmitFailure, type FieldErrors } from '../../../../utils/form-errors';
import { formatDateTime } from '../../../../utils/format';
import { showModal } from '../../../../utils/modal';
import { LETTER_TONE } from '../../../../utils/status';
import './index.scss';

/** What the writer is told about publication. */
const PUBLIC_STATE_TEXT: Record<LetterCitizenView['publicState'], string> = {
  not_requested: '您未同意公开：本信件仅您本人和办理人员可见。',
  pending_review: '您已同意公开：内容审核中，审核通过并答复后在“公开信件”中展示，个人信息会被隐去。',
  listed_when_replied: '您已同意公开：答复后经工作人员核对公开内容，在“公开信件”中展示，姓名、电话、证件号码、地址等个人信息会被隐去。',
  not_public: '经审核，本信件不适合公开，仅您本人和办理人员可见。',
};

const RATING_COMMENT_MAX = 200;

export default function LetterDetailPage() {
  const id = useRouteId();
  const letter = useRemote(() => loadById(id, fetchMyLetter), [id]);
  usePullDownRefresh(() => {
    void letter.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const l = letter.data;

  return (
    <View className='page ld'>
      <ErrorContainer loading={letter.loading} error={letter.error} onRetry={() => void letter.reload()} hasData={l !== null}>
        {l ? <LetterView letter={l} onChange={letter.setData} /> : null}
      </ErrorContainer>
    </View>
  );
}

function LetterView({ letter: l, onChange }: { letter: LetterCitizenView; onChange: (l: LetterCitizenView) => void }) {
  const open = l.currentDeadline !== null;
  return (
    <>
      <View className='ld__head'>
        <View className='ld__row'>
          <Text className='ld__no' selectable>
            {l.trackingNo}
          </Text>
          <View className='ld__tags' data-testid='letter-status'>
            <StatusTag label={l.statusLabel} tone={LETTER_TONE[l.status]} overdue={l.overdue} />
          </View>
        </View>
        <Text className='ld__subject'>{l.subject}</Text>
        <View className='card__meta'>
          <Text>{l.categoryName}</Text>
          <Text>提交于 {formatDateTime(l.submittedAt)}</Text>
          {l.departmentName ? <Text>承办：{l.departmentName}</Text> : null}
        </View>
      </View>

      {open && l.currentDeadline ? (
        <Section title='当前办理期限'>
          <DeadlineExplain label={l.status === 'submitted' ? '受理期限' : '答复期限'} deadline={l.currentDeadline} />
          {l.overdue ? <Text className='ld__overdue'>已超过办理期限，我们会督促承办部门尽快办理。</Text> : null}
        </Section>
      ) : null}

      {l.status === 'rejected' && l.rejectReason ? (
        <Section title='不予受理'>
          <Text className='ld__text'>{l.rejectReason}</Text>
        </Section>
      ) : null}

      {l.replies.length > 0 ? (
        <Section title='答复'>
          {l.replies.map((r) => (
            <View key={r.round} className='ld__reply' data-testid='letter-reply'>
              <View className='ld__reply-head'>
                <Text className='ld__reply-title'>{r.round > 1 ? '追问答复' : '答复内容'}</Text>
                <Text className='muted'>{formatDateTime(r.sentAt)}</Text>
              </View>
              {r.departmentName ? <Text className='ld__reply-by'>答复单位：{r.departmentName}</Text> : null}
              <Text className='ld__text' selectable>
                {r.content}
              </Text>
            </View>
          ))}
        </Section>
      ) : null}

      {l.canRate ? <RateForm letter={l} onRated={onChange} /> : null}
      {l.rating ? (
        <Section title='我的评价'>
          <RatingInput value={l.rating.score} label='我的评分' readOnly showMeaning />
          {l.rating.comment ? <Text className='ld__text'>{l.rating.comment}</Text> : null}
          <Text className='muted'>{formatDateTime(l.rating.at)}</Text>
        </Section>
      ) : null}

      {l.followUp ? (
        <Section title='我的追问'>
          <Text className='ld__text'>{l.followUp.content}</Text>
          <Text className='muted'>{formatDateTime(l.followUp.at)}</Text>
        </Section>
      ) : null}
      {l.canFollowUp ? <FollowUpForm letter={l} onSent={onChange} /> : null}

      <Section title='我的来信'>
        <Text className='ld__text' selectable>
          {l.content}
        </Text>
        {l.contactName || l.contactPhone ? (
          <Text className='ld__contact muted'>
            联系人：{l.contactName ?? '未填写'} · 电话：{l.contactPhone ?? '未填写'}
          </Text>
        ) : null}
        <AttachmentList items={l.attachments} auth='required' />
        <Text className='ld__public muted'>{PUBLIC_STATE_TEXT[l.publicState]}</Text>
      </Section>

      <Section title='办理过程'>
        <Timeline
          steps={l.timeline.map((e) => ({
            label: e.label,
            at: e.at,
            by: e.departmentName && e.departmentName !== e.by ? `${e.by} · ${e.departmentName}` : e.by,
            note: e.note,
          }))}
        />
      </Section>
    </>
  );
}

/** Rating the latest reply (once per reply). */
function RateForm({ letter, onRated }: { letter: LetterCitizenView; onRated: (l: LetterCitizenView) => void }) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const parsed = LetterRatingSchema.safeParse({ score, comment: comment.trim() || undefined });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const updated = await rateLetter(letter.id, parsed.data);
      onRated(updated);
      void Taro.showToast({ title: '感谢您的评价', icon: 'success' });
    } catch (e) {
      // Signed in just now (true): the citizen taps again, the form is still filled in.
      await handleSubmitFailure(e, { showErrors: setErrors, order: ['score', 'comment'] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title='评价答复'>
      <View className='ld__form' data-testid='rate-form'>
        <FormField name='score' label='您对答复是否满意？' required error={errors.score}>
          <RatingInput value={score} onChange={setScore} label='评分' showMeaning />
        </FormField>
        <FormField name='comment' label='评价（选填）' error={errors.comment} counter={{ value: comment, max: RATING_COMMENT_MAX }}>
          <Textarea
            className='ff-textarea ld__comment'
            value={comment}
            maxlength={RATING_COMMENT_MAX}
            placeholder='说说您的看法'
            aria-label='评价'
            onInput={(e) => setComment(e.detail.value)}
          />
        </FormField>
        <Button className='primary-button' type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
          提交评价
        </Button>
        <Text className='ld__hint muted'>评分2分及以下的，可以就答复追问一次。</Text>
      </View>
    </Section>
  );
}

/** The one follow-up question after a dissatisfied rating. */
function FollowUpForm({ letter, onSent }: { letter: LetterCitizenView; onSent: (l: LetterCitizenView) => void }) {
  const [content, setContent] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const parsed = LetterFollowUpSchema.safeParse({ content });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    const answer = await showModal({ title: '确认追问', content: '每封信件只能追问一次，确定提交吗？', confirmText: '提交' });
    if (!answer.confirm) return;
    setErrors({});
    setBusy(true);
    try {
      onSent(await followUpLetter(letter.id, parsed.data.content));
      void Taro.showToast({ title: '追问已提交', icon: 'success' });
    } catch (e) {
      // Signed in just now (true): the citizen taps again, the form is still filled in.
      await handleSubmitFailure(e, { showErrors: setErrors, order: ['content'] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title='追问'>
      <Text className='ld__hint muted'>对答复不满意，可以追问一次，承办部门将再次答复。</Text>
      <FormField
        name='content'
        label='追问内容'
        required
        error={errors.content}
        counter={{ value: content, max: LETTER_LIMITS.followUpMax, min: LETTER_LIMITS.followUpMin }}
      >
        <Textarea
          className='ff-textarea'
          value={content}
          maxlength={LETTER_LIMITS.followUpMax}
          placeholder={`请说明对答复哪些方面不满意（${LETTER_LIMITS.followUpMin}至${LETTER_LIMITS.followUpMax}个字）`}
          aria-label='追问内容'
          onInput={(e) => setContent(e.detail.value)}
        />
      </FormField>
      <Button className='primary-button' type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
        提交追问
      </Button>
    </Section>
  );
}
