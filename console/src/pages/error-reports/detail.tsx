/**
 * One 找错 report: the page address, description, contact and screenshots, linked duplicates, the
 * reply, and the timeline at the side; the office forwards and closes, the office or the
 * department's handler replies.
 */
import { ArrowLeftOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Form, Input, List, Modal, Row, Select, Space, Spin, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ERROR_REPORT_LIMITS, ERROR_REPORT_RESULTS, ERROR_REPORT_RESULT_LABELS, ErrorReportForwardSchema, ErrorReportReplySchema } from '../../../../shared/error-reports';
import { openPrivateFile } from '../../api/client';
import { closeErrorReport, forwardErrorReport, getErrorReport, listDepartments, replyErrorReport } from '../../api/endpoints';
import { ErrorAlert, errorText } from '../../components/error-alert';
import { zodRule } from '../../components/zod-rule';
import { useSession } from '../../session-context';

const fmt = (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm');

type Dialog = 'forward' | 'reply' | null;

/** The 找错 case page. */
export function ErrorReportDetailPage() {
  const { id = '' } = useParams();
  const { session } = useSession();
  const role = session?.staff.role;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const report = useQuery({ queryKey: ['error-report', id], queryFn: () => getErrorReport(id) });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm();
  const departments = useQuery({ queryKey: ['departments'], queryFn: listDepartments, enabled: role === 'office' && dialog === 'forward', staleTime: 300_000 });

  const act = useMutation({
    mutationFn: (run: () => Promise<{ statusLabel: string }>) => run(),
    onSuccess: async (row) => {
      message.success(`操作成功，状态：${row.statusLabel}`);
      setDialog(null);
      await queryClient.invalidateQueries({ queryKey: ['error-report', id] });
      await queryClient.invalidateQueries({ queryKey: ['error-reports'] });
    },
    onError: (err) => message.error(errorText(err)),
  });

  if (report.isPending) return <Spin />;
  if (report.error) return <ErrorAlert error={report.error} />;
  const r = report.data;
  const canForward = role === 'office' && r.status === 'submitted' && r.primary;
  const canReply = (role === 'office' || role === 'handler') && r.status === 'forwarded';
  const canClose = role === 'office' && r.status === 'replied';

  const submitDialog = async () => {
    let values: Record<string, string>;
    try {
      values = (await form.validateFields()) as Record<string, string>;
    } catch {
      return;
    }
    if (dialog === 'forward') act.mutate(() => forwardErrorReport(id, values.departmentId));
    if (dialog === 'reply') {
      const input = ErrorReportReplySchema.parse(values);
      act.mutate(() => replyErrorReport(id, input));
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/error-reports">
        <ArrowLeftOutlined aria-hidden /> 返回找错列表
      </Link>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        找错留言 {r.trackingNo}
      </Typography.Title>
      <Space wrap>
        <Tag color="blue" data-testid="report-status">
          {r.statusLabel}
        </Tag>
        {canForward && (
          <Button type="primary" onClick={() => {
              form.resetFields();
              setDialog('forward');
            }}>
            转办
          </Button>
        )}
        {canReply && (
          <Button type="primary" onClick={() => {
              form.resetFields();
              setDialog('reply');
            }}>
            答复
          </Button>
        )}
        {canClose && (
          <Button loading={act.isPending} onClick={() => act.mutate(() => closeErrorReport(id))}>
            办结
          </Button>
        )}
      </Space>
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Card title="留言内容" size="small">
              <Descriptions column={2} size="small" bordered>
                <Descriptions.Item label="网址" span={2}>
                  {r.url}
                </Descriptions.Item>
                <Descriptions.Item label="错误类型">{r.errorTypeLabel}</Descriptions.Item>
                <Descriptions.Item label="提交时间">{fmt(r.submittedAt)}</Descriptions.Item>
                <Descriptions.Item label="承办部门">{r.departmentName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="联系方式">{r.contact ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="转办期限">{fmt(r.forwardDueAt)}</Descriptions.Item>
                <Descriptions.Item label="答复期限">{fmt(r.replyDueAt)}</Descriptions.Item>
              </Descriptions>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 16 }}>{r.description}</Typography.Paragraph>
            </Card>
            {r.screenshots.length > 0 && (
              <Card title={`截图（${r.screenshots.length}）`} size="small">
                <List
                  size="small"
                  dataSource={r.screenshots}
                  renderItem={(s) => (
                    <List.Item>
                      <Space>
                        <PaperClipOutlined aria-hidden />
                        <Button type="link" style={{ padding: 0 }} onClick={() => openPrivateFile(s.url).catch((err: unknown) => message.error(errorText(err)))}>
                          {s.filename}
                        </Button>
                      </Space>
                    </List.Item>
                  )}
                />
              </Card>
            )}
            {(r.primaryReport || r.duplicates.length > 0) && (
              <Card title="重复留言" size="small">
                {r.primaryReport && (
                  <Typography.Paragraph>
                    本条与 <Link to={`/error-reports/${r.primaryReport.id}`}>{r.primaryReport.trackingNo}</Link> 重复，随其办理。
                  </Typography.Paragraph>
                )}
                {r.duplicates.map((d) => (
                  <div key={d.id}>
                    <Link to={`/error-reports/${d.id}`}>{d.trackingNo}</Link> · {fmt(d.submittedAt)}
                  </div>
                ))}
              </Card>
            )}
            {r.reply && (
              <Card title="答复" size="small" extra={`${r.reply.departmentName ?? ''} · ${fmt(r.reply.repliedAt)}`}>
                <Typography.Paragraph>处理结果：{r.reply.resultLabel}</Typography.Paragraph>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{r.reply.message}</Typography.Paragraph>
              </Card>
            )}
          </Space>
        </Col>
        <Col xs={24} lg={8}>
          <Card title="办理过程" size="small">
            <Timeline
              items={r.timeline.map((e) => ({
                color: e.late ? 'red' : 'blue',
                content: (
                  <div>
                    <Typography.Text strong>{e.label}</Typography.Text>
                    <div>
                      <Typography.Text type="secondary">{fmt(e.at)}</Typography.Text>
                    </div>
                    {e.departmentName && <div>部门：{e.departmentName}</div>}
                    {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
      <Modal
        open={dialog !== null}
        title={dialog === 'forward' ? '转办到承办部门' : '答复'}
        okText="确定"
        cancelText="取消"
        confirmLoading={act.isPending}
        onOk={submitDialog}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          {dialog === 'forward' && (
            <Form.Item label="承办部门" name="departmentId" rules={[zodRule(ErrorReportForwardSchema.shape.departmentId)]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                loading={departments.isPending}
                placeholder="请选择承办部门"
                options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
              />
            </Form.Item>
          )}
          {dialog === 'reply' && (
            <>
              <Form.Item label="处理结果" name="result" rules={[zodRule(ErrorReportReplySchema.shape.result)]}>
                <Select placeholder="请选择处理结果" options={ERROR_REPORT_RESULTS.map((k) => ({ value: k, label: ERROR_REPORT_RESULT_LABELS[k] }))} />
              </Form.Item>
              <Form.Item label="答复内容" name="message" rules={[zodRule(ErrorReportReplySchema.shape.message)]}>
                <Input.TextArea rows={6} maxLength={ERROR_REPORT_LIMITS.replyMax} showCount />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
