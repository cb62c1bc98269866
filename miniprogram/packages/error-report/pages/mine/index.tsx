/** 我的找错: my error reports, newest first, with their state and the reply deadline or result; pull to refresh, scroll for more. */
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef } from 'react';
import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { z } from 'zod';
import { ERROR_REPORT_RESULT_LABELS, type MyErrorReportSummarySchema } from '@shared/error-reports';
import { fetchMyErrorReports, type MyErrorReportPage } from '../../../../api/error-reports';
import { ErrorContainer } from '../../../../components/error-container';
import { ListFooter } from '../../../../components/list-footer';
import { StatusTag } from '../../../../components/status-tag';
import { useCursorList } from '../../../../hooks/use-cursor-list';
import { PAGES } from '../../../../routes';
import { formatDate, formatDateTime } from '../../../../utils/format';
import { ERROR_REPORT_TONE, isErrorReportOverdue } from '../../../../utils/status';
import './index.scss';

type MyErrorReportSummary = z.infer<typeof MyErrorReportSummarySchema>;

export default function MyErrorReportsPage() {
  const list = useCursorList<MyErrorReportSummary, MyErrorReportPage>((cursor) => fetchMyErrorReports(cursor), []);
  // Coming back from a detail shows the current state without a manual refresh.
  const shown = useRef(false);
  useDidShow(() => {
    if (shown.current) void list.reload();
    shown.current = true;
  });

  return (
    <View className='page erm'>
      <ErrorContainer loading={list.loading} error={list.error} onRetry={() => void list.reload()} hasData={list.items.length > 0}>
        {list.items.map((r) => {
          const open = r.status === 'submitted' || r.status === 'forwarded';
          return (
            <View
              key={r.id}
              className='card erm__item'
              role='link'
              data-report-id={r.id}
              onClick={() => void Taro.navigateTo({ url: PAGES.errorReportDetail(r.id) })}
            >
              <View className='erm__head'>
                <Text className='erm__no'>{r.trackingNo}</Text>
                <View className='erm__tags'>
                  <StatusTag label={r.statusLabel} tone={ERROR_REPORT_TONE[r.status]} overdue={isErrorReportOverdue(r)} />
                </View>
              </View>
              <Text className='card__title erm__type'>{r.errorTypeLabel}</Text>
              <Text className='erm__url'>{r.url}</Text>
              <View className='card__meta'>
                <Text>提交于 {formatDateTime(r.submittedAt)}</Text>
              </View>
              {r.result ? <Text className={`erm__result erm__result--${r.result}`}>处理结果：{ERROR_REPORT_RESULT_LABELS[r.result]}</Text> : null}
              {!r.result && open ? <Text className='erm__due'>答复期限：{formatDate(r.replyDueAt)}前</Text> : null}
            </View>
          );
        })}
        <ListFooter list={list} emptyText='您还没有反映过网站问题' />
        {list.items.length === 0 && !list.hasMore ? (
          <View className='form-actions'>
            <Button className='primary-button erm__write' type='primary' onClick={() => void Taro.navigateTo({ url: PAGES.errorReportWrite })}>
              我要找错
            </Button>
          </View>
        ) : null}
      </ErrorContainer>
    </View>
  );
}
