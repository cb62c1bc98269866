/**
 * 我的找错 · 详情: the state and the deadlines (forward within 1, reply within 3 working days of
 * the submission, each with how it was computed), the department's answer (已修复 / 不属于错误 /
 * 非本站问题), whether the report was merged with an earlier one on the same problem, the report
 * as sent with its screenshots, and the timeline. Opened with `submitted=1` right after sending,
 * it first confirms the submission with the tracking number.
 */
import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { ErrorReportResult, MyErrorReportDetail } from '@shared/error-reports';
import { fetchMyErrorReport } from '../../../../api/error-reports';
import { AttachmentList } from '../../../../components/attachment-list';
import { DeadlineExplain } from '../../../../components/deadline-explain';
import { ErrorContainer } from '../../../../components/error-container';
import { Section } from '../../../../components/section';
import { StatusTag } from '../../../../components/status-tag';
import { Timeline } from '../../../../components/timeline';
import { useRemote } from '../../../../hooks/use-remote';
import { loadById, useRouteId } from '../../../../hooks/use-route-id';
import { formatDate, formatDateTime } from '../../../../utils/format';
import { ERROR_REPORT_RESULT_TONE, ERROR_REPORT_TONE, isErrorReportOverdue } from '../../../../utils/status';
import './index.scss';

/** What each answer means for the citizen (the label itself comes from the server). */
const RESULT_TEXT: Record<ErrorReportResult, string> = {
  fixed: '网站主办单位已核实并改正了您反映的问题。',
  not_an_error: '经网站主办单位核实，您反映的内容不属于错误，网页未作修改。',
  not_our_site: '经核实，该网页不属于本级政府网站，请向该网站的主办单位反映。',
};

const copy = (data: string, title: string) => {
  void Taro.setClipboardData({ data }).then(() => Taro.showToast({ title, icon: 'none' }));
};

export default function ErrorReportDetailPage() {
  const id = useRouteId();
  const justSubmitted = useRouter().params.submitted === '1';
  const report = useRemote(() => loadById(id, fetchMyErrorReport), [id]);
  usePullDownRefresh(() => {
    void report.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const r = report.data;

  return (
    <View className='page erd'>
      <ErrorContainer loading={report.loading} error={report.error} onRetry={() => void report.reload()} hasData={r !== null}>
        {r ? <ReportView report={r} justSubmitted={justSubmitted} /> : null}
      </ErrorContainer>
    </View>
  );
}

function ReportView({ report: r, justSubmitted }: { report: MyErrorReportDetail; justSubmitted: boolean }) {
  const open = r.status === 'submitted' || r.status === 'forwarded';
  const overdue = isErrorReportOverdue(r);
  const linkedNote = r.timeline.find((e) => e.type === 'linked')?.note ?? null;

  return (
    <>
      {justSubmitted ? (
        <View className='erd__confirm' role='status' data-testid='error-report-submitted'>
          <Text className='erd__check' aria-hidden>✓</Text>
          <Text className='erd__confirm-title'>问题已提交，感谢您的反映</Text>
          <Text className='erd__confirm-label'>查询编号</Text>
          <Text className='erd__tracking' selectable>
            {r.trackingNo}
          </Text>
          <View className='erd__copy' role='button' onClick={() => copy(r.trackingNo, '编号已复制')}>
            <Text>复制编号</Text>
          </View>
          <Text className='erd__confirm-due'>
            我们将于{formatDate(r.deadlines.forward.dueDate)}前转交网站主办单位，{formatDate(r.deadlines.reply.dueDate)}前答复您。
          </Text>
        </View>
      ) : null}

      <View className='erd__head'>
        <View className='erd__row'>
          <Text className='erd__no' selectable>
            {r.trackingNo}
          </Text>
          <View className='erd__tags' data-testid='error-report-status'>
            <StatusTag label={r.statusLabel} tone={ERROR_REPORT_TONE[r.status]} overdue={overdue} />
          </View>
        </View>
        <Text className='erd__type'>{r.errorTypeLabel}</Text>
        <View className='card__meta'>
          <Text>提交于 {formatDateTime(r.submittedAt)}</Text>
          {r.departmentName ? <Text>承办：{r.departmentName}</Text> : null}
          {r.closedAt ? <Text>办结于 {formatDateTime(r.closedAt)}</Text> : null}
        </View>
      </View>

      {r.linked ? (
        <View className='erd__linked' data-testid='error-report-linked'>
          <Text className='erd__linked-title'>已与相同问题合并办理</Text>
          <Text className='erd__linked-text'>
            此前已有网友反映过同一网页的同类问题，您的反映已与其合并办理，办理进度和答复与其同步，答复后同样会通知您。
          </Text>
          {linkedNote ? <Text className='erd__linked-note'>{linkedNote}</Text> : null}
        </View>
      ) : null}

      {r.reply ? (
        <Section title='处理结果'>
          <View className='erd__reply' data-testid='error-report-reply'>
            <View className='erd__reply-head'>
              <StatusTag className={`erd__result erd__result--${r.reply.result}`} label={r.reply.resultLabel} tone={ERROR_REPORT_RESULT_TONE[r.reply.result]} />
              <Text className='muted'>{formatDateTime(r.reply.repliedAt)}</Text>
            </View>
            <Text className='erd__result-text'>{RESULT_TEXT[r.reply.result]}</Text>
            {r.reply.departmentName ? <Text className='erd__reply-by'>答复单位：{r.reply.departmentName}</Text> : null}
            <Text className='erd__text' selectable>
              {r.reply.message}
            </Text>
          </View>
        </Section>
      ) : null}

      {open ? (
        <Section title='办理期限'>
          <DeadlineExplain label='转交期限' deadline={r.deadlines.forward} />
          <DeadlineExplain label='答复期限' deadline={r.deadlines.reply} />
          {overdue ? <Text className='erd__overdue'>已超过办理期限，我们会督促尽快办理。</Text> : null}
          <Text className='erd__deadline-rule muted'>
            自提交之日起，1个工作日内转交网站主办单位，3个工作日内答复。提交当日不计，跳过周末和法定节假日，调休上班日计入。
          </Text>
        </Section>
      ) : null}

      <Section title='我反映的问题'>
        <View className='erd__field'>
          <Text className='erd__label'>出错网页</Text>
          <Text className='erd__url' selectable>
            {r.url}
          </Text>
          <View className='erd__copy-url' role='button' onClick={() => copy(r.url, '网址已复制')}>
            <Text>复制网址</Text>
          </View>
        </View>
        <View className='erd__field'>
          <Text className='erd__label'>错误类型</Text>
          <Text className='erd__value'>{r.errorTypeLabel}</Text>
        </View>
        <View className='erd__field'>
          <Text className='erd__label'>问题描述</Text>
          <Text className='erd__text erd__description' selectable>
            {r.description}
          </Text>
        </View>
        {r.contact ? (
          <View className='erd__field'>
            <Text className='erd__label'>联系方式</Text>
            <Text className='erd__value'>{r.contact}</Text>
          </View>
        ) : null}
        <View className='erd__screenshots'>
          <AttachmentList title='截图' items={r.screenshots} auth='required' />
        </View>
      </Section>

      <Section title='办理过程'>
        <Timeline steps={r.timeline.map((e) => ({ label: e.label, at: e.at, by: e.departmentName, note: e.note }))} />
      </Section>
    </>
  );
}
