/**
 * Route-level access by role (the ant-design-pro pattern): each menu entry names the roles that
 * may open it; the layout hides the others and the route answers 403 to a typed-in address.
 */
import type { StaffRole } from '../../shared/staff';

/** A side-menu entry and the roles that see it. */
export interface MenuEntry {
  path: string;
  label: string;
  roles: readonly StaffRole[];
}

const ALL: readonly StaffRole[] = ['admin', 'office', 'handler', 'reviewer'];

/** The side menu, in order. */
export const MENU: readonly MenuEntry[] = [
  { path: '/dashboard', label: '工作台', roles: ALL },
  { path: '/letters', label: '主任信箱', roles: ALL },
  // The API lets the office and handlers read 找错 reports (handlers: their department's).
  { path: '/error-reports', label: '网站找错', roles: ['office', 'handler'] },
];

/** Whether `role` may open the page at `pathname` (the longest menu prefix decides; other pages are open). */
export function canOpen(role: StaffRole, pathname: string): boolean {
  const entry = MENU.filter((m) => pathname === m.path || pathname.startsWith(`${m.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
  return !entry || entry.roles.includes(role);
}
