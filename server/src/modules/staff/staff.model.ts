/** Staff accounts (collection `staff`). */
import { Schema, type Types } from 'mongoose';
import { STAFF_ROLES, type StaffRole } from '../../../../shared/staff';

export interface StaffDoc {
  _id: Types.ObjectId;
  /** Lower-case, unique. */
  username: string;
  displayName: string;
  role: StaffRole;
  departmentId: Types.ObjectId | null;
  active: boolean;
  /** scrypt hash from lib/password.ts. */
  passwordHash: string;
  /**
   * Bumped whenever existing tokens must stop working: password change or reset, deactivation,
   * role or department change. Tokens carry it as `ver`.
   */
  tokenVersion: number;
  passwordChangedAt: Date;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const staffSchema = new Schema<StaffDoc>(
  {
    username: { type: String, required: true },
    displayName: { type: String, required: true },
    role: { type: String, required: true, enum: STAFF_ROLES },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    active: { type: Boolean, required: true, default: true },
    passwordHash: { type: String, required: true },
    tokenVersion: { type: Number, required: true, default: 1 },
    passwordChangedAt: { type: Date, required: true },
    lastLoginAt: { type: Date, default: null },
  },
  { collection: 'staff', timestamps: true, autoIndex: false },
);
// Unique usernames also make the first-admin bootstrap safe when several instances start at once.
staffSchema.index({ username: 1 }, { unique: true });
staffSchema.index({ role: 1, active: 1 });
staffSchema.index({ departmentId: 1 });

/**
 * One document (`_id: 'active_admins'`, collection `staff_guards`) that every change taking an
 * admin away (deactivation, demotion) writes in its transaction before counting the remaining
 * active admins. Two such changes at once therefore write the same document and conflict, so the
 * second re-counts after the first committed: the "never zero active admins" rule cannot be beaten
 * by a write skew (ADR 094).
 */
export interface StaffGuardDoc {
  _id: string;
  /** Changes guarded so far; the value matters less than the write. */
  seq: number;
}

export const staffGuardSchema = new Schema<StaffGuardDoc>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { collection: 'staff_guards', autoIndex: false, versionKey: false },
);
