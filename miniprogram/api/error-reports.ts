/** 我为政府网站找错: typed calls of the citizen error-report routes (schemas from `shared/error-reports.ts`). */
import {
  ErrorReportCreatedSchema,
  ErrorReportFormOptionsSchema,
  MyErrorReportDetailSchema,
  MyErrorReportPageSchema,
  type ErrorReportCreate,
  type ErrorReportCreated,
  type ErrorReportFormOptions,
  type MyErrorReportDetail,
} from '@shared/error-reports';
import type { z } from 'zod';
import { request } from './request';

/** A page of my reports. */
export type MyErrorReportPage = z.infer<typeof MyErrorReportPageSchema>;

/** The form's error types, this deployment's bounds and the deadlines (public). */
export function fetchErrorReportOptions(): Promise<ErrorReportFormOptions> {
  return request({ path: '/api/error-reports/options', schema: ErrorReportFormOptionsSchema });
}

/**
 * Reports an error; screenshots are uploaded first (`uploadFile`) and sent as ids. The same
 * `idempotencyKey` (one per form shown) makes a retry after a lost answer return the same report.
 */
export function createErrorReport(input: ErrorReportCreate, idempotencyKey: string): Promise<ErrorReportCreated> {
  return request({
    method: 'POST',
    path: '/api/error-reports',
    body: input,
    headers: { 'Idempotency-Key': idempotencyKey },
    auth: 'required',
    schema: ErrorReportCreatedSchema,
  });
}

/** My reports, newest first. */
export function fetchMyErrorReports(cursor?: string): Promise<MyErrorReportPage> {
  return request({ path: '/api/error-reports/mine', query: { cursor }, auth: 'required', schema: MyErrorReportPageSchema });
}

/** One of my reports with its timeline, deadlines and reply. */
export function fetchMyErrorReport(id: string): Promise<MyErrorReportDetail> {
  return request({ path: `/api/error-reports/${encodeURIComponent(id)}`, auth: 'required', schema: MyErrorReportDetailSchema });
}
