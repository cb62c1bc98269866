/**
 * Factories over static fixtures: `buildXxx(overrides)` returns valid input with unique values
 * where uniqueness matters, so tests state only what they are about.
 */
import type { DepartmentCreate } from '../../shared/departments';
import type { StaffCreate } from '../../shared/staff';

let sequence = 0;
/** A number unique within the test file, for usernames and names. */
export function nextSeq(): number {
  sequence += 1;
  return sequence;
}

/** The password every factory-made staff account gets unless overridden. */
export const STAFF_PASSWORD = 'Correct-Horse-42';

const STAFF_FIXTURE: Omit<StaffCreate, 'username'> = {
  displayName: '王小明',
  role: 'office',
  departmentId: null,
  password: STAFF_PASSWORD,
};

/** Valid `POST /api/admin/staff` input. */
export function buildStaff(overrides: Partial<StaffCreate> = {}): StaffCreate {
  return { username: `staff${nextSeq()}`, ...STAFF_FIXTURE, ...overrides };
}

const DEPARTMENT_FIXTURE: Omit<DepartmentCreate, 'name'> = { description: '负责政府信息公开申请的办理' };

/** Valid `POST /api/admin/departments` input. */
export function buildDepartment(overrides: Partial<DepartmentCreate> = {}): DepartmentCreate {
  return { name: `县政务服务中心${nextSeq()}`, ...DEPARTMENT_FIXTURE, ...overrides };
}
