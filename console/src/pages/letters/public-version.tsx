/**
 * 公开前审核: the masked public texts, editable, beside the originals; 确认公开 stores them and
 * only then is the letter listed publicly.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, Row, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { z } from 'zod';
import { LetterPublicVersionInputSchema, type LetterPublicVersionInput, type LetterPublicVersionView } from '../../../../shared/letters';
import { confirmPublicVersion, getPublicVersion } from '../../api/endpoints';
import { ORANGE_TEXT } from '../../components/deadline-tag';
import { ErrorAlert, errorText } from '../../components/error-alert';
import { zodRule } from '../../components/zod-rule';

const STATE_LABELS = { not_confirmed: ['未确认，暂不公开', 'orange'], confirmed: ['已确认公开', 'green'], outdated: ['有新答复待确认', 'orange'] } as const;

const shape = LetterPublicVersionInputSchema.shape;

/** One original text and its editable public counterpart side by side. */
function Pair({ label, name, original, rows, schema }: { label: string; name: string[]; original: string; rows: number; schema?: z.ZodType }) {
  return (
    <Row gutter={16}>
      <Col span={12}>
        <Typography.Text type="secondary">原文 · {label}</Typography.Text>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 8, marginTop: 4 }}>{original}</Typography.Paragraph>
      </Col>
      <Col span={12}>
        <Form.Item label={`公开版 · ${label}`} name={name} rules={[schema ? zodRule(schema) : { required: true, whitespace: true, message: `请填写公开的${label}` }]}>
          <Input.TextArea rows={rows} />
        </Form.Item>
      </Col>
    </Row>
  );
}

function PublicVersionForm({ letterId, view }: { letterId: string; view: LetterPublicVersionView }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<LetterPublicVersionInput>();
  const confirm = useMutation({
    mutationFn: (input: LetterPublicVersionInput) => confirmPublicVersion(letterId, input),
    onSuccess: async (next) => {
      queryClient.setQueryData(['public-version', letterId], next);
      message.success('公开版本已确认');
      await queryClient.invalidateQueries({ queryKey: ['letter', letterId] });
    },
    onError: (err) => message.error(errorText(err)),
  });
  const [label, color] = STATE_LABELS[view.state];
  return (
    <Card
      title="公开前审核"
      size="small"
      extra={
        <span>
          <Tag color={color} style={color === 'orange' ? ORANGE_TEXT : undefined}>
            {label}
          </Tag>
          {view.confirmedAt && `${view.confirmedBy?.username ?? ''} 于 ${dayjs(view.confirmedAt).format('YYYY-MM-DD HH:mm')} 确认`}
        </span>
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ subject: view.subject, content: view.content, reply: view.reply, followUp: view.followUp ?? undefined }}
        onFinish={(values) => {
          const parsed = LetterPublicVersionInputSchema.safeParse({ ...values, followUp: view.original.followUp ? values.followUp : null });
          if (parsed.success) confirm.mutate(parsed.data);
          else message.error(parsed.error.issues[0]?.message ?? '输入有误');
        }}
      >
        <Pair label="标题" name={['subject']} original={view.original.subject} rows={1} schema={shape.subject} />
        <Pair label="内容" name={['content']} original={view.original.content} rows={5} schema={shape.content} />
        <Pair label="答复" name={['reply']} original={view.original.reply} rows={5} schema={shape.reply} />
        {view.original.followUp && (
          <>
            <Pair label="追问" name={['followUp', 'content']} original={view.original.followUp.content} rows={3} />
            <Pair label="追问答复" name={['followUp', 'reply']} original={view.original.followUp.reply} rows={4} />
          </>
        )}
        <Button type="primary" htmlType="submit" loading={confirm.isPending}>
          确认公开版本
        </Button>
      </Form>
    </Card>
  );
}

/** The panel on the letter page (office only, for replied letters meant to be public). */
export function PublicVersionPanel({ letterId }: { letterId: string }) {
  const view = useQuery({ queryKey: ['public-version', letterId], queryFn: () => getPublicVersion(letterId) });
  if (view.isPending) return <Card title="公开前审核" size="small" loading />;
  if (view.error) return <ErrorAlert error={view.error} />;
  return <PublicVersionForm key={view.data.confirmedAt ?? 'new'} letterId={letterId} view={view.data} />;
}
