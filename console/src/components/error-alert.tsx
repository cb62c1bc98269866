/** How a failed call is shown: the Chinese message, field issues, and the request id when unexpected. */
import { Alert, Result } from 'antd';
import { ApiError } from '../api/client';

/** The text of an error for a toast: message, plus the request id when it is not a documented outcome. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const issues = err.issues.map((i) => i.message).join('；');
    const base = issues ? `${err.message}：${issues}` : err.message;
    return err.expected ? base : `${base}（请求编号 ${err.requestId ?? '无'}）`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** An inline error box for a page or a panel; 403 and 404 get their own wording. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 403) return <Result status="403" title="403" subTitle="您没有权限查看此内容" />;
  if (error instanceof ApiError && error.status === 404) return <Result status="404" title="404" subTitle={error.message} />;
  return <Alert type="error" showIcon title="出错了" description={errorText(error)} />;
}
