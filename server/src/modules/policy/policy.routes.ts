/**
 * Policy reading routes: the public list, detail and catalog; the back office's workflow for
 * policies and interpretations; category management. Static paths are declared before `/:id`
 * ones so `interpretation-gaps` is never read as an id.
 */
import { z } from 'zod';
import {
  CategoryAdminListSchema,
  CategoryAdminViewSchema,
  CategoryCreateSchema,
  CategoryPublicListSchema,
  CategoryUpdateSchema,
  InterpretationAdminPageSchema,
  InterpretationAdminQuerySchema,
  InterpretationAdminViewSchema,
  InterpretationCreateSchema,
  InterpretationGapPageSchema,
  InterpretationGapQuerySchema,
  InterpretationPublishSchema,
  InterpretationUpdateSchema,
  PolicyAdminPageSchema,
  PolicyAdminQuerySchema,
  PolicyAdminViewSchema,
  PolicyApproveSchema,
  PolicyCreateSchema,
  PolicyExpireSchema,
  PolicyMarkSchema,
  PolicyPublicPageSchema,
  PolicyPublicQuerySchema,
  PolicyPublicViewSchema,
  PolicyPublishSchema,
  PolicyReasonSchema,
  PolicyUpdateSchema,
} from '../../../../shared/policies';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import {
  presentAdminCategory,
  presentAdminInterpretation,
  presentAdminPolicy,
  presentAdminRow,
  presentGap,
  presentInterpretationRow,
  presentPublicCategory,
  presentPublicPolicy,
  presentPublicRow,
} from './policy.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });
/** Who writes drafts. */
const AUTHORS = staffAuth('office', 'handler');

export const policyRoutes = defineRouteModule({
  tag: 'policies',
  description: '政策解读: published policy documents with their interpretations, and the category catalog',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/policies',
      summary: 'Published policies, newest first',
      description:
        'Cursor pagination by publication time (stable while new policies are published). `q` matches title and 文号 ' +
        'literally (e.g. `〔2022〕`). Each row says whether the policy is interpreted and in which forms.',
      auth: 'public',
      publicCache: { maxAgeSeconds: 5 },
      query: PolicyPublicQuerySchema,
      response: PolicyPublicPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.policies.listPublicPolicies(actor, input.query);
        return { items: page.policies.map((p) => presentPublicRow(p, page.categories)), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/policies/:id',
      summary: 'One published policy with its interpretations, related documents, attachments and catalog entry',
      description:
        'Counts a view (not for staff), stored every few seconds; `viewCount` includes the views not stored yet. ' +
        'Anonymous readers may get a copy a few seconds old (public cache), still counted. Anything not published answers 404.',
      auth: 'public',
      publicCache: { maxAgeSeconds: 5 },
      // Cache hits run no handler: the view is counted here, for every answer but staff previews.
      onServed: ({ params, actor, services }) => {
        if (actor?.kind !== 'staff' && params.id) services.policies.recordView(params.id);
      },
      params: IdParams,
      response: PolicyPublicViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentPublicPolicy(await services.policies.getPublicPolicy(actor, input.params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/categories',
      summary: 'Policy categories with the number of published policies in each',
      auth: 'public',
      publicCache: { maxAgeSeconds: 10 },
      response: CategoryPublicListSchema,
      handler: async ({ services }) => ({ items: (await services.policies.listCategories()).map(presentPublicCategory) }),
    }),
  ],
});

export const adminPolicyRoutes = defineRouteModule({
  tag: 'admin-policies',
  description: '政策解读 back office: drafting, review (保密审查) and release of policies and interpretations; categories',
  routes: [
    // ---------------------------------------------------------------- policies
    defineRoute({
      method: 'get',
      path: '/api/admin/policies/interpretation-gaps',
      summary: 'Published policies whose interpretation is missing or came out more than 3 working days after them',
      description:
        'Only categories that require interpretation. The deadline is the end of the 3rd working day after the ' +
        'publication date on the Chinese calendar (holidays and 调休 included), with its explanation. Newest first.',
      auth: staffAuth(),
      query: InterpretationGapQuerySchema,
      response: InterpretationGapPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.policies.listInterpretationGaps(actor, input.query);
        return { items: page.gaps.map((g) => presentGap(g, page.categories)), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/policies',
      summary: 'Policies in every state, newest first (handlers: their department’s)',
      auth: staffAuth(),
      query: PolicyAdminQuerySchema,
      response: PolicyAdminPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.policies.listPolicies(actor, input.query);
        return { items: page.policies.map((p) => presentAdminRow(p, page.categories)), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/policies',
      summary: 'Create a policy draft (办公室, or a handler for their own department)',
      description: 'The body is sanitized rich text. Attachments and `/api/uploads/<id>` images in the body are claimed for the policy.',
      auth: AUTHORS,
      body: PolicyCreateSchema,
      response: PolicyAdminViewSchema,
      status: 201,
      errors: ['invalid_attachment'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.createPolicy(actor, input.body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/policies/:id',
      summary: 'One policy with its history, review record, interpretations and interpretation deadline',
      auth: staffAuth(),
      params: IdParams,
      response: PolicyAdminViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.getPolicy(actor, input.params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/admin/policies/:id',
      summary: 'Edit a draft or returned policy',
      auth: AUTHORS,
      params: IdParams,
      body: PolicyUpdateSchema,
      response: PolicyAdminViewSchema,
      errors: ['not_found', 'invalid_state', 'invalid_attachment'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.updatePolicy(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/policies/:id/submit',
      summary: 'Submit for review (the catalog must be complete, and the 文号 given where the category requires one)',
      auth: AUTHORS,
      params: IdParams,
      response: PolicyAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.submitPolicy(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/policies/:id/approve',
      summary: 'Approve with the confidentiality review (保密审查) record (分管领导)',
      auth: staffAuth('reviewer'),
      params: IdParams,
      body: PolicyApproveSchema,
      response: PolicyAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.approvePolicy(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/policies/:id/return',
      summary: 'Return to the author with a reason (分管领导)',
      auth: staffAuth('reviewer'),
      params: IdParams,
      body: PolicyReasonSchema,
      response: PolicyAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentAdminPolicy(await services.policies.returnPolicy(actor, input.params.id, input.body.reason)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/policies/:id/publish',
      summary: 'Publish an approved policy, with its approved interpretations (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      body: PolicyPublishSchema,
      response: PolicyAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.publishPolicy(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/policies/:id/repeal',
      summary: 'Mark a published policy repealed (已废止), optionally linking the published document replacing it (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      body: PolicyMarkSchema,
      response: PolicyAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.repealPolicy(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/policies/:id/amend',
      summary: 'Mark a published policy amended (已修改), optionally linking the published amending document (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      body: PolicyMarkSchema,
      response: PolicyAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.amendPolicy(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/policies/:id/expire',
      summary: 'Mark a published policy expired (已失效) (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      body: PolicyExpireSchema,
      response: PolicyAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentAdminPolicy(await services.policies.expirePolicy(actor, input.params.id, input.body)),
    }),

    // ---------------------------------------------------------------- interpretations
    defineRoute({
      method: 'get',
      path: '/api/admin/interpretations',
      summary: 'Interpretations in every state, newest first (handlers: their department’s)',
      auth: staffAuth(),
      query: InterpretationAdminQuerySchema,
      response: InterpretationAdminPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.policies.listInterpretations(actor, input.query);
        return { items: page.interpretations.map(presentInterpretationRow), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/interpretations',
      summary: 'Create an interpretation draft for a policy (办公室, or a handler of the policy’s department)',
      description:
        'By kind: text/expert need a body, qa at least one question-answer pair, graphic at least one image, video an ' +
        'https link. Images, attachments and `/api/uploads/<id>` images in the body are claimed for it.',
      auth: AUTHORS,
      body: InterpretationCreateSchema,
      response: InterpretationAdminViewSchema,
      status: 201,
      errors: ['invalid_attachment'],
      handler: async ({ actor, input, services }) => presentAdminInterpretation(await services.policies.createInterpretation(actor, input.body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/interpretations/:id',
      summary: 'One interpretation with its history and review record',
      auth: staffAuth(),
      params: IdParams,
      response: InterpretationAdminViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentAdminInterpretation(await services.policies.getInterpretation(actor, input.params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/admin/interpretations/:id',
      summary: 'Edit a draft or returned interpretation',
      auth: AUTHORS,
      params: IdParams,
      body: InterpretationUpdateSchema,
      response: InterpretationAdminViewSchema,
      errors: ['not_found', 'invalid_state', 'invalid_attachment'],
      handler: async ({ actor, input, services }) =>
        presentAdminInterpretation(await services.policies.updateInterpretation(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/interpretations/:id/submit',
      summary: 'Submit an interpretation for review',
      auth: AUTHORS,
      params: IdParams,
      response: InterpretationAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) => presentAdminInterpretation(await services.policies.submitInterpretation(actor, input.params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/interpretations/:id/approve',
      summary: 'Approve an interpretation with the confidentiality review record (分管领导)',
      auth: staffAuth('reviewer'),
      params: IdParams,
      body: PolicyApproveSchema,
      response: InterpretationAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentAdminInterpretation(await services.policies.approveInterpretation(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/interpretations/:id/return',
      summary: 'Return an interpretation with a reason (分管领导)',
      auth: staffAuth('reviewer'),
      params: IdParams,
      body: PolicyReasonSchema,
      response: InterpretationAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentAdminInterpretation(await services.policies.returnInterpretation(actor, input.params.id, input.body.reason)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/interpretations/:id/publish',
      summary: 'Publish an approved interpretation of a published policy (办公室)',
      auth: staffAuth('office'),
      params: IdParams,
      body: InterpretationPublishSchema,
      response: InterpretationAdminViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentAdminInterpretation(await services.policies.publishInterpretation(actor, input.params.id, input.body)),
    }),

    // ---------------------------------------------------------------- categories
    defineRoute({
      method: 'get',
      path: '/api/admin/categories',
      summary: 'Policy categories with their rules and usage',
      auth: staffAuth(),
      response: CategoryAdminListSchema,
      handler: async ({ services }) => ({ items: (await services.policies.listCategories()).map(presentAdminCategory) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/categories',
      summary: 'Create a policy category',
      auth: staffAuth('admin'),
      body: CategoryCreateSchema,
      response: CategoryAdminViewSchema,
      status: 201,
      errors: ['category_key_taken', 'category_name_taken'],
      handler: async ({ actor, input, services }) => presentAdminCategory(await services.policies.createCategory(actor, input.body)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/admin/categories/:id',
      summary: 'Rename, describe, reorder a category or change its rules (the key never changes)',
      auth: staffAuth('admin'),
      params: IdParams,
      body: CategoryUpdateSchema,
      response: CategoryAdminViewSchema,
      errors: ['not_found', 'category_name_taken'],
      handler: async ({ actor, input, services }) =>
        presentAdminCategory(await services.policies.updateCategory(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/admin/categories/:id',
      summary: 'Delete a category no policy uses',
      auth: staffAuth('admin'),
      params: IdParams,
      errors: ['not_found', 'category_in_use'],
      handler: ({ actor, input, services }) => services.policies.deleteCategory(actor, input.params.id),
    }),
  ],
});
