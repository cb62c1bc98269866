/**
 * The audit log. Every staff action and every staff read of citizens' personal data calls
 * {@link AuditService.recordAudit}; logins (successful and failed) are recorded by the auth
 * module. Entries are written before the response is sent: if the entry cannot be written the
 * request fails, so no personal data is shown unaudited.
 */
import type { ClientSession, Types } from 'mongoose';
import type { AuditQuery } from '../../../../shared/audit';
import type { Actor, StaffActor, SystemActor } from '../../lib/actor';
import { afterCursorFilter, decodeCursor, pageOf } from '../../lib/cursor';
import type { ServiceDeps } from '../../services';
import type { AuditActorSnapshot, AuditEntryDoc } from './audit.model';

/** What to record. `ip` and `requestId` default to the actor's own. */
export interface AuditInput {
  actor: Actor | SystemActor;
  /** `<target>.<verb>` in snake_case, e.g. `staff.create`, `letter.read_personal_data`. */
  action: string;
  targetType?: string | null;
  targetId?: string | Types.ObjectId | null;
  /** Non-personal facts about the action (changed field names, new role …); never passwords. */
  details?: Record<string, unknown>;
  ip?: string | null;
  requestId?: string | null;
  /**
   * Write the entry inside this transaction, so the action and its entry commit or abort
   * together (`deps.db.connection.transaction(async (session) => { … })`).
   */
  session?: ClientSession;
}

/** A page of audit entries. */
export interface AuditEntryPage {
  entries: AuditEntryDoc[];
  nextCursor: string | null;
}

export interface AuditService {
  /** Appends one entry. */
  recordAudit(entry: AuditInput): Promise<void>;
  /** Entries newest first, filtered; admin only (enforced by the route). */
  listAudit(actor: StaffActor, query: AuditQuery): Promise<AuditEntryPage>;
}

/** The actor as the audit log keeps it. */
export function snapshotActor(actor: Actor | SystemActor): AuditActorSnapshot {
  switch (actor.kind) {
    case 'staff':
      return { kind: 'staff', id: actor.staffId, username: actor.username, role: actor.role };
    case 'citizen':
      return { kind: 'citizen', id: actor.userId, username: null, role: null };
    case 'system':
      return { kind: 'system', id: actor.component, username: null, role: null };
    default:
      return { kind: 'anonymous', id: null, username: null, role: null };
  }
}

export function createAuditService({ models, clock }: ServiceDeps): AuditService {
  return {
    async recordAudit(entry) {
      const origin = entry.actor.kind === 'system' ? null : entry.actor;
      const doc = {
        at: new Date(clock()),
        actor: snapshotActor(entry.actor),
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId == null ? null : String(entry.targetId),
        details: entry.details ?? {},
        ip: entry.ip ?? origin?.ip ?? null,
        requestId: entry.requestId ?? origin?.requestId ?? null,
      };
      // The array form is the one mongoose accepts together with a session.
      await models.AuditEntry.create([doc], entry.session ? { session: entry.session } : {});
    },

    async listAudit(_actor, query) {
      const filters: Record<string, unknown>[] = [];
      if (query.actorId) filters.push({ 'actor.id': query.actorId });
      if (query.action) filters.push({ action: query.action });
      if (query.targetType) filters.push({ targetType: query.targetType });
      if (query.targetId) filters.push({ targetId: query.targetId });
      if (query.from) filters.push({ at: { $gte: new Date(query.from) } });
      if (query.to) filters.push({ at: { $lt: new Date(query.to) } });
      if (query.cursor) filters.push(afterCursorFilter('at', decodeCursor(query.cursor)));
      const rows = await models.AuditEntry.find(filters.length > 0 ? { $and: filters } : {})
        .sort({ at: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<AuditEntryDoc[]>();
      const page = pageOf(rows, query.limit, (r) => r.at);
      return { entries: page.rows, nextCursor: page.nextCursor };
    },
  };
}
