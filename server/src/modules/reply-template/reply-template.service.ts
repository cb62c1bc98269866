/**
 * Reply templates (常用语): the office and admins keep them; handlers (and the office) read them
 * while drafting. Every change is audited (`reply_template.create|update|delete`).
 */
import { isValidObjectId } from 'mongoose';
import type { ReplyTemplateCreate, ReplyTemplateListQuery, ReplyTemplateUpdate } from '../../../../shared/reply-templates';
import type { StaffActor } from '../../lib/actor';
import { changesOf } from '../../lib/changes';
import { conflict, notFound, validationError } from '../../lib/errors';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import type { ServiceDeps } from '../../services';
import type { ReplyTemplateDoc } from './reply-template.model';

export interface ReplyTemplateService {
  /** By title; with `category`, those for that category and those for every category. */
  listTemplates(actor: StaffActor, query: ReplyTemplateListQuery): Promise<ReplyTemplateDoc[]>;
  /** @throws not_found */
  getTemplate(actor: StaffActor, id: string): Promise<ReplyTemplateDoc>;
  /** @throws reply_template_title_taken, validation_error (unknown category) */
  createTemplate(actor: StaffActor, input: ReplyTemplateCreate): Promise<ReplyTemplateDoc>;
  /** @throws not_found, reply_template_title_taken, validation_error (unknown category) */
  updateTemplate(actor: StaffActor, id: string, input: ReplyTemplateUpdate): Promise<ReplyTemplateDoc>;
  /** @throws not_found */
  deleteTemplate(actor: StaffActor, id: string): Promise<void>;
}

export function createReplyTemplateService({ models, services }: ServiceDeps): ReplyTemplateService {
  const load = async (id: string): Promise<ReplyTemplateDoc> => {
    const doc = isValidObjectId(id) ? await models.ReplyTemplate.findById(id).lean<ReplyTemplateDoc>() : null;
    if (!doc) throw notFound();
    return doc;
  };

  /** A category must be one the mailbox has now (the settings); null means every category. */
  const checkCategory = async (category: string | null | undefined): Promise<void> => {
    if (category === undefined || category === null) return;
    const { settings } = await services.letters.getSettings();
    if (!settings.categories.some((c) => c.key === category)) {
      throw validationError([{ in: 'body', path: 'category', message: '信件类别不存在' }]);
    }
  };

  const saving = async <T>(write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (err) {
      if (isDuplicateKeyError(err)) throw conflict('reply_template_title_taken');
      throw err;
    }
  };

  return {
    async listTemplates(_actor, query) {
      const filter = query.category ? { category: { $in: [query.category, null] } } : {};
      return models.ReplyTemplate.find(filter).sort({ title: 1 }).lean<ReplyTemplateDoc[]>();
    },

    async getTemplate(_actor, id) {
      return load(id);
    },

    async createTemplate(actor, input) {
      await checkCategory(input.category);
      const doc = await saving(async () =>
        (
          await models.ReplyTemplate.create({
            title: input.title,
            text: input.text,
            category: input.category ?? null,
            updatedBy: actor.staffId,
            updatedByUsername: actor.username,
          })
        ).toObject<ReplyTemplateDoc>(),
      );
      await services.audit.recordAudit({
        actor,
        action: 'reply_template.create',
        targetType: 'reply_template',
        targetId: doc._id,
        details: { title: doc.title, category: doc.category },
      });
      return doc;
    },

    async updateTemplate(actor, id, input) {
      const before = await load(id);
      await checkCategory(input.category);
      const set: Partial<ReplyTemplateDoc> = { updatedBy: actor.staffId, updatedByUsername: actor.username };
      if (input.title !== undefined) set.title = input.title;
      if (input.text !== undefined) set.text = input.text;
      if (input.category !== undefined) set.category = input.category;
      const after = await saving(() => models.ReplyTemplate.findByIdAndUpdate(before._id, { $set: set }, { returnDocument: 'after' }).lean<ReplyTemplateDoc>());
      if (!after) throw notFound();
      await services.audit.recordAudit({
        actor,
        action: 'reply_template.update',
        targetType: 'reply_template',
        targetId: before._id,
        details: { changes: changesOf(before, after, (['title', 'text', 'category'] as const).filter((k) => input[k] !== undefined)) },
      });
      return after;
    },

    async deleteTemplate(actor, id) {
      const doc = await load(id);
      const { deletedCount } = await models.ReplyTemplate.deleteOne({ _id: doc._id });
      if (deletedCount === 0) throw notFound();
      await services.audit.recordAudit({
        actor,
        action: 'reply_template.delete',
        targetType: 'reply_template',
        targetId: doc._id,
        details: { title: doc.title, category: doc.category },
      });
    },
  };
}
