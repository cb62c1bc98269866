/**
 * 工作台: my letter queue at a glance — open letters by state, overdue, and due within 2 working
 * days. The counts come from the queue endpoint (the server already limits a handler to their
 * department); the queue is walked page by page, as there is no count endpoint yet.
 */
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Spin, Statistic, Typography } from 'antd';
import { Link } from 'react-router';
import { MAX_PAGE_SIZE } from '../../../../shared/pagination';
import { LETTER_STATUS_LABELS, OPEN_LETTER_STATUSES, type LetterAdminRow, type LetterStatus } from '../../../../shared/letters';
import { listLetters } from '../../api/endpoints';
import { DUE_SOON_DAYS } from '../../components/deadline-tag';
import { ErrorAlert } from '../../components/error-alert';

/** At most this many pages are read for the counts (5,000 open letters). */
const MAX_PAGES = 50;

async function openLetters(): Promise<{ rows: LetterAdminRow[]; complete: boolean }> {
  const rows: LetterAdminRow[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i += 1) {
    const page = await listLetters({ dueWithin: 60, cursor }, MAX_PAGE_SIZE);
    rows.push(...page.items);
    if (!page.nextCursor) return { rows, complete: true };
    cursor = page.nextCursor;
  }
  return { rows, complete: false };
}

/** The dashboard page. */
export function DashboardPage() {
  const queue = useQuery({ queryKey: ['letters', 'dashboard'], queryFn: openLetters });
  if (queue.isPending) return <Spin />;
  if (queue.error) return <ErrorAlert error={queue.error} />;
  const { rows } = queue.data;
  const byStatus = new Map<LetterStatus, number>();
  for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const overdue = rows.filter((r) => r.overdue).length;
  const soon = rows.filter((r) => !r.overdue && r.currentDeadline && r.currentDeadline.workingDaysLeft <= DUE_SOON_DAYS).length;
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>
        工作台
      </Typography.Title>
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        主任信箱 · 我的待办
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Link to="/letters?overdue=true" aria-label={`已超期 ${overdue} 件`}>
            <Card hoverable>
              <Statistic title="已超期" value={overdue} styles={{ content: { color: overdue ? '#c41d1d' : undefined } }} />
            </Card>
          </Link>
        </Col>
        <Col xs={12} md={6}>
          <Link to={`/letters?dueWithin=${DUE_SOON_DAYS}`} aria-label={`${DUE_SOON_DAYS}个工作日内到期 ${soon} 件`}>
            <Card hoverable>
              <Statistic title={`${DUE_SOON_DAYS}个工作日内到期`} value={soon} styles={{ content: { color: soon ? '#ad4e00' : undefined } }} />
            </Card>
          </Link>
        </Col>
        {OPEN_LETTER_STATUSES.map((s) => (
          <Col xs={12} md={6} key={s}>
            <Link to={`/letters?status=${s}`} aria-label={`${LETTER_STATUS_LABELS[s]} ${byStatus.get(s) ?? 0} 件`}>
              <Card hoverable>
                <Statistic title={LETTER_STATUS_LABELS[s]} value={byStatus.get(s) ?? 0} />
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
      {!queue.data.complete && <Typography.Paragraph type="secondary">待办较多，仅统计了前 {rows.length} 件。</Typography.Paragraph>}
    </>
  );
}
