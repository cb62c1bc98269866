/** 政策解读: typed calls of the public policy routes (schemas from `shared/policies.ts`). */
import { CategoryPublicListSchema, PolicyPublicPageSchema, PolicyPublicViewSchema, type PolicyPublicView, type PolicyValidity } from '@shared/policies';
import type { z } from 'zod';
import { request } from './request';

/** A page of published policies. */
export type PolicyPage = z.infer<typeof PolicyPublicPageSchema>;
/** The category catalog with published counts. */
export type PolicyCategoryList = z.infer<typeof CategoryPublicListSchema>;

/** Published policies, newest first; `q` matches title and 文号 literally. */
export function fetchPolicies(params: { cursor?: string; q?: string; category?: string; validity?: PolicyValidity; limit?: number }): Promise<PolicyPage> {
  return request({ path: '/api/policies', query: params, schema: PolicyPublicPageSchema });
}

/** One published policy with its interpretations, attachments, catalog entry and related documents. */
export function fetchPolicy(id: string): Promise<PolicyPublicView> {
  return request({ path: `/api/policies/${encodeURIComponent(id)}`, auth: 'optional', schema: PolicyPublicViewSchema });
}

/** The category catalog. */
export function fetchPolicyCategories(): Promise<PolicyCategoryList> {
  return request({ path: '/api/categories', schema: CategoryPublicListSchema });
}
