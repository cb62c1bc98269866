/** 登录: username and password, checked with the shared schema before they are sent. */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Form, Input, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { StaffLoginSchema, type StaffLogin } from '../../../../shared/staff';
import { login } from '../../api/endpoints';
import { errorText } from '../../components/error-alert';
import { zodRule } from '../../components/zod-rule';
import { useSession } from '../../session-context';

/** Where to go after signing in: the page the user was sent away from, if it is one of ours. */
function safeRedirect(value: string | null): string {
  // `//host` and `/\host` would leave the console (browsers read both as another origin).
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') && !value.startsWith('/login') ? value : '/dashboard';
}

/** The sign-in page. */
export function LoginPage() {
  const { session, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const redirect = safeRedirect(params.get('redirect'));
  const mutation = useMutation({
    mutationFn: (values: StaffLogin & { remember?: boolean }) => login({ username: values.username, password: values.password }),
    onSuccess: (answer, values) => {
      signIn(answer, Boolean(values.remember));
      navigate(redirect, { replace: true });
    },
  });
  if (session) return <Navigate to={redirect} replace />;
  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={1} style={{ fontSize: 22, textAlign: 'center' }}>
          政务公开工作平台
        </Typography.Title>
        {params.get('redirect') && !mutation.error && <Alert type="info" showIcon title="登录已失效或尚未登录，请登录后继续" style={{ marginBottom: 16 }} />}
        {mutation.error && <Alert type="error" showIcon title={errorText(mutation.error)} style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={(values: StaffLogin & { remember?: boolean }) => mutation.mutate(values)} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[zodRule(StaffLoginSchema.shape.username)]}>
            <Input prefix={<UserOutlined aria-hidden />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[zodRule(StaffLoginSchema.shape.password)]}>
            <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="remember" valuePropName="checked">
            <Checkbox>在此电脑上保持登录</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={mutation.isPending}>
            登录
          </Button>
        </Form>
      </Card>
    </main>
  );
}
