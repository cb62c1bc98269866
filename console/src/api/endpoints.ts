/** The API calls the console makes, typed by the shared schemas (one function per endpoint). */
import { DepartmentListResponseSchema } from '../../../shared/departments';
import {
  AdminErrorReportDetailSchema,
  AdminErrorReportPageSchema,
  AdminErrorReportSummarySchema,
  type AdminErrorReportQuery,
  type ErrorReportReply,
} from '../../../shared/error-reports';
import {
  LetterAdminPageSchema,
  LetterAdminRowSchema,
  LetterAdminViewSchema,
  LetterCategoriesResponseSchema,
  LetterPublicVersionViewSchema,
  type LetterAdminListQuery,
  type LetterPublicVersionInput,
} from '../../../shared/letters';
import { StaffLoginResponseSchema, type StaffLogin } from '../../../shared/staff';
import { request } from './client';

/** `POST /api/admin/auth/login`. */
export const login = (input: StaffLogin) => request('POST', '/api/admin/auth/login', StaffLoginResponseSchema, { body: input });

/** Filters of the letter queue as the console sends them (the query schema's input side). */
export type LetterQueueFilters = Partial<Omit<LetterAdminListQuery, 'limit'>>;

/** `GET /api/admin/letters`: one page of the queue. */
export const listLetters = (filters: LetterQueueFilters, limit = 20) =>
  request('GET', '/api/admin/letters', LetterAdminPageSchema, { query: { ...filters, limit } });

/** `GET /api/admin/letters/:id`. */
export const getLetter = (id: string) => request('GET', `/api/admin/letters/${encodeURIComponent(id)}`, LetterAdminViewSchema);

/** The workflow actions (`POST /api/admin/letters/:id/<action>`). */
export type LetterAction = 'accept' | 'reject' | 'assign' | 'draft' | 'approve' | 'return' | 'send';

/** Runs a workflow action; answers the letter's new row. */
export const letterAction = (id: string, action: LetterAction, body: object = {}) =>
  request('POST', `/api/admin/letters/${encodeURIComponent(id)}/${action}`, LetterAdminRowSchema, { body });

/** `GET /api/admin/letters/:id/public-version`. */
export const getPublicVersion = (id: string) =>
  request('GET', `/api/admin/letters/${encodeURIComponent(id)}/public-version`, LetterPublicVersionViewSchema);

/** `POST /api/admin/letters/:id/public-version`: confirm the (edited) public texts. */
export const confirmPublicVersion = (id: string, input: LetterPublicVersionInput) =>
  request('POST', `/api/admin/letters/${encodeURIComponent(id)}/public-version`, LetterPublicVersionViewSchema, { body: input });

/** `GET /api/letters/categories`: category keys and names for the filter. */
export const listLetterCategories = () => request('GET', '/api/letters/categories', LetterCategoriesResponseSchema);

/** `GET /api/admin/departments` (admin and office). */
export const listDepartments = () => request('GET', '/api/admin/departments', DepartmentListResponseSchema);


/** Filters of the 找错 queue as the console sends them. */
export type ErrorReportQueueFilters = Partial<Omit<AdminErrorReportQuery, 'limit'>>;

/** `GET /api/admin/error-reports`: one page of the 找错 queue. */
export const listErrorReports = (filters: ErrorReportQueueFilters, limit = 20) =>
  request('GET', '/api/admin/error-reports', AdminErrorReportPageSchema, { query: { ...filters, limit } });

/** `GET /api/admin/error-reports/:id`. */
export const getErrorReport = (id: string) => request('GET', `/api/admin/error-reports/${encodeURIComponent(id)}`, AdminErrorReportDetailSchema);

/** `POST /api/admin/error-reports/:id/forward` (office). */
export const forwardErrorReport = (id: string, departmentId: string) =>
  request('POST', `/api/admin/error-reports/${encodeURIComponent(id)}/forward`, AdminErrorReportSummarySchema, { body: { departmentId } });

/** `POST /api/admin/error-reports/:id/reply` (office, or a handler of the department). */
export const replyErrorReport = (id: string, input: ErrorReportReply) =>
  request('POST', `/api/admin/error-reports/${encodeURIComponent(id)}/reply`, AdminErrorReportSummarySchema, { body: input });

/** `POST /api/admin/error-reports/:id/close` (office). */
export const closeErrorReport = (id: string) => request('POST', `/api/admin/error-reports/${encodeURIComponent(id)}/close`, AdminErrorReportSummarySchema);
