/** The staff console's entry: antd in Chinese, TanStack Query, the session, and the router. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { installChineseZodMessages } from '../../shared/zod-locale';
import { ApiError, setUnauthorizedHandler } from './api/client';
import { router } from './router';
import { SessionProvider } from './session-context';

dayjs.locale('zh-cn');
// The shared schemas' own messages are Chinese; this covers a missing field or a wrong type.
installChineseZodMessages();

/**
 * antd's default greys, link blue, orange and red fall below WCAG AA contrast (4.5:1) on white;
 * these keep the look and pass axe-core's color-contrast rule.
 */
const THEME = {
  token: {
    colorPrimary: '#1456b8',
    colorLink: '#1456b8',
    colorInfo: '#1456b8',
    colorError: '#c41d1d',
    colorWarning: '#ad4e00',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.6)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
  },
};

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change on retry; a network blip or 5xx may.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

// An expired or revoked session: back to sign-in, remembering the page to return to. The full
// reload also clears the session state the React tree holds.
setUnauthorizedHandler(() => {
  const here = window.location.pathname.replace(/^\/admin/, '') + window.location.search;
  if (!here.startsWith('/login')) window.location.assign(`/admin/login?redirect=${encodeURIComponent(here || '/')}`);
});

const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');
createRoot(container).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <SessionProvider>
            <RouterProvider router={router} />
          </SessionProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
