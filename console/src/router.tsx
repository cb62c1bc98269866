/**
 * The console's routes under `/admin`: sign-in outside the frame, every other page inside it;
 * page modules load on demand (route-level code splitting keeps the first download small).
 */
import { createBrowserRouter, Navigate } from 'react-router';
import { AdminLayout } from './layout/admin-layout';
import { NotFoundPage } from './pages/exceptions';
import { LoginPage } from './pages/login';

/** The router (module-level so the API client can send a signed-out user to sign in). */
export const router = createBrowserRouter(
  [
    // Not lazy: it is the first screen of every signed-out visit.
    { path: '/login', Component: LoginPage },
    {
      path: '/',
      Component: AdminLayout,
      children: [
        { index: true, element: <Navigate to="/dashboard" replace /> },
        { path: 'dashboard', lazy: () => import('./pages/dashboard').then((m) => ({ Component: m.DashboardPage })) },
        { path: 'letters', lazy: () => import('./pages/letters/list').then((m) => ({ Component: m.LetterListPage })) },
        { path: 'letters/:id', lazy: () => import('./pages/letters/detail').then((m) => ({ Component: m.LetterDetailPage })) },
        { path: 'error-reports', lazy: () => import('./pages/error-reports/list').then((m) => ({ Component: m.ErrorReportListPage })) },
        { path: 'error-reports/:id', lazy: () => import('./pages/error-reports/detail').then((m) => ({ Component: m.ErrorReportDetailPage })) },
        { path: '*', Component: NotFoundPage },
      ],
    },
  ],
  { basename: '/admin' },
);
