/** Staff accounts as the back office sees them: never the password hash or token version. */
import type { StaffView } from '../../../../shared/staff';
import type { StaffDoc } from './staff.model';

export function presentStaff(doc: StaffDoc): StaffView {
  return {
    id: doc._id.toHexString(),
    username: doc.username,
    displayName: doc.displayName,
    role: doc.role,
    departmentId: doc.departmentId ? doc.departmentId.toHexString() : null,
    active: doc.active,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    lastLoginAt: doc.lastLoginAt ? doc.lastLoginAt.toISOString() : null,
  };
}
