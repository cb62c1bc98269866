/**
 * 我为政府网站找错 queue: filters above an antd Table (state, error type, overdue, text, duplicates
 * hidden), the forward and reply deadlines, and the API's cursor pagination.
 */
import { SearchOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Form, Input, Select, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import {
  ERROR_REPORT_STATUSES,
  ERROR_REPORT_STATUS_LABELS,
  ERROR_REPORT_TYPES,
  ERROR_REPORT_TYPE_LABELS,
  type ErrorReportStatus,
  type ErrorReportType,
} from '../../../../shared/error-reports';
import { listErrorReports, type ErrorReportQueueFilters } from '../../api/endpoints';
import { CursorTable, useCursorPages } from '../../components/cursor-table';

const PAGE_SIZE = 20;
const fmt = (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm');

type Row = Awaited<ReturnType<typeof listErrorReports>>['items'][number];

function filtersOf(params: URLSearchParams): ErrorReportQueueFilters {
  const status = params.get('status');
  const errorType = params.get('errorType');
  return {
    status: status && (ERROR_REPORT_STATUSES as readonly string[]).includes(status) ? (status as ErrorReportStatus) : undefined,
    errorType: errorType && (ERROR_REPORT_TYPES as readonly string[]).includes(errorType) ? (errorType as ErrorReportType) : undefined,
    overdue: params.get('overdue') === 'true' ? 'true' : undefined,
    q: params.get('q') ?? undefined,
    primaryOnly: params.get('primaryOnly') === 'true' ? true : undefined,
  };
}

type FormValues = { status?: string; errorType?: string; overdue?: boolean; q?: string; primaryOnly?: boolean };

/** A deadline cell: the due time, red once missed while the step is still open. */
function Due({ at, overdue, done }: { at: string; overdue: boolean; done: string | null }) {
  if (done) return <Typography.Text>{fmt(at)}</Typography.Text>;
  return <Tag color={overdue ? 'red' : 'blue'}>{overdue ? `已超期 · ${fmt(at)}` : fmt(at)}</Tag>;
}

/** The 找错 queue page. */
export function ErrorReportListPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const pages = useCursorPages<Row>(['error-reports', filters], (cursor) => listErrorReports({ ...filters, cursor }, PAGE_SIZE));

  const apply = (values: FormValues) => {
    const next = new URLSearchParams();
    if (values.status) next.set('status', values.status);
    if (values.errorType) next.set('errorType', values.errorType);
    if (values.overdue) next.set('overdue', 'true');
    if (values.q?.trim()) next.set('q', values.q.trim());
    if (values.primaryOnly) next.set('primaryOnly', 'true');
    pages.restart();
    setParams(next);
  };

  const columns = [
    { title: '编号', dataIndex: 'trackingNo', key: 'trackingNo', width: 150 },
    {
      title: '网址',
      dataIndex: 'url',
      key: 'url',
      ellipsis: true,
      render: (url: string, row: Row) => (
        <Space>
          <Link to={`/error-reports/${row.id}`}>{url}</Link>
          {row.duplicateOf && <Tag>重复</Tag>}
          {row.duplicateCount > 0 && <Tag color="purple">{row.duplicateCount} 条重复</Tag>}
        </Space>
      ),
    },
    { title: '错误类型', dataIndex: 'errorTypeLabel', key: 'errorType', width: 110 },
    { title: '状态', dataIndex: 'statusLabel', key: 'status', width: 90, render: (label: string) => <Tag>{label}</Tag> },
    { title: '承办部门', dataIndex: 'departmentName', key: 'department', width: 150, render: (name: string | null) => name ?? '—' },
    { title: '转办期限', key: 'forwardDue', width: 190, render: (_: unknown, r: Row) => <Due at={r.forwardDueAt} overdue={r.overdue.forward} done={r.forwardedAt} /> },
    { title: '答复期限', key: 'replyDue', width: 190, render: (_: unknown, r: Row) => <Due at={r.replyDueAt} overdue={r.overdue.reply} done={r.repliedAt} /> },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        我为政府网站找错
      </Typography.Title>
      <Card size="small">
        <Form
          layout="inline"
          key={params.toString()}
          initialValues={{ ...filters, overdue: filters.overdue === 'true' }}
          onFinish={apply}
          aria-label="筛选找错留言"
        >
          <Form.Item label="状态" name="status">
            <Select allowClear placeholder="全部" style={{ width: 110 }} options={ERROR_REPORT_STATUSES.map((s) => ({ value: s, label: ERROR_REPORT_STATUS_LABELS[s] }))} />
          </Form.Item>
          <Form.Item label="错误类型" name="errorType">
            <Select allowClear placeholder="全部" style={{ width: 140 }} options={ERROR_REPORT_TYPES.map((t) => ({ value: t, label: ERROR_REPORT_TYPE_LABELS[t] }))} />
          </Form.Item>
          <Form.Item name="overdue" valuePropName="checked">
            <Checkbox>只看超期</Checkbox>
          </Form.Item>
          <Form.Item name="primaryOnly" valuePropName="checked">
            <Checkbox>隐藏重复</Checkbox>
          </Form.Item>
          <Form.Item label="关键词" name="q">
            <Input placeholder="网址或描述" allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                查询
              </Button>
              <Button onClick={() => apply({})}>重置</Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <CursorTable<Row> pages={pages} columns={columns} />
    </Space>
  );
}
