/** `GET /api/health`: 200 when the BFF and its database answer, 503 otherwise. */
import { z } from 'zod';
import { defineRoute, defineRouteModule } from '../../lib/route';

export const HealthSchema = z.object({ status: z.literal('ok'), db: z.enum(['embedded', 'mongodb']) });

export const healthRoutes = defineRouteModule({
  tag: 'health',
  description: 'Service health',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/health',
      summary: 'Check that the service and its database answer',
      auth: 'public',
      response: HealthSchema,
      errors: ['service_unavailable'],
      handler: ({ services }) => services.health.check(),
    }),
  ],
});
