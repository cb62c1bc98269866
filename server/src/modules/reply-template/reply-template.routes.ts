/** Reply templates (常用语): the office and admins manage them; handlers and the office read them. */
import { z } from 'zod';
import {
  ReplyTemplateCreateSchema,
  ReplyTemplateListQuerySchema,
  ReplyTemplateListResponseSchema,
  ReplyTemplateUpdateSchema,
  ReplyTemplateViewSchema,
} from '../../../../shared/reply-templates';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentReplyTemplate } from './reply-template.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });
const READERS = staffAuth('office', 'admin', 'handler');
const KEEPERS = staffAuth('office', 'admin');

export const replyTemplateRoutes = defineRouteModule({
  tag: 'reply-templates',
  description: 'Reply templates (常用语) for drafting letter replies, kept by the office',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/admin/reply-templates',
      summary: 'Reply templates by title; with `category`, those for that letter category and those for every category',
      auth: READERS,
      query: ReplyTemplateListQuerySchema,
      response: ReplyTemplateListResponseSchema,
      handler: async ({ actor, input, services }) => ({
        items: (await services.replyTemplates.listTemplates(actor, input.query)).map(presentReplyTemplate),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/reply-templates',
      summary: 'Create a reply template (办公室, admin)',
      auth: KEEPERS,
      body: ReplyTemplateCreateSchema,
      response: ReplyTemplateViewSchema,
      status: 201,
      errors: ['reply_template_title_taken'],
      handler: async ({ actor, input, services }) => presentReplyTemplate(await services.replyTemplates.createTemplate(actor, input.body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/reply-templates/:id',
      summary: 'One reply template',
      auth: READERS,
      params: IdParams,
      response: ReplyTemplateViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentReplyTemplate(await services.replyTemplates.getTemplate(actor, input.params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/admin/reply-templates/:id',
      summary: 'Change a reply template’s title, text or category (办公室, admin)',
      auth: KEEPERS,
      params: IdParams,
      body: ReplyTemplateUpdateSchema,
      response: ReplyTemplateViewSchema,
      errors: ['not_found', 'reply_template_title_taken'],
      handler: async ({ actor, input, services }) =>
        presentReplyTemplate(await services.replyTemplates.updateTemplate(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/admin/reply-templates/:id',
      summary: 'Delete a reply template (办公室, admin)',
      auth: KEEPERS,
      params: IdParams,
      errors: ['not_found'],
      handler: ({ actor, input, services }) => services.replyTemplates.deleteTemplate(actor, input.params.id),
    }),
  ],
});
