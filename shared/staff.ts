/**
 * Staff accounts of the back office: roles, field rules and request/response shapes.
 *
 * Roles: `admin` manages staff, departments and settings; `office` (办公室) receives and routes
 * cases; `handler` drafts replies for one department; `reviewer` (分管领导) approves them.
 */
import { z } from 'zod';
import { ObjectIdStringSchema } from './text';

export const STAFF_ROLES = ['admin', 'office', 'handler', 'reviewer'] as const;
export const StaffRoleSchema = z.enum(STAFF_ROLES, { error: '请选择角色' });
export type StaffRole = z.infer<typeof StaffRoleSchema>;

/** Chinese role names for the back office. */
export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  admin: '系统管理员',
  office: '办公室',
  handler: '承办人员',
  reviewer: '分管领导',
};

/** Roles that must belong to a department. */
export const ROLES_WITH_DEPARTMENT: readonly StaffRole[] = ['handler'];

export const STAFF_LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 10,
  passwordMax: 128,
  displayNameMax: 20,
} as const;

/** Lower-case login name: letters, digits, `.`, `_`, `-`. */
export const UsernameSchema = z
  .string({ error: '请填写用户名' })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]+$/, { message: '用户名只能包含字母、数字、点、下划线和连字符' })
  .min(STAFF_LIMITS.usernameMin, { message: `用户名至少${STAFF_LIMITS.usernameMin}个字符` })
  .max(STAFF_LIMITS.usernameMax, { message: `用户名最多${STAFF_LIMITS.usernameMax}个字符` });

/** A new password: long enough to resist guessing; any characters allowed. */
export const StaffPasswordSchema = z
  .string({ error: '请填写密码' })
  .min(STAFF_LIMITS.passwordMin, { message: `密码至少${STAFF_LIMITS.passwordMin}个字符` })
  .max(STAFF_LIMITS.passwordMax, { message: `密码最多${STAFF_LIMITS.passwordMax}个字符` });

export const DisplayNameSchema = z
  .string({ error: '请填写姓名' })
  .trim()
  .min(1, { message: '请填写姓名' })
  .max(STAFF_LIMITS.displayNameMax, { message: `姓名最多${STAFF_LIMITS.displayNameMax}个字` });

export const StaffLoginSchema = z.object({
  username: z.string({ error: '请填写用户名' }).trim().toLowerCase().min(1, { message: '请填写用户名' }).max(64),
  // Existing passwords are checked as given: the policy applies when a password is set.
  password: z.string({ error: '请填写密码' }).min(1, { message: '请填写密码' }).max(STAFF_LIMITS.passwordMax),
});
export type StaffLogin = z.infer<typeof StaffLoginSchema>;

export const StaffViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: StaffRoleSchema,
  departmentId: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  lastLoginAt: z.iso.datetime().nullable(),
});
export type StaffView = z.infer<typeof StaffViewSchema>;

export const StaffLoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime(),
  staff: StaffViewSchema,
});

const departmentRule = {
  message: '承办人员必须选择所属部门',
  path: ['departmentId'],
};

export const StaffCreateSchema = z
  .object({
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    role: StaffRoleSchema,
    departmentId: ObjectIdStringSchema.nullable().optional(),
    password: StaffPasswordSchema,
  })
  .refine((s) => !ROLES_WITH_DEPARTMENT.includes(s.role) || Boolean(s.departmentId), departmentRule);
export type StaffCreate = z.infer<typeof StaffCreateSchema>;

/** Partial update; the department rule is checked against the stored account by the server. */
export const StaffUpdateSchema = z
  .object({
    displayName: DisplayNameSchema.optional(),
    role: StaffRoleSchema.optional(),
    departmentId: ObjectIdStringSchema.nullable().optional(),
    active: z.boolean({ error: '请选择是否启用' }).optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), { message: '没有需要修改的内容' });
export type StaffUpdate = z.infer<typeof StaffUpdateSchema>;

export const StaffPasswordResetSchema = z.object({ password: StaffPasswordSchema });

export const StaffPasswordChangeSchema = z.object({
  currentPassword: z.string({ error: '请填写当前密码' }).min(1, { message: '请填写当前密码' }).max(STAFF_LIMITS.passwordMax),
  newPassword: StaffPasswordSchema,
});
export type StaffPasswordChange = z.infer<typeof StaffPasswordChangeSchema>;

/** `?active=true|false` as query strings arrive. */
const BooleanQuerySchema = z.enum(['true', 'false'], { error: '只能是 true 或 false' }).transform((v) => v === 'true');

export const StaffListQuerySchema = z.object({
  role: StaffRoleSchema.optional(),
  departmentId: ObjectIdStringSchema.optional(),
  active: BooleanQuerySchema.optional(),
});
export type StaffListQuery = z.infer<typeof StaffListQuerySchema>;

export const StaffListResponseSchema = z.object({ items: z.array(StaffViewSchema) });
