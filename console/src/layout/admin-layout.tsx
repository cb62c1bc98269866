/**
 * The console frame in ant-design-pro's shape: the side menu of the signed-in role, a header with
 * the user and 退出登录, and the page. Pages the role may not open show 403.
 */
import { BugOutlined, DashboardOutlined, LogoutOutlined, MailOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Suspense, type ReactNode } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { STAFF_ROLE_LABELS } from '../../../shared/staff';
import { canOpen, MENU } from '../access';
import { ForbiddenPage } from '../pages/exceptions';
import { useSession } from '../session-context';

const ICONS: Record<string, ReactNode> = {
  '/dashboard': <DashboardOutlined />,
  '/letters': <MailOutlined />,
  '/error-reports': <BugOutlined />,
};

/** The frame around every signed-in page. */
export function AdminLayout() {
  const { session, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  if (!session) {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?redirect=${encodeURIComponent(from)}`} replace />;
  }
  const { staff } = session;
  const items = MENU.filter((m) => m.roles.includes(staff.role)).map((m) => ({ key: m.path, icon: ICONS[m.path], label: m.label }));
  const selected = MENU.filter((m) => location.pathname.startsWith(m.path)).map((m) => m.path);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} breakpoint="lg" collapsedWidth={64} theme="dark">
        <div style={{ color: '#fff', fontWeight: 600, padding: '16px 20px', whiteSpace: 'nowrap', overflow: 'hidden' }}>政务公开工作平台</div>
        <nav aria-label="主菜单">
          <Menu theme="dark" mode="inline" selectedKeys={selected} items={items} onClick={({ key }) => navigate(key)} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', paddingInline: 24, display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}>
          <Space size="middle">
            <Space>
              <UserOutlined aria-hidden />
              <Typography.Text data-testid="current-user">
                {staff.displayName}（{STAFF_ROLE_LABELS[staff.role]}）
              </Typography.Text>
            </Space>
            <Button
              icon={<LogoutOutlined />}
              onClick={signOut}
            >
              退出登录
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <main>
            <Suspense fallback={<Spin />}>{canOpen(staff.role, location.pathname) ? <Outlet /> : <ForbiddenPage />}</Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
