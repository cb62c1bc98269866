/**
 * 主任信箱 · 写信. The form is checked with the SAME rules as the server before it is sent
 * (`LetterCreateSchema`, then `letterSubmissionIssues` with the categories and limits in force),
 * each message shown under its field; issues the server still finds are shown the same way. The
 * subscribe request is made first thing in the submit tap (WeChat only allows it there).
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, Textarea, View } from '@tarojs/components';
import { Button, Switch } from '@nutui/nutui-react-taro';
import { LetterCreateSchema, letterSubmissionIssues, type LetterCreate } from '@shared/letters';
import type { UploadView } from '@shared/uploads';
import { createLetter, fetchLetterCategories, type LetterCategories } from '../../../../api/letters';
import { ChoiceChips } from '../../../../components/choice-chips';
import { ErrorContainer } from '../../../../components/error-container';
import { FormField } from '../../../../components/form-field';
import { ImagePicker } from '../../../../components/image-picker';
import { useRemote } from '../../../../hooks/use-remote';
import { useSubmission } from '../../../../hooks/use-submission';
import { PAGES } from '../../../../routes';
import { fieldErrors, type FieldErrors, hasErrors } from '../../../../utils/form-errors';
import './index.scss';

interface FormState {
  category: string;
  subject: string;
  content: string;
  contactName: string;
  contactPhone: string;
  publicConsent: boolean;
}

const EMPTY: FormState = { category: '', subject: '', content: '', contactName: '', contactPhone: '', publicConsent: false };

/** Fields top to bottom, to scroll to the first one with an error. */
const FIELD_ORDER = ['category', 'subject', 'content', 'attachmentIds', 'contactName', 'contactPhone', 'publicConsent'] as const;

/** The request body: empty optional fields are left out, as the schema expects. */
function toInput(form: FormState, attachments: readonly UploadView[]): Record<string, unknown> {
  return {
    category: form.category,
    subject: form.subject,
    content: form.content,
    contactName: form.contactName.trim() || undefined,
    contactPhone: form.contactPhone.trim() || undefined,
    publicConsent: form.publicConsent,
    attachmentIds: attachments.length > 0 ? attachments.map((a) => a.id) : undefined,
  };
}

/** Every problem of the form, by field, with the server's own rules and messages. */
function validate(input: Record<string, unknown>, rules: LetterCategories | null): { errors: FieldErrors; data: LetterCreate | null } {
  const parsed = LetterCreateSchema.safeParse(input);
  const issues: { path: readonly PropertyKey[] | string; message: string }[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path, message: i.message }));
  if (rules) {
    const limits = rules.limits;
    issues.push(
      ...letterSubmissionIssues(
        { category: String(input.category ?? ''), subject: String(input.subject ?? '').trim(), content: String(input.content ?? '').trim() },
        { categories: rules.items, limits },
      ),
    );
    const ids = input.attachmentIds;
    if (Array.isArray(ids) && ids.length > limits.attachmentsMax) issues.push({ path: 'attachmentIds', message: `附件最多${limits.attachmentsMax}个` });
  }
  const errors = fieldErrors(issues);
  return { errors, data: parsed.success && !hasErrors(errors) ? parsed.data : null };
}

export default function LetterWritePage() {
  const rules = useRemote(fetchLetterCategories, []);
  const [form, setForm] = useState<FormState>(EMPTY);
  const [attachments, setAttachments] = useState<UploadView[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  // Before the first submit tap fields are not judged while typing; afterwards errors follow the input.
  const [attempted, setAttempted] = useState(false);
  const [uploading, setUploading] = useState(false);

  const update = (patch: Partial<FormState>) => {
    const next = { ...form, ...patch };
    setForm(next);
    if (attempted) setErrors(validate(toInput(next, attachments), rules.data).errors);
  };

  const { submit, submitting } = useSubmission<LetterCreate>({
    check: () => validate(toInput(form, attachments), rules.data),
    showErrors: (found) => {
      setAttempted(true);
      setErrors(found);
    },
    order: FIELD_ORDER,
    subscribe: ['letter_accepted', 'letter_replied'],
    // Contact details and images are personal data: consent to the 隐私保护指引 first.
    personal: (data) => Boolean(data.contactName || data.contactPhone || data.attachmentIds?.length),
    waitMessage: uploading ? '图片上传中，请稍候' : null,
    send: async (data, idempotencyKey) => {
      const created = await createLetter(data, idempotencyKey);
      void Taro.redirectTo({ url: PAGES.letterSubmitted(created.id) });
    },
  });

  const categories = rules.data?.items ?? [];
  const chosen = categories.find((c) => c.key === form.category);
  const limits = rules.data?.limits;

  return (
    <View className='page lw'>
      <ErrorContainer loading={rules.loading} error={rules.error} onRetry={() => void rules.reload()} hasData={rules.data !== null}>
        {limits ? (
          <>
            <View className='lw__intro'>
              <Text>您的来信将由县政府办公室受理并转承办部门办理。请如实填写，不要在标题和内容中填写身份证号等敏感信息。</Text>
            </View>
            <FormField
              name='category'
              label='信件类别'
              required
              error={errors.category}
              hint={
                chosen ? (
                  <View className='lw__deadline' data-testid='category-deadline'>
                    <Text className='lw__deadline-main'>{chosen.description}</Text>
                    <Text className='lw__deadline-sub'>
                      期限按工作日计算：提交当日不计，自次日起算，跳过周末和法定节假日，调休上班日计入。提交后可在“我的来信”中查看具体日期。
                    </Text>
                  </View>
                ) : (
                  <Text>选择类别后显示受理和答复期限</Text>
                )
              }
            >
              <ChoiceChips
                label='信件类别'
                choices={categories.map((c) => ({ value: c.key, label: c.name }))}
                value={form.category}
                onChange={(category) => update({ category })}
              />
            </FormField>
            <FormField name='subject' label='标题' required error={errors.subject} counter={{ value: form.subject, max: limits.subjectMax, min: limits.subjectMin }}>
              <Input
                className='ff-input'
                value={form.subject}
                maxlength={limits.subjectMax}
                placeholder={`${limits.subjectMin}至${limits.subjectMax}个字，概括您反映的问题`}
                aria-label='标题'
                onInput={(e) => update({ subject: e.detail.value })}
              />
            </FormField>
            <FormField name='content' label='内容' required error={errors.content} counter={{ value: form.content, max: limits.contentMax, min: limits.contentMin }}>
              <Textarea
                className='ff-textarea'
                value={form.content}
                maxlength={limits.contentMax}
                autoHeight
                placeholder={`请写明时间、地点和具体情况（${limits.contentMin}至${limits.contentMax}个字）`}
                aria-label='内容'
                onInput={(e) => update({ content: e.detail.value })}
              />
            </FormField>
            <FormField name='attachmentIds' label='图片（选填）' error={errors.attachmentIds} hint={<Text>最多{limits.attachmentsMax}张，仅承办人员可见。</Text>}>
              <ImagePicker value={attachments} onChange={setAttachments} max={limits.attachmentsMax} onBusyChange={setUploading} />
            </FormField>
            <FormField name='contactName' label='联系人（选填）' error={errors.contactName}>
              <Input
                className='ff-input'
                value={form.contactName}
                maxlength={limits.contactNameMax}
                placeholder='您的姓名或称呼'
                aria-label='联系人'
                onInput={(e) => update({ contactName: e.detail.value })}
              />
            </FormField>
            <FormField name='contactPhone' label='联系电话（选填）' error={errors.contactPhone} hint={<Text>仅承办人员可见，便于核实情况，不会公开。</Text>}>
              <Input
                className='ff-input'
                type='number'
                value={form.contactPhone}
                maxlength={13}
                placeholder='手机号或带区号的固定电话'
                aria-label='联系电话'
                onInput={(e) => update({ contactPhone: e.detail.value })}
              />
            </FormField>
            <FormField
              name='publicConsent'
              label='同意公开'
              error={errors.publicConsent}
              hint={
                <Text>
                  {form.publicConsent
                    ? '答复后，您的来信和答复经审核将在“公开信件”中展示，姓名、电话、证件号码、地址等个人信息会被隐去。'
                    : '不公开：来信和答复仅您本人和办理人员可见。'}
                  {rules.data && !rules.data.publicListing ? '（公开信件栏目暂未开放，同意后暂不会展示。）' : ''}
                </Text>
              }
            >
              <View className='lw__switch'>
                <Text className='lw__switch-label'>{form.publicConsent ? '同意公开' : '不公开'}</Text>
                <Switch
                  checked={form.publicConsent}
                  loadingIcon={null}
                  ariaLabel='同意公开'
                  onChange={(publicConsent: boolean) => update({ publicConsent })}
                />
              </View>
            </FormField>
            <View className='form-actions'>
              <Button className='primary-button lw__submit' type='primary' loading={submitting} disabled={submitting} onClick={submit}>
                提交信件
              </Button>
              <Text className='lw__note muted'>提交即表示您已阅读并同意《隐私保护指引》。</Text>
            </View>
          </>
        ) : null}
      </ErrorContainer>
    </View>
  );
}
