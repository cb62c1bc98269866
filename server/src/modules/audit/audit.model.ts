/**
 * The audit log (collection `audit_entries`): append-only, never updated or deleted by the app.
 * The actor is a snapshot (username and role at the time), so entries stay readable after an
 * account changes.
 */
import { Schema, type Types } from 'mongoose';

export interface AuditActorSnapshot {
  kind: 'staff' | 'citizen' | 'anonymous' | 'system';
  /** Staff id, user id, or the system component; null for anonymous. */
  id: string | null;
  username: string | null;
  role: string | null;
}

export interface AuditEntryDoc {
  _id: Types.ObjectId;
  at: Date;
  actor: AuditActorSnapshot;
  /** `<target>.<verb>`, e.g. `staff.create`, `letter.read_personal_data`. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** What changed (field names and non-personal values); never passwords or tokens. */
  details: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
}

export const auditEntrySchema = new Schema<AuditEntryDoc>(
  {
    at: { type: Date, required: true },
    actor: {
      kind: { type: String, required: true, enum: ['staff', 'citizen', 'anonymous', 'system'] },
      id: { type: String, default: null },
      username: { type: String, default: null },
      role: { type: String, default: null },
    },
    action: { type: String, required: true },
    targetType: { type: String, default: null },
    targetId: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: () => ({}) },
    ip: { type: String, default: null },
    requestId: { type: String, default: null },
  },
  // `minimize: false` keeps an empty `details` object instead of dropping the field.
  { collection: 'audit_entries', autoIndex: false, minimize: false, versionKey: false },
);
auditEntrySchema.index({ at: -1, _id: -1 });
auditEntrySchema.index({ 'actor.id': 1, at: -1 });
auditEntrySchema.index({ action: 1, at: -1 });
auditEntrySchema.index({ targetType: 1, targetId: 1, at: -1 });
