/**
 * 意见征集 · 详情: the draft (征求意见稿) and its notes, then the survey while the consultation is
 * open. The form is built from the consultation's questions and checked with the SAME validator
 * the server uses (`buildAnswersSchema`), each message under its question. One response per
 * person: after submitting (or when the server says `already_responded`) the page shows 已参与.
 */
import { useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { buildAnswersSchema, QUESTION_TYPE_LABELS, type AnswerInput, type ConsultationPublicView, type Question } from '@shared/consultations';
import { fetchConsultation, submitConsultationResponse } from '../../../../api/consultations';
import { toApiError } from '../../../../api/request';
import { AttachmentList } from '../../../../components/attachment-list';
import { ErrorContainer } from '../../../../components/error-container';
import { toastError } from '../../../../components/error-container/present';
import { FormField } from '../../../../components/form-field';
import { OptionList } from '../../../../components/option-list';
import { RatingInput } from '../../../../components/rating-input';
import { RichContent } from '../../../../components/rich-content';
import { Section } from '../../../../components/section';
import { StatusTag } from '../../../../components/status-tag';
import { useRemote } from '../../../../hooks/use-remote';
import { loadById, useRouteId } from '../../../../hooks/use-route-id';
import { PAGES } from '../../../../routes';
import { fieldErrors, type FieldErrors, handleSubmitFailure, hasErrors, scrollToFirstError } from '../../../../utils/form-errors';
import { formatDate, formatDateTime } from '../../../../utils/format';
import { CONSULTATION_TONE } from '../../../../utils/status';
import { requestSubscriptions } from '../../../../utils/subscribe';
import './index.scss';

/** What the citizen has entered per question id (0 = no rating chosen). */
type AnswerValues = Record<string, string | string[] | number>;

/** The request's answers: questions left empty are left out (the validator decides if that is allowed). */
function toAnswers(questions: readonly Question[], values: AnswerValues): AnswerInput[] {
  const out: AnswerInput[] = [];
  for (const q of questions) {
    const v = values[q.id];
    if (v === undefined) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'number' && v === 0) continue;
    out.push({ questionId: q.id, value: v });
  }
  return out;
}

export default function ConsultationDetailPage() {
  const id = useRouteId();
  const consultation = useRemote(() => loadById(id, fetchConsultation), [id]);
  usePullDownRefresh(() => {
    void consultation.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const c = consultation.data;

  return (
    <View className='page cd'>
      <ErrorContainer loading={consultation.loading} error={consultation.error} onRetry={() => void consultation.reload()} hasData={c !== null}>
        {c ? <ConsultationView consultation={c} reload={consultation.reload} /> : null}
      </ErrorContainer>
    </View>
  );
}

function ConsultationView({ consultation: c, reload }: { consultation: ConsultationPublicView; reload: () => Promise<void> }) {
  // Set right after a successful submit, before the reload confirms it.
  const [justSubmitted, setJustSubmitted] = useState<{ at: string; underReview: number } | null>(null);
  const responded = justSubmitted !== null || c.myResponse?.submitted === true;
  const respondedAt = justSubmitted?.at ?? c.myResponse?.submittedAt ?? null;

  return (
    <>
      <View className='cd__head'>
        <View className='card__meta cd__meta'>
          <StatusTag label={c.phaseLabel} tone={CONSULTATION_TONE[c.phase]} />
          <Text>{c.departmentName}</Text>
        </View>
        <Text className='cd__title'>{c.title}</Text>
        <Text className='cd__line'>
          征集时间：{formatDateTime(c.startAt)} 至 {formatDateTime(c.endAt)}
        </Text>
        {c.phase === 'open' && c.daysLeft !== null ? <Text className='cd__left'>{c.daysLeft === 0 ? '今天截止' : `剩余${c.daysLeft}天`}</Text> : null}
        <Text className='cd__line muted'>征集期限规则：{c.minDurationRuleLabel}</Text>
        {c.summary ? <Text className='cd__summary'>{c.summary}</Text> : null}
      </View>

      <Section title='征求意见稿'>
        <RichContent html={c.draftHtml} />
      </Section>
      {c.basisHtml ? (
        <Section title='起草说明'>
          <RichContent html={c.basisHtml} />
        </Section>
      ) : null}
      {c.attachments.length > 0 ? (
        <Section>
          <AttachmentList items={c.attachments} />
        </Section>
      ) : null}

      {c.phase === 'open' && responded ? (
        <Section title='参与征集'>
          <View className='cd__done' role='status' data-testid='already-responded'>
            <Text className='cd__done-title'>已参与</Text>
            <Text className='cd__done-text'>
              您已于{formatDateTime(respondedAt)}提交意见，每人只能提交一次。征集结束后1个月内公布采纳情况，届时将通过“消息”通知您。
            </Text>
            {justSubmitted && justSubmitted.underReview > 0 ? <Text className='cd__done-text'>您的文字意见正在进行内容审核，审核通过后方可被公开引用。</Text> : null}
            <View className='cd__link' role='link' onClick={() => void Taro.navigateTo({ url: PAGES.myResponses })}>
              <Text>查看我的意见</Text>
            </View>
          </View>
        </Section>
      ) : null}
      {c.phase === 'open' && !responded ? (
        <SurveyForm consultation={c} onSubmitted={(at, underReview) => {
          setJustSubmitted({ at, underReview });
          void reload();
        }} onAlreadyResponded={() => void reload()} />
      ) : null}
      {c.phase === 'upcoming' ? (
        <Section title='参与征集'>
          <Text className='muted'>征集将于{formatDateTime(c.startAt)}开始，届时可以提交意见。</Text>
        </Section>
      ) : null}
      {c.phase === 'closed' || c.phase === 'feedback_published' ? (
        <Section title='征集已结束'>
          {c.myResponse?.submitted ? <Text className='cd__line'>您已参与本次征集（{formatDateTime(c.myResponse.submittedAt)}）。</Text> : null}
          {c.phase === 'closed' && c.feedbackDueDate ? (
            <Text className='cd__line muted'>采纳情况将于{formatDate(c.feedbackDueDate)}前公布（征集结束后1个月内）。</Text>
          ) : null}
          <View className='cd__actions'>
            {c.phase === 'feedback_published' ? (
              <Button className='primary-button' type='primary' onClick={() => void Taro.navigateTo({ url: PAGES.consultationFeedback(c.id) })}>
                查看采纳情况
              </Button>
            ) : null}
            {c.showResults ? (
              <Button className='primary-button cd__second' fill='outline' onClick={() => void Taro.navigateTo({ url: PAGES.consultationResults(c.id) })}>
                查看征集结果
              </Button>
            ) : null}
          </View>
        </Section>
      ) : null}
    </>
  );
}

/** The questions as a form. */
function SurveyForm({
  consultation: c,
  onSubmitted,
  onAlreadyResponded,
}: {
  consultation: ConsultationPublicView;
  onSubmitted: (at: string, underReview: number) => void;
  onAlreadyResponded: () => void;
}) {
  const [values, setValues] = useState<AnswerValues>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const questions: readonly Question[] = c.questions;
  const schema = buildAnswersSchema(questions);
  const order = questions.map((q) => q.id);

  const check = (next: AnswerValues): FieldErrors => {
    const parsed = schema.safeParse(toAnswers(questions, next));
    return parsed.success ? {} : fieldErrors(parsed.error.issues);
  };

  const set = (qid: string, v: string | string[] | number) => {
    const next = { ...values, [qid]: v };
    setValues(next);
    if (attempted) setErrors(check(next));
  };

  const send = async (answers: AnswerInput[], subscribed: Promise<void>) => {
    setBusy(true);
    try {
      await subscribed;
      const receipt = await submitConsultationResponse(c.id, answers);
      void Taro.showToast({ title: '提交成功', icon: 'success' });
      onSubmitted(receipt.submittedAt, receipt.opinionsUnderReview);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'already_responded') {
        toastError(err);
        onAlreadyResponded();
        return;
      }
      if (await handleSubmitFailure(err, { showErrors: setErrors, order, prefix: 'answers' })) {
        await send(answers, Promise.resolve());
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = () => {
    if (busy) return;
    const answers = toAnswers(questions, values);
    const found = check(values);
    setAttempted(true);
    setErrors(found);
    if (hasErrors(found)) {
      scrollToFirstError(found, order);
      return;
    }
    // Synchronously inside the tap: WeChat refuses the subscribe dialog after an await.
    const subscribed = requestSubscriptions(['consultation_feedback']);
    void send(answers, subscribed);
  };

  if (questions.length === 0) {
    return (
      <Section title='参与征集'>
        <Text className='muted'>本次征集未设置问卷，请通过征求意见稿中公布的方式提出意见。</Text>
      </Section>
    );
  }

  return (
    <Section title='参与征集'>
      <View className='cd__survey' id='survey'>
        <Text className='cd__intro muted'>带 * 的为必答题。每人只能提交一次，提交后不能修改。</Text>
        {questions.map((q, n) => {
          const v = values[q.id];
          const label = `${n + 1}. ${q.title}`;
          return (
            <FormField
              key={q.id}
              name={q.id}
              label={label}
              required={q.required}
              error={errors[q.id]}
              counter={q.type === 'text' ? { value: typeof v === 'string' ? v : '', max: q.maxLength, min: q.minLength > 0 ? q.minLength : undefined } : undefined}
              hint={
                q.type === 'multiple' ? (
                  <Text>
                    {QUESTION_TYPE_LABELS.multiple}
                    {q.minSelect > 0 ? `，至少选${q.minSelect}项` : ''}
                    {q.maxSelect < q.options.length ? `，最多选${q.maxSelect}项` : ''}
                  </Text>
                ) : q.type === 'rating' ? (
                  <Text>1分最低，5分最高</Text>
                ) : undefined
              }
            >
              {q.type === 'single' ? (
                <OptionList label={q.title} options={q.options} multiple={false} selected={typeof v === 'string' ? [v] : []} onChange={(s) => set(q.id, s[0] ?? '')} />
              ) : null}
              {q.type === 'multiple' ? (
                <OptionList label={q.title} options={q.options} multiple selected={Array.isArray(v) ? v : []} onChange={(s) => set(q.id, s)} />
              ) : null}
              {q.type === 'text' ? (
                <Textarea
                  className='ff-textarea'
                  value={typeof v === 'string' ? v : ''}
                  maxlength={q.maxLength}
                  placeholder={q.minLength > 0 ? `请填写您的意见（${q.minLength}至${q.maxLength}个字）` : `请填写您的意见（最多${q.maxLength}个字）`}
                  aria-label={q.title}
                  onInput={(e) => set(q.id, e.detail.value)}
                />
              ) : null}
              {q.type === 'rating' ? <RatingInput label={q.title} value={typeof v === 'number' ? v : 0} onChange={(s) => set(q.id, s)} /> : null}
            </FormField>
          );
        })}
        <View className='cd__submit'>
          <Button className='primary-button' type='primary' loading={busy} disabled={busy} onClick={submit}>
            提交意见
          </Button>
        </View>
      </View>
    </Section>
  );
}
