/**
 * The policy category catalog (政务公开 栏目/类别): a managed collection, not an enum. The default
 * categories are seeded once per database on first use (a marker document remembers it, so a
 * category an admin deletes stays deleted); admins create, rename and delete categories, and a
 * category still used by a policy cannot be deleted. Keys never change: policies store them.
 *
 * Each category keeps how many policies use it (`policyCount`) and how many are published
 * (`publishedCount`), maintained with `$inc` in the transactions that create a policy, move a
 * draft to another category and publish one (policies are never deleted or unpublished), because
 * counting thousands of policies on every public catalog request is too slow on the embedded
 * engine. `recountCategories()` recomputes both from the policies after bulk loads.
 */
import { isValidObjectId, Types, type ClientSession } from 'mongoose';
import { DEFAULT_POLICY_CATEGORIES, type CategoryCreate, type CategoryUpdate } from '../../../../shared/policies';
import type { StaffActor } from '../../lib/actor';
import { changesOf } from '../../lib/changes';
import { conflict, notFound } from '../../lib/errors';
import { duplicateKeyFields, isDuplicateKeyError } from '../../lib/mongo-errors';
import type { ServiceDeps } from '../../services';
import type { PolicyCategoryDoc } from './policy.model';

/** `_id` of the seeding marker. */
const SEEDED_MARKER = 'categories';

/** A category with how many policies use it. */
export interface CategoryWithCounts {
  category: PolicyCategoryDoc;
  /** Policies of any status. */
  policyCount: number;
  publishedCount: number;
}

export interface CategoryOps {
  /** Seeds the default catalog unless it was seeded before (idempotent, safe on every instance). */
  ensureDefaultCategories(): Promise<void>;
  /** Every category, by sort order then name. */
  allCategories(): Promise<PolicyCategoryDoc[]>;
  /** Every category with its policy counts. */
  categoriesWithCounts(): Promise<CategoryWithCounts[]>;
  /** @throws category_key_taken, category_name_taken */
  createCategory(actor: StaffActor, input: CategoryCreate): Promise<CategoryWithCounts>;
  /** @throws not_found, category_name_taken */
  updateCategory(actor: StaffActor, id: string, input: CategoryUpdate): Promise<CategoryWithCounts>;
  /** @throws not_found, category_in_use */
  deleteCategory(actor: StaffActor, id: string): Promise<void>;
  /** Moves the usage counters of category `key` (in the caller's transaction). */
  bumpCounts(key: string, delta: { policies?: number; published?: number }, session: ClientSession): Promise<void>;
  /** Recomputes every category's counters from the policies (after bulk loads); idempotent. */
  recountCategories(): Promise<void>;
}

const byOrder = (a: PolicyCategoryDoc, b: PolicyCategoryDoc) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name, 'zh-CN');

export function createCategoryOps({ models, clock, services }: ServiceDeps): CategoryOps {
  let seeding: Promise<void> | null = null;

  const seed = async (): Promise<void> => {
    if (await models.PolicyCatalogState.exists({ _id: SEEDED_MARKER })) return;
    for (const c of DEFAULT_POLICY_CATEGORIES) {
      try {
        // By key, insert-only: a category an admin already changed is left as it is.
        await models.PolicyCategory.updateOne({ key: c.key }, { $setOnInsert: { ...c, policyCount: 0, publishedCount: 0 } }, { upsert: true });
      } catch (err) {
        // Another instance seeding at the same moment, or an admin category with the same name.
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    try {
      await models.PolicyCatalogState.create({ _id: SEEDED_MARKER, seededAt: new Date(clock()) });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  };

  const ensureDefaultCategories = (): Promise<void> => {
    // Once per process; a failure is retried on the next call.
    seeding ??= seed().catch((err: unknown) => {
      seeding = null;
      throw err;
    });
    return seeding;
  };

  const allCategories = async (): Promise<PolicyCategoryDoc[]> => {
    await ensureDefaultCategories();
    return (await models.PolicyCategory.find({}).lean<PolicyCategoryDoc[]>()).sort(byOrder);
  };

  const withCounts = (category: PolicyCategoryDoc): CategoryWithCounts => ({
    category,
    policyCount: category.policyCount ?? 0,
    publishedCount: category.publishedCount ?? 0,
  });

  const load = async (id: string): Promise<PolicyCategoryDoc> => {
    await ensureDefaultCategories();
    const doc = isValidObjectId(id) ? await models.PolicyCategory.findById(id).lean<PolicyCategoryDoc>() : null;
    if (!doc) throw notFound();
    return doc;
  };

  const duplicate = (err: unknown) => (duplicateKeyFields(err).includes('key') ? conflict('category_key_taken') : conflict('category_name_taken'));

  return {
    ensureDefaultCategories,
    allCategories,

    async categoriesWithCounts() {
      return (await allCategories()).map(withCounts);
    },

    async createCategory(actor, input) {
      await ensureDefaultCategories();
      // Without a sort order a new category goes last.
      const last = await models.PolicyCategory.findOne({}, { sortOrder: 1 }).sort({ sortOrder: -1 }).lean<Pick<PolicyCategoryDoc, 'sortOrder'>>();
      const sortOrder = input.sortOrder ?? Math.min(9999, (last?.sortOrder ?? 0) + 10);
      let doc: PolicyCategoryDoc;
      try {
        doc = (
          await models.PolicyCategory.create({
            key: input.key,
            name: input.name,
            description: input.description ?? '',
            sortOrder,
            requiresDocumentNumber: input.requiresDocumentNumber ?? false,
            interpretationRequired: input.interpretationRequired ?? false,
            policyCount: 0,
            publishedCount: 0,
          })
        ).toObject<PolicyCategoryDoc>();
      } catch (err) {
        if (isDuplicateKeyError(err)) throw duplicate(err);
        throw err;
      }
      await services.audit.recordAudit({
        actor,
        action: 'policy_category.create',
        targetType: 'policy_category',
        targetId: doc._id,
        details: { key: doc.key, name: doc.name },
      });
      return withCounts(doc);
    },

    async updateCategory(actor, id, input) {
      const before = await load(id);
      const set: Partial<PolicyCategoryDoc> = {};
      for (const field of ['name', 'description', 'sortOrder', 'requiresDocumentNumber', 'interpretationRequired'] as const) {
        if (input[field] !== undefined) (set as Record<string, unknown>)[field] = input[field];
      }
      let after: PolicyCategoryDoc | null;
      try {
        after = await models.PolicyCategory.findByIdAndUpdate(before._id, { $set: set }, { returnDocument: 'after' }).lean<PolicyCategoryDoc>();
      } catch (err) {
        if (isDuplicateKeyError(err)) throw duplicate(err);
        throw err;
      }
      if (!after) throw notFound();
      await services.audit.recordAudit({
        actor,
        action: 'policy_category.update',
        targetType: 'policy_category',
        targetId: before._id,
        details: { key: before.key, changes: changesOf(before, after, Object.keys(set) as (keyof PolicyCategoryDoc)[]) },
      });
      return withCounts(after);
    },

    async deleteCategory(actor, id) {
      const doc = await load(id);
      const inUse = await models.Policy.countDocuments({ category: doc.key });
      if (inUse > 0) throw conflict('category_in_use', { policyCount: inUse });
      await models.PolicyCategory.deleteOne({ _id: new Types.ObjectId(id) });
      await services.audit.recordAudit({
        actor,
        action: 'policy_category.delete',
        targetType: 'policy_category',
        targetId: doc._id,
        details: { key: doc.key, name: doc.name },
      });
    },

    async bumpCounts(key, delta, session) {
      const inc: Record<string, number> = {};
      if (delta.policies) inc.policyCount = delta.policies;
      if (delta.published) inc.publishedCount = delta.published;
      if (Object.keys(inc).length === 0) return;
      await models.PolicyCategory.updateOne({ key }, { $inc: inc }, { session, timestamps: false });
    },

    async recountCategories() {
      for (const category of await allCategories()) {
        const [policyCount, publishedCount] = await Promise.all([
          models.Policy.countDocuments({ category: category.key }),
          models.Policy.countDocuments({ category: category.key, status: 'published' }),
        ]);
        await models.PolicyCategory.updateOne({ _id: category._id }, { $set: { policyCount, publishedCount } }, { timestamps: false });
      }
    },
  };
}
