/** Departments: admin-managed list of the units that handle cases. */
import { isValidObjectId, Types } from 'mongoose';
import type { DepartmentCreate, DepartmentUpdate } from '../../../../shared/departments';
import type { StaffActor } from '../../lib/actor';
import { conflict, notFound } from '../../lib/errors';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import { changesOf } from '../../lib/changes';
import type { ServiceDeps } from '../../services';
import type { DepartmentDoc } from './department.model';

export interface DepartmentService {
  listDepartments(actor: StaffActor): Promise<DepartmentDoc[]>;
  /** @throws not_found */
  getDepartment(actor: StaffActor, id: string): Promise<DepartmentDoc>;
  /** @throws department_name_taken */
  createDepartment(actor: StaffActor, input: DepartmentCreate): Promise<DepartmentDoc>;
  /** @throws not_found, department_name_taken */
  updateDepartment(actor: StaffActor, id: string, input: DepartmentUpdate): Promise<DepartmentDoc>;
  /** @throws not_found, department_in_use (staff still belong to it) */
  deleteDepartment(actor: StaffActor, id: string): Promise<void>;
  /** For other services: whether the department exists. */
  departmentExists(id: string): Promise<boolean>;
}

export function createDepartmentService({ models, services }: ServiceDeps): DepartmentService {
  const load = async (id: string) => {
    const doc = isValidObjectId(id) ? await models.Department.findById(id).lean<DepartmentDoc>() : null;
    if (!doc) throw notFound();
    return doc;
  };

  return {
    async listDepartments() {
      return models.Department.find({}).sort({ name: 1 }).lean<DepartmentDoc[]>();
    },

    async getDepartment(_actor, id) {
      return load(id);
    },

    async createDepartment(actor, input) {
      let doc: DepartmentDoc;
      try {
        doc = (await models.Department.create({ name: input.name, description: input.description ?? '' })).toObject<DepartmentDoc>();
      } catch (err) {
        if (isDuplicateKeyError(err)) throw conflict('department_name_taken');
        throw err;
      }
      await services.audit.recordAudit({
        actor,
        action: 'department.create',
        targetType: 'department',
        targetId: doc._id,
        details: { name: doc.name },
      });
      return doc;
    },

    async updateDepartment(actor, id, input) {
      const before = await load(id);
      const set: Partial<DepartmentDoc> = {};
      if (input.name !== undefined) set.name = input.name;
      if (input.description !== undefined) set.description = input.description;
      let after: DepartmentDoc | null;
      try {
        after = await models.Department.findByIdAndUpdate(before._id, { $set: set }, { returnDocument: 'after' }).lean<DepartmentDoc>();
      } catch (err) {
        if (isDuplicateKeyError(err)) throw conflict('department_name_taken');
        throw err;
      }
      if (!after) throw notFound();
      await services.audit.recordAudit({
        actor,
        action: 'department.update',
        targetType: 'department',
        targetId: before._id,
        details: { changes: changesOf(before, after, Object.keys(set) as (keyof DepartmentDoc)[]) },
      });
      return after;
    },

    async deleteDepartment(actor, id) {
      const doc = await load(id);
      if ((await services.staff.countStaffInDepartment(doc._id.toHexString())) > 0) throw conflict('department_in_use');
      await models.Department.deleteOne({ _id: doc._id });
      await services.audit.recordAudit({
        actor,
        action: 'department.delete',
        targetType: 'department',
        targetId: doc._id,
        details: { name: doc.name },
      });
    },

    async departmentExists(id) {
      return isValidObjectId(id) && (await models.Department.exists({ _id: new Types.ObjectId(id) })) !== null;
    },
  };
}
