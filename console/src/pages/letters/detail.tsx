/**
 * One letter: its text, contact data and attachments, the replies, and the timeline at the side;
 * above them the actions the signed-in role may take in the letter's state (the API decides; the
 * buttons only offer what it would accept).
 */
import { ArrowLeftOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Empty, Form, Input, List, Modal, Row, Select, Space, Spin, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { LETTER_LIMITS, LetterAssignSchema, LetterDraftSchema, LetterReasonSchema, type LetterAdminView } from '../../../../shared/letters';
import type { StaffRole } from '../../../../shared/staff';
import { openPrivateFile } from '../../api/client';
import { getLetter, letterAction, listDepartments, type LetterAction } from '../../api/endpoints';
import { DeadlineTag } from '../../components/deadline-tag';
import { ErrorAlert, errorText } from '../../components/error-alert';
import { zodRule } from '../../components/zod-rule';
import { useSession } from '../../session-context';
import { PublicVersionPanel } from './public-version';

const fmt = (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm');

/** Which actions a role has on a letter in its state (mirrors the service's allowed transitions). */
function actionsFor(role: StaffRole, letter: LetterAdminView): LetterAction[] {
  const s = letter.status;
  if (role === 'office') {
    if (s === 'submitted') return ['accept', 'reject'];
    if (s === 'accepted' || s === 'assigned' || s === 'drafted') return ['assign'];
    if (s === 'approved') return ['send'];
  }
  if (role === 'handler' && (s === 'assigned' || s === 'drafted')) return ['draft'];
  if (role === 'reviewer' && s === 'drafted') return ['approve', 'return'];
  return [];
}

type Dialog = 'reject' | 'assign' | 'draft' | 'return' | null;

/** The letter page. */
export function LetterDetailPage() {
  const { id = '' } = useParams();
  const { session } = useSession();
  const role = session?.staff.role ?? 'handler';
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const letter = useQuery({ queryKey: ['letter', id], queryFn: () => getLetter(id) });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm();
  const departments = useQuery({ queryKey: ['departments'], queryFn: listDepartments, enabled: role === 'office' && dialog === 'assign', staleTime: 300_000 });

  const act = useMutation({
    mutationFn: ({ action, body }: { action: LetterAction; body?: object }) => letterAction(id, action, body),
    onSuccess: async (row) => {
      message.success(`操作成功，信件状态：${row.statusLabel}`);
      setDialog(null);
      form.resetFields();
      await queryClient.invalidateQueries({ queryKey: ['letter', id] });
      await queryClient.invalidateQueries({ queryKey: ['letters'] });
    },
    onError: (err) => message.error(errorText(err)),
  });

  if (letter.isPending) return <Spin />;
  if (letter.error) return <ErrorAlert error={letter.error} />;
  const l = letter.data;
  const actions = actionsFor(role, l);

  const openDialog = (d: Exclude<Dialog, null>) => {
    form.resetFields();
    if (d === 'draft' && l.draft) form.setFieldsValue({ reply: l.draft.content });
    if (d === 'assign' && l.departmentId) form.setFieldsValue({ departmentId: l.departmentId });
    setDialog(d);
  };
  const submitDialog = async () => {
    let values: Record<string, string>;
    try {
      values = (await form.validateFields()) as Record<string, string>;
    } catch {
      // The form shows each field's message; the dialog stays open.
      return;
    }
    if (dialog === 'reject' || dialog === 'return') act.mutate({ action: dialog, body: { reason: values.reason } });
    if (dialog === 'assign') act.mutate({ action: 'assign', body: { departmentId: values.departmentId } });
    if (dialog === 'draft') act.mutate({ action: 'draft', body: { reply: values.reply } });
  };

  const buttons: Record<LetterAction, JSX.Element> = {
    accept: (
      <Button key="accept" type="primary" loading={act.isPending} onClick={() => act.mutate({ action: 'accept' })}>
        受理
      </Button>
    ),
    reject: (
      <Button key="reject" danger onClick={() => openDialog('reject')}>
        不予受理
      </Button>
    ),
    assign: (
      <Button key="assign" type="primary" onClick={() => openDialog('assign')}>
        {l.departmentId ? '改派' : '转办'}
      </Button>
    ),
    draft: (
      <Button key="draft" type="primary" onClick={() => openDialog('draft')}>
        {l.draft ? '修改答复' : '拟写答复'}
      </Button>
    ),
    approve: (
      <Button key="approve" type="primary" loading={act.isPending} onClick={() => act.mutate({ action: 'approve' })}>
        审核通过
      </Button>
    ),
    return: (
      <Button key="return" danger onClick={() => openDialog('return')}>
        退回修改
      </Button>
    ),
    send: (
      <Button key="send" type="primary" loading={act.isPending} onClick={() => act.mutate({ action: 'send' })}>
        发送答复
      </Button>
    ),
  };

  const dialogTitles = { reject: '不予受理', assign: '转办到承办部门', draft: '拟写答复', return: '退回修改' } as const;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Link to="/letters">
          <ArrowLeftOutlined aria-hidden /> 返回信件列表
        </Link>
      </Space>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        {l.subject}
      </Typography.Title>
      <Space wrap>
        <Tag color={l.overdue ? 'red' : 'blue'} data-testid="letter-status">
          {l.statusLabel}
        </Tag>
        <DeadlineTag deadline={l.currentDeadline} />
        {actions.map((a) => buttons[a])}
      </Space>
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Card title="来信内容" size="small">
              <Descriptions column={2} size="small" bordered>
                <Descriptions.Item label="编号">{l.trackingNo}</Descriptions.Item>
                <Descriptions.Item label="类别">{l.categoryName}</Descriptions.Item>
                <Descriptions.Item label="来信时间">{fmt(l.submittedAt)}</Descriptions.Item>
                <Descriptions.Item label="承办部门">{l.departmentName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="联系人">{l.contactName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="联系电话">{l.contactPhone ?? '—'}</Descriptions.Item>
                <Descriptions.Item label="同意公开">{l.publicConsent ? '是' : '否'}</Descriptions.Item>
                <Descriptions.Item label="答复期限">{l.deadlines.reply.dueDate}</Descriptions.Item>
              </Descriptions>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 16 }} data-testid="letter-content">
                {l.content}
              </Typography.Paragraph>
              {l.rejectReason && <Typography.Paragraph type="danger">不予受理理由：{l.rejectReason}</Typography.Paragraph>}
            </Card>
            <Card title={`附件（${l.attachments.length}）`} size="small">
              {l.attachments.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无附件" />
              ) : (
                <List
                  size="small"
                  dataSource={l.attachments}
                  renderItem={(a) => (
                    <List.Item>
                      <Space>
                        <PaperClipOutlined aria-hidden />
                        <Button type="link" style={{ padding: 0 }} onClick={() => openPrivateFile(`/api/uploads/${encodeURIComponent(a.id)}`).catch((err: unknown) => message.error(errorText(err)))}>
                          {a.filename}
                        </Button>
                        <Typography.Text type="secondary">{Math.ceil(a.size / 1024)} KB</Typography.Text>
                      </Space>
                    </List.Item>
                  )}
                />
              )}
            </Card>
            {l.draft && (
              <Card title="答复草稿" size="small" extra={`${l.draft.departmentName ?? ''} · ${fmt(l.draft.draftedAt)}`}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="letter-draft">
                  {l.draft.content}
                </Typography.Paragraph>
              </Card>
            )}
            {l.replies.map((r) => (
              <Card key={r.round} title={`第 ${r.round} 次答复`} size="small" extra={`${r.departmentName ?? ''} · ${fmt(r.sentAt)}`}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{r.content}</Typography.Paragraph>
              </Card>
            ))}
            {l.followUpDetail && (
              <Card title="追问" size="small" extra={fmt(l.followUpDetail.at)}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{l.followUpDetail.content}</Typography.Paragraph>
              </Card>
            )}
            {role === 'office' && l.publicVersionState && <PublicVersionPanel letterId={l.id} />}
          </Space>
        </Col>
        <Col xs={24} lg={8}>
          <Card title="办理过程" size="small">
            <Timeline
              items={l.timeline.map((e) => ({
                color: e.type === 'rejected' || e.type === 'returned' ? 'red' : 'blue',
                content: (
                  <div>
                    <Typography.Text strong>{e.label}</Typography.Text> <Typography.Text type="secondary">{e.by}</Typography.Text>
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
        title={dialog ? dialogTitles[dialog] : ''}
        okText="确定"
        cancelText="取消"
        confirmLoading={act.isPending}
        onOk={submitDialog}
        onCancel={() => setDialog(null)}
        destroyOnHidden
        width={dialog === 'draft' ? 720 : 520}
      >
        <Form form={form} layout="vertical" preserve={false}>
          {(dialog === 'reject' || dialog === 'return') && (
            <Form.Item label="理由" name="reason" rules={[zodRule(LetterReasonSchema.shape.reason)]}>
              <Input.TextArea rows={4} maxLength={LETTER_LIMITS.reasonMax} showCount />
            </Form.Item>
          )}
          {dialog === 'assign' && (
            <Form.Item label="承办部门" name="departmentId" rules={[zodRule(LetterAssignSchema.shape.departmentId)]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                loading={departments.isPending}
                placeholder="请选择承办部门"
                options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
              />
            </Form.Item>
          )}
          {dialog === 'draft' && (
            <Form.Item label="答复内容" name="reply" rules={[zodRule(LetterDraftSchema.shape.reply)]}>
              <Input.TextArea rows={10} maxLength={LETTER_LIMITS.replyMax} showCount />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
