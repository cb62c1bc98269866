/** Departments as the back office sees them. */
import type { DepartmentView } from '../../../../shared/departments';
import type { DepartmentDoc } from './department.model';

export function presentDepartment(doc: DepartmentDoc): DepartmentView {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    description: doc.description ?? '',
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
