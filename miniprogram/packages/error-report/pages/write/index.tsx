/**
 * 我为政府网站找错 · 我要找错. The form is checked with the SAME rules as the server before it is
 * sent (`ErrorReportCreateSchema`, whose URL rule is `errorReportUrlProblem`, plus this
 * deployment's description bounds from `GET /api/error-reports/options` — the defaults until they
 * arrive, so the form never waits for them), each message shown under its field; issues the server
 * still finds are shown the same way. Screenshots are uploaded
 * as they are chosen (`POST /api/uploads`, field `file`) and sent as ids. The subscribe request
 * is made first thing in the submit tap (WeChat only allows it there).
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, Textarea, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import {
  ErrorReportCreateSchema,
  errorReportDescriptionSchema,
  errorReportFormOptions,
  errorReportUrlProblem,
  type ErrorReportCreate,
  type ErrorReportFormOptions,
  type ErrorReportType,
} from '@shared/error-reports';
import type { UploadView } from '@shared/uploads';
import { createErrorReport, fetchErrorReportOptions } from '../../../../api/error-reports';
import { ChoiceChips } from '../../../../components/choice-chips';
import { FormField } from '../../../../components/form-field';
import { ImagePicker } from '../../../../components/image-picker';
import { useRemote } from '../../../../hooks/use-remote';
import { useSubmission } from '../../../../hooks/use-submission';
import { PAGES } from '../../../../routes';
import { fieldErrors, type FieldErrors, hasErrors } from '../../../../utils/form-errors';
import './index.scss';

interface FormState {
  url: string;
  errorType: ErrorReportType | '';
  description: string;
  contact: string;
}

const EMPTY: FormState = { url: '', errorType: '', description: '', contact: '' };

/** Fields top to bottom, to scroll to the first one with an error. */
const FIELD_ORDER = ['url', 'errorType', 'description', 'screenshotIds', 'contact'] as const;

/** What the form uses until the server's options arrive (or if they cannot be loaded): the defaults. */
const DEFAULT_OPTIONS: ErrorReportFormOptions = errorReportFormOptions();

/** The request body: empty optional fields are left out, as the schema expects. */
function toInput(form: FormState, screenshots: readonly UploadView[]): Record<string, unknown> {
  return {
    url: form.url,
    errorType: form.errorType,
    description: form.description,
    screenshotIds: screenshots.length > 0 ? screenshots.map((s) => s.id) : undefined,
    contact: form.contact.trim() || undefined,
  };
}

/** Every problem of the form, by field, with the server's own rules and messages. */
function validate(input: Record<string, unknown>, limits: ErrorReportFormOptions['limits']): { errors: FieldErrors; data: ErrorReportCreate | null } {
  const parsed = ErrorReportCreateSchema.safeParse(input);
  const issues: { path: readonly PropertyKey[] | string; message: string }[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path, message: i.message }));
  const description = errorReportDescriptionSchema(limits.descriptionMin, limits.descriptionMax).safeParse(input.description);
  if (!description.success) issues.push(...description.error.issues.map((i) => ({ path: 'description', message: i.message })));
  const errors = fieldErrors(issues);
  return { errors, data: parsed.success && !hasErrors(errors) ? parsed.data : null };
}

export default function ErrorReportWritePage() {
  const remoteOptions = useRemote(fetchErrorReportOptions, []);
  const options = remoteOptions.data ?? DEFAULT_OPTIONS;
  const { descriptionMin, descriptionMax, screenshotsMax, contactMax, urlMax } = options.limits;
  const typeChoices = options.types.map((t) => ({ value: t.key, label: t.label }));
  const [form, setForm] = useState<FormState>(EMPTY);
  const [screenshots, setScreenshots] = useState<UploadView[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  // Before the first submit tap fields are not judged while typing; afterwards errors follow the input.
  const [attempted, setAttempted] = useState(false);
  const [uploading, setUploading] = useState(false);

  const update = (patch: Partial<FormState>) => {
    const next = { ...form, ...patch };
    setForm(next);
    if (attempted) setErrors(validate(toInput(next, screenshots), options.limits).errors);
  };

  const changeScreenshots = (next: UploadView[]) => {
    setScreenshots(next);
    if (attempted) setErrors(validate(toInput(form, next), options.limits).errors);
  };

  /** A pasted URL is checked as soon as the field is left, before the rest is filled in. */
  const checkUrl = (value: string) => {
    const url = value.trim();
    if (url === '' && !attempted) return;
    const problem = errorReportUrlProblem(url);
    setErrors((prev) => {
      const next = { ...prev };
      if (problem) next.url = problem;
      else delete next.url;
      return next;
    });
  };

  const { submit, submitting } = useSubmission<ErrorReportCreate>({
    check: () => validate(toInput(form, screenshots), options.limits),
    showErrors: (found) => {
      setAttempted(true);
      setErrors(found);
    },
    order: FIELD_ORDER,
    subscribe: ['error_report_replied'],
    // A contact and screenshots are personal data: consent to the 隐私保护指引 first.
    personal: (data) => Boolean(data.contact || data.screenshotIds?.length),
    waitMessage: uploading ? '截图上传中，请稍候' : null,
    send: async (data, idempotencyKey) => {
      const created = await createErrorReport(data, idempotencyKey);
      void Taro.redirectTo({ url: PAGES.errorReportDetail(created.id, { submitted: true }) });
    },
  });

  return (
    <View className='page erw'>
      <View className='erw__intro'>
        <Text className='erw__intro-text'>
          发现政府网站有错别字、链接打不开、内容长期未更新等问题，请告诉我们。我们会转交网站主办单位核实处理，并把处理结果答复您。
        </Text>
        <View className='erw__deadlines' data-testid='error-report-deadlines'>
          <View className='erw__deadline'>
            <Text className='erw__deadline-days'>{options.deadlines.forwardWorkingDays}个工作日内</Text>
            <Text className='erw__deadline-what'>转交网站主办单位</Text>
          </View>
          <View className='erw__deadline'>
            <Text className='erw__deadline-days'>{options.deadlines.replyWorkingDays}个工作日内</Text>
            <Text className='erw__deadline-what'>答复处理结果</Text>
          </View>
        </View>
        <Text className='erw__deadline-rule'>
          两个期限均自提交之日起按工作日计算：提交当日不计，自次日起算，跳过周末和法定节假日，调休上班日计入。提交后可查看具体日期。
        </Text>
      </View>

      <FormField
        name='url'
        label='出错网页网址'
        required
        error={errors.url}
        hint={<Text>请从浏览器地址栏复制出错网页的完整网址，以 http:// 或 https:// 开头。</Text>}
      >
        <Input
          className='ff-input erw__url'
          type='text'
          value={form.url}
          maxlength={urlMax}
          placeholder='https://'
          aria-label='出错网页网址'
          onInput={(e) => update({ url: e.detail.value })}
          onBlur={(e) => checkUrl(e.detail.value)}
        />
      </FormField>
      <FormField name='errorType' label='错误类型' required error={errors.errorType}>
        <ChoiceChips label='错误类型' choices={typeChoices} value={form.errorType} onChange={(errorType) => update({ errorType })} />
      </FormField>
      <FormField name='description' label='问题描述' required error={errors.description} counter={{ value: form.description, max: descriptionMax, min: descriptionMin }}>
        <Textarea
          className='ff-textarea erw__description'
          value={form.description}
          maxlength={descriptionMax}
          autoHeight
          placeholder={`请说明错误在网页的哪个位置、错在哪里（${descriptionMin}至${descriptionMax}个字）`}
          aria-label='问题描述'
          onInput={(e) => update({ description: e.detail.value })}
        />
      </FormField>
      <FormField name='screenshotIds' label='截图（选填）' error={errors.screenshotIds} hint={<Text>最多{screenshotsMax}张，仅办理人员可见。</Text>}>
        <ImagePicker value={screenshots} onChange={changeScreenshots} max={screenshotsMax} addLabel='添加截图' onBusyChange={setUploading} />
      </FormField>
      <FormField name='contact' label='联系方式（选填）' error={errors.contact} hint={<Text>仅办理人员可见，便于核实问题，不会公开。</Text>}>
        <Input
          className='ff-input erw__contact'
          type='text'
          value={form.contact}
          maxlength={contactMax}
          placeholder='手机号、带区号的固定电话或电子邮箱'
          aria-label='联系方式'
          onInput={(e) => update({ contact: e.detail.value })}
        />
      </FormField>
      <View className='form-actions'>
        <Button className='primary-button erw__submit' type='primary' loading={submitting} disabled={submitting} onClick={submit}>
          提交
        </Button>
        <Text className='erw__note muted'>提交即表示您已阅读并同意《隐私保护指引》。答复后我们会通过“消息”通知您。</Text>
        <View className='erw__mine' role='link' onClick={() => void Taro.navigateTo({ url: PAGES.myErrorReports })}>
          <Text>查看我的找错</Text>
        </View>
      </View>
    </View>
  );
}
