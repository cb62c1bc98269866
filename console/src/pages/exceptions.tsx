/** The 403 and 404 pages. */
import { Button, Result } from 'antd';
import { Link } from 'react-router';

/** Shown when the signed-in role may not open the page. */
export function ForbiddenPage() {
  return <Result status="403" title="403" subTitle="抱歉，您的角色无权访问此页面" extra={<Link to="/dashboard"><Button type="primary">返回工作台</Button></Link>} />;
}

/** Shown for an address the console does not have. */
export function NotFoundPage() {
  return <Result status="404" title="404" subTitle="抱歉，您访问的页面不存在" extra={<Link to="/dashboard"><Button type="primary">返回工作台</Button></Link>} />;
}
