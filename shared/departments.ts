/** Departments (承办部门) that handle cases: field rules and request/response shapes. */
import { z } from 'zod';
import { boundedText } from './text';

export const DEPARTMENT_LIMITS = { nameMin: 2, nameMax: 30, descriptionMax: 200 } as const;

export const DepartmentCreateSchema = z.object({
  name: boundedText('部门名称', DEPARTMENT_LIMITS.nameMin, DEPARTMENT_LIMITS.nameMax),
  description: boundedText('部门说明', 0, DEPARTMENT_LIMITS.descriptionMax).optional(),
});
export type DepartmentCreate = z.infer<typeof DepartmentCreateSchema>;

export const DepartmentUpdateSchema = z
  .object({
    name: boundedText('部门名称', DEPARTMENT_LIMITS.nameMin, DEPARTMENT_LIMITS.nameMax).optional(),
    description: boundedText('部门说明', 0, DEPARTMENT_LIMITS.descriptionMax).optional(),
  })
  .refine((s) => s.name !== undefined || s.description !== undefined, { message: '没有需要修改的内容' });
export type DepartmentUpdate = z.infer<typeof DepartmentUpdateSchema>;

export const DepartmentViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type DepartmentView = z.infer<typeof DepartmentViewSchema>;

export const DepartmentListResponseSchema = z.object({ items: z.array(DepartmentViewSchema) });
