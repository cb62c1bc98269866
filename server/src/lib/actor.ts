/**
 * Who is making a request, and from where. The auth middleware builds the actor; handlers pass
 * it to services as their first argument, so services can authorize, audit (ip and request id
 * included) and rate-limit without seeing Koa's context.
 */
import type { StaffRole } from '../../../shared/staff';

/** Where a request came from; every actor carries it for the audit log. */
export interface RequestOrigin {
  /** Client IP (behind TRUST_PROXY proxies: the address the nearest trusted proxy saw). */
  ip: string;
  /** The request id sent back in `x-request-id` and written on every log line. */
  requestId: string;
}

/** Nobody signed in (public routes). */
export interface AnonymousActor extends RequestOrigin {
  kind: 'anonymous';
}

/** A citizen signed in through WeChat. */
export interface CitizenActor extends RequestOrigin {
  kind: 'citizen';
  /** Id of the `users` document. */
  userId: string;
}

/** A staff member; role and department come from the database on every request, not the token. */
export interface StaffActor extends RequestOrigin {
  kind: 'staff';
  staffId: string;
  username: string;
  role: StaffRole;
  departmentId: string | null;
}

/** Any request's actor. */
export type Actor = AnonymousActor | CitizenActor | StaffActor;

/** Work done by the server itself (boot tasks, schedulers), for the audit log. */
export interface SystemActor {
  kind: 'system';
  /** What ran, e.g. `bootstrap`. */
  component: string;
}
