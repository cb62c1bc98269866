/**
 * 主任信箱 queue: filters above an antd Table (state, category, department, overdue, due soon,
 * text), the current deadline with working days left, and the API's cursor pagination (上一页 /
 * 下一页; the cursors of earlier pages are kept to go back).
 */
import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, Select, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import { LETTER_STATUSES, LETTER_STATUS_LABELS, type LetterAdminRow, type LetterStatus } from '../../../../shared/letters';
import { listDepartments, listLetterCategories, listLetters, type LetterQueueFilters } from '../../api/endpoints';
import { CursorTable, useCursorPages } from '../../components/cursor-table';
import { DeadlineTag, DUE_SOON_DAYS } from '../../components/deadline-tag';
import { useSession } from '../../session-context';

const PAGE_SIZE = 20;

/** The filters as they live in the address bar (so a filtered queue can be bookmarked and returned to). */
function filtersOf(params: URLSearchParams): LetterQueueFilters {
  const status = params.get('status');
  const overdue = params.get('overdue');
  const dueWithin = params.get('dueWithin');
  return {
    status: status && (LETTER_STATUSES as readonly string[]).includes(status) ? (status as LetterStatus) : undefined,
    category: params.get('category') ?? undefined,
    departmentId: params.get('departmentId') ?? undefined,
    overdue: overdue === 'true' ? true : overdue === 'false' ? false : undefined,
    dueWithin: dueWithin ? Number(dueWithin) : undefined,
    q: params.get('q') ?? undefined,
  };
}

type FormValues = { status?: string; category?: string; departmentId?: string; deadline?: 'overdue' | 'soon'; q?: string };

/** The letter queue page. */
export function LetterListPage() {
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const pages = useCursorPages<LetterAdminRow>(['letters', filters], (cursor) => listLetters({ ...filters, cursor }, PAGE_SIZE));
  const categories = useQuery({ queryKey: ['letter-categories'], queryFn: listLetterCategories, staleTime: 300_000 });
  const canListDepartments = session?.staff.role === 'admin' || session?.staff.role === 'office';
  const departments = useQuery({ queryKey: ['departments'], queryFn: listDepartments, enabled: canListDepartments, staleTime: 300_000 });

  const initial: FormValues = {
    status: filters.status,
    category: filters.category,
    departmentId: filters.departmentId,
    deadline: filters.overdue ? 'overdue' : filters.dueWithin !== undefined ? 'soon' : undefined,
    q: filters.q,
  };

  const apply = (values: FormValues) => {
    const next = new URLSearchParams();
    if (values.status) next.set('status', values.status);
    if (values.category) next.set('category', values.category);
    if (values.departmentId) next.set('departmentId', values.departmentId);
    if (values.deadline === 'overdue') next.set('overdue', 'true');
    if (values.deadline === 'soon') next.set('dueWithin', String(DUE_SOON_DAYS));
    if (values.q?.trim()) next.set('q', values.q.trim());
    pages.restart();
    setParams(next);
  };

  const columns = [
    { title: '编号', dataIndex: 'trackingNo', key: 'trackingNo', width: 150 },
    {
      title: '标题',
      dataIndex: 'subject',
      key: 'subject',
      render: (subject: string, row: LetterAdminRow) => (
        <Space>
          <Link to={`/letters/${row.id}`}>{subject}</Link>
          {row.followUp && <Tag color="purple">追问</Tag>}
        </Space>
      ),
    },
    { title: '类别', dataIndex: 'categoryName', key: 'category', width: 80 },
    {
      title: '状态',
      dataIndex: 'statusLabel',
      key: 'status',
      width: 100,
      render: (label: string, row: LetterAdminRow) => <Tag color={row.overdue ? 'red' : 'default'}>{label}</Tag>,
    },
    { title: '承办部门', dataIndex: 'departmentName', key: 'department', width: 160, render: (name: string | null) => name ?? '—' },
    { title: '来信时间', dataIndex: 'submittedAt', key: 'submittedAt', width: 150, render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm') },
    { title: '期限', key: 'deadline', width: 260, render: (_: unknown, row: LetterAdminRow) => <DeadlineTag deadline={row.currentDeadline} /> },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        主任信箱
      </Typography.Title>
      <Card size="small">
        <Form layout="inline" initialValues={initial} onFinish={apply} key={params.toString()} aria-label="筛选信件">
          <Form.Item label="状态" name="status">
            <Select allowClear placeholder="全部" style={{ width: 120 }} options={LETTER_STATUSES.map((s) => ({ value: s, label: LETTER_STATUS_LABELS[s] }))} />
          </Form.Item>
          <Form.Item label="类别" name="category">
            <Select allowClear placeholder="全部" style={{ width: 110 }} options={(categories.data?.items ?? []).map((c) => ({ value: c.key, label: c.name }))} />
          </Form.Item>
          {canListDepartments && (
            <Form.Item label="承办部门" name="departmentId">
              <Select allowClear placeholder="全部" style={{ width: 180 }} options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))} />
            </Form.Item>
          )}
          <Form.Item label="期限" name="deadline">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 150 }}
              options={[
                { value: 'overdue', label: '已超期' },
                { value: 'soon', label: `${DUE_SOON_DAYS}个工作日内到期` },
              ]}
            />
          </Form.Item>
          <Form.Item label="关键词" name="q">
            <Input placeholder="标题、内容或编号" allowClear style={{ width: 180 }} />
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
      <CursorTable<LetterAdminRow> pages={pages} columns={columns} />
    </Space>
  );
}
