/** Department management (admin only). */
import { z } from 'zod';
import {
  DepartmentCreateSchema,
  DepartmentListResponseSchema,
  DepartmentUpdateSchema,
  DepartmentViewSchema,
} from '../../../../shared/departments';
import { ObjectIdStringSchema } from '../../../../shared/text';
import { defineRoute, defineRouteModule, staffAuth } from '../../lib/route';
import { presentDepartment } from './department.presenter';

const IdParams = z.object({ id: ObjectIdStringSchema });

export const departmentRoutes = defineRouteModule({
  tag: 'departments',
  description: 'Departments that handle cases (承办部门)',
  routes: [
    defineRoute({
      method: 'get',
      path: '/api/admin/departments',
      summary: 'List departments by name',
      description: 'The office reads it too: it assigns letters and reports to departments.',
      auth: staffAuth('admin', 'office'),
      response: DepartmentListResponseSchema,
      handler: async ({ actor, services }) => ({
        items: (await services.departments.listDepartments(actor)).map(presentDepartment),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/admin/departments',
      summary: 'Create a department',
      auth: staffAuth('admin'),
      body: DepartmentCreateSchema,
      response: DepartmentViewSchema,
      status: 201,
      errors: ['department_name_taken'],
      handler: async ({ actor, input, services }) => presentDepartment(await services.departments.createDepartment(actor, input.body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/departments/:id',
      summary: 'Get a department',
      auth: staffAuth('admin'),
      params: IdParams,
      response: DepartmentViewSchema,
      errors: ['not_found'],
      handler: async ({ actor, input, services }) => presentDepartment(await services.departments.getDepartment(actor, input.params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/admin/departments/:id',
      summary: 'Rename or describe a department',
      auth: staffAuth('admin'),
      params: IdParams,
      body: DepartmentUpdateSchema,
      response: DepartmentViewSchema,
      errors: ['not_found', 'department_name_taken'],
      handler: async ({ actor, input, services }) =>
        presentDepartment(await services.departments.updateDepartment(actor, input.params.id, input.body)),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/admin/departments/:id',
      summary: 'Delete a department that has no staff',
      auth: staffAuth('admin'),
      params: IdParams,
      errors: ['not_found', 'department_in_use'],
      handler: ({ actor, input, services }) => services.departments.deleteDepartment(actor, input.params.id),
    }),
  ],
});
