/** The human review queue for user text held back from publication (office). */
import { z } from 'zod';
import {
  ContentReviewDecisionSchema,
  ContentReviewPageSchema,
  ContentReviewQuerySchema,
  ContentReviewViewSchema,
} from '../../../../shared/content-reviews';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentContentReview } from './content-safety.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });

export const contentSafetyRoutes = defineRouteModule({
  tag: 'content-reviews',
  description: 'Human review of user text held back by the content-safety check (内容审核)',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/admin/content-reviews',
      summary: 'List held items, newest first (pending by default)',
      description: 'Excerpts have phone numbers, ID numbers, e-mail and street addresses masked.',
      auth: staffAuth('office'),
      query: ContentReviewQuerySchema,
      response: ContentReviewPageSchema,
      handler: async ({ actor, input, services }) => {
        const page = await services.contentSafety.listReviews(actor, input.query);
        return { items: page.reviews.map(presentContentReview), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/content-reviews/:id/approve',
      summary: 'Approve a held item for publication',
      description: 'Audited; the owning feature learns the decision in the same transaction.',
      auth: staffAuth('office'),
      params: IdParams,
      body: ContentReviewDecisionSchema,
      response: ContentReviewViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentContentReview(await services.contentSafety.decide(actor, input.params.id, 'approved', input.body.note)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/content-reviews/:id/reject',
      summary: 'Reject a held item (it stays unpublished)',
      description: 'Audited; the owning feature learns the decision in the same transaction.',
      auth: staffAuth('office'),
      params: IdParams,
      body: ContentReviewDecisionSchema,
      response: ContentReviewViewSchema,
      errors: ['not_found', 'invalid_state'],
      handler: async ({ actor, input, services }) =>
        presentContentReview(await services.contentSafety.decide(actor, input.params.id, 'rejected', input.body.note)),
    }),
  ],
});
