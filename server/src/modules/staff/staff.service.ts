/**
 * Staff accounts: created and changed by admins, every change audited. Changes that must end
 * existing sessions (password, role, department, deactivation) bump `tokenVersion`, which the
 * auth middleware compares with the token's `ver` on every request.
 */
import { randomBytes } from 'node:crypto';
import { isValidObjectId, Types } from 'mongoose';
import { ROLES_WITH_DEPARTMENT, type StaffCreate, type StaffListQuery, type StaffUpdate } from '../../../../shared/staff';
import type { StaffActor, SystemActor } from '../../lib/actor';
import { changesOf } from '../../lib/changes';
import { conflict, notFound, validationError } from '../../lib/errors';
import { isDuplicateKeyError } from '../../lib/mongo-errors';
import { hashPassword } from '../../lib/password';
import type { ServiceDeps } from '../../services';
import type { StaffDoc } from './staff.model';

/** Outcome of {@link StaffService.bootstrapAdmin}. */
export type BootstrapResult =
  | { created: false }
  /**
   * `generatedPassword` is set when the password was generated (development): show it once.
   * `recovered` is set when an existing account of that username was made the active admin again.
   */
  | { created: true; username: string; generatedPassword?: string; recovered?: true };

/** Username of the generated development admin. */
export const DEV_ADMIN_USERNAME = 'admin';

export interface StaffService {
  listStaff(actor: StaffActor, query: StaffListQuery): Promise<StaffDoc[]>;
  /** @throws not_found */
  getStaff(actor: StaffActor, id: string): Promise<StaffDoc>;
  /** @throws username_taken, validation_error (unknown department) */
  createStaff(actor: StaffActor, input: StaffCreate): Promise<StaffDoc>;
  /** @throws not_found, validation_error, last_admin */
  updateStaff(actor: StaffActor, id: string, input: StaffUpdate): Promise<StaffDoc>;
  /** Sets a new password chosen by the admin, ends the account's sessions and lifts a lockout. */
  resetPassword(actor: StaffActor, id: string, password: string): Promise<StaffDoc>;
  /** Forgets the account's failed logins from every address (lifts any back-off). Audited. @throws not_found */
  unlockStaff(actor: StaffActor, id: string): Promise<StaffDoc>;
  /** Sets the account's password (callers have checked the current one). Ends its sessions. */
  setPassword(staffId: Types.ObjectId, password: string): Promise<StaffDoc>;
  /** For the auth module: the account by id, active or not. */
  findStaffById(id: string): Promise<StaffDoc | null>;
  /** For the auth module: the account by (lower-case) username. */
  findStaffByUsername(username: string): Promise<StaffDoc | null>;
  /** For the auth module: records a successful login. */
  touchLastLogin(staffId: Types.ObjectId): Promise<StaffDoc | null>;
  countStaffInDepartment(departmentId: string): Promise<number>;
  /**
   * Makes sure an active admin exists. When none does: creates the account from
   * ADMIN_USERNAME/ADMIN_PASSWORD (outside production, `admin` with a generated password), or, when
   * that username already exists (deactivated or demoted), makes it the active admin again with
   * that password, logging it loudly. Safe to run on every start of every instance: the unique
   * username index lets exactly one insert win, and the recovery's filter lets one update win.
   * @throws Error in production when no admin exists and none is configured.
   */
  bootstrapAdmin(): Promise<BootstrapResult>;
}

/** `_id` of the guard document written by every change that takes an admin away. */
const ADMIN_GUARD_ID = 'active_admins';

export function createStaffService({ models, db, config, clock, logger, services }: ServiceDeps): StaffService {
  const load = async (id: string) => {
    const doc = isValidObjectId(id) ? await models.Staff.findById(id).lean<StaffDoc>() : null;
    if (!doc) throw notFound();
    return doc;
  };

  const requireDepartment = async (departmentId: string) => {
    if (!(await services.departments.departmentExists(departmentId))) {
      throw validationError([{ in: 'body', path: 'departmentId', message: '所选部门不存在' }]);
    }
  };

  const setPassword = async (staffId: Types.ObjectId, password: string) => {
    const after = await models.Staff.findByIdAndUpdate(
      staffId,
      { $set: { passwordHash: await hashPassword(password), passwordChangedAt: new Date(clock()) }, $inc: { tokenVersion: 1 } },
      { returnDocument: 'after' },
    ).lean<StaffDoc>();
    if (!after) throw notFound();
    return after;
  };

  /** The guard must exist before transactions write it: two first inserts in transactions would collide on `_id`. */
  const ensureGuard = async () => {
    const upsert = () => models.StaffGuard.updateOne({ _id: ADMIN_GUARD_ID }, { $setOnInsert: { seq: 0 } }, { upsert: true });
    try {
      await upsert();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      await upsert();
    }
  };

  return {
    async listStaff(_actor, query) {
      const filter: Record<string, unknown> = {};
      if (query.role) filter.role = query.role;
      if (query.departmentId) filter.departmentId = new Types.ObjectId(query.departmentId);
      if (query.active !== undefined) filter.active = query.active;
      return models.Staff.find(filter).sort({ username: 1 }).lean<StaffDoc[]>();
    },

    async getStaff(_actor, id) {
      return load(id);
    },

    async createStaff(actor, input) {
      if (input.departmentId) await requireDepartment(input.departmentId);
      const now = new Date(clock());
      let doc: StaffDoc;
      try {
        const created = await models.Staff.create({
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          departmentId: input.departmentId ? new Types.ObjectId(input.departmentId) : null,
          active: true,
          passwordHash: await hashPassword(input.password),
          tokenVersion: 1,
          passwordChangedAt: now,
        });
        doc = created.toObject<StaffDoc>();
      } catch (err) {
        if (isDuplicateKeyError(err)) throw conflict('username_taken');
        throw err;
      }
      await services.audit.recordAudit({
        actor,
        action: 'staff.create',
        targetType: 'staff',
        targetId: doc._id,
        details: { username: doc.username, role: doc.role, departmentId: doc.departmentId?.toHexString() ?? null },
      });
      return doc;
    },

    async updateStaff(actor, id, input) {
      if (input.departmentId) await requireDepartment(input.departmentId);
      await ensureGuard();
      // One transaction from the read to the audit entry: the account's own document and, when an
      // admin is taken away, the guard document are written in it, so a concurrent change to
      // either makes one side retry with fresh data (ADR 003, ADR 094).
      return db.connection.transaction(async (session) => {
        const before = isValidObjectId(id) ? await models.Staff.findById(id).session(session).lean<StaffDoc>() : null;
        if (!before) throw notFound();
        const role = input.role ?? before.role;
        const departmentId = input.departmentId === undefined ? before.departmentId?.toHexString() ?? null : input.departmentId;
        const active = input.active ?? before.active;
        if (ROLES_WITH_DEPARTMENT.includes(role) && !departmentId) {
          throw validationError([{ in: 'body', path: 'departmentId', message: '承办人员必须选择所属部门' }]);
        }
        const losesAdmin = before.role === 'admin' && before.active && (role !== 'admin' || !active);
        if (losesAdmin) {
          // Write first, then count: whoever writes the guard second conflicts and retries.
          await models.StaffGuard.updateOne({ _id: ADMIN_GUARD_ID }, { $inc: { seq: 1 } }, { session });
          const others = await models.Staff.countDocuments({ role: 'admin', active: true, _id: { $ne: before._id } }).session(session);
          if (others === 0) throw conflict('last_admin');
        }

        const set: Partial<StaffDoc> = { role, active, departmentId: departmentId ? new Types.ObjectId(departmentId) : null };
        if (input.displayName !== undefined) set.displayName = input.displayName;
        const endsSessions =
          role !== before.role || active !== before.active || (departmentId ?? null) !== (before.departmentId?.toHexString() ?? null);
        const after = await models.Staff.findByIdAndUpdate(
          before._id,
          endsSessions ? { $set: set, $inc: { tokenVersion: 1 } } : { $set: set },
          { returnDocument: 'after', session },
        ).lean<StaffDoc>();
        if (!after) throw notFound();
        await services.audit.recordAudit({
          actor,
          action: 'staff.update',
          targetType: 'staff',
          targetId: before._id,
          details: { changes: changesOf(before, after, ['displayName', 'role', 'departmentId', 'active']), sessionsEnded: endsSessions },
          session,
        });
        return after;
      });
    },

    async resetPassword(actor, id, password) {
      const before = await load(id);
      const after = await setPassword(before._id, password);
      await services.auth.clearLoginFailures(after.username);
      await services.audit.recordAudit({ actor, action: 'staff.reset_password', targetType: 'staff', targetId: before._id });
      return after;
    },

    async unlockStaff(actor, id) {
      const staff = await load(id);
      const cleared = await services.auth.clearLoginFailures(staff.username);
      await services.audit.recordAudit({ actor, action: 'staff.unlock', targetType: 'staff', targetId: staff._id, details: { username: staff.username, cleared } });
      return staff;
    },

    setPassword,

    async findStaffById(id) {
      return isValidObjectId(id) ? models.Staff.findById(id).lean<StaffDoc>() : null;
    },

    async findStaffByUsername(username) {
      return models.Staff.findOne({ username }).lean<StaffDoc>();
    },

    async touchLastLogin(staffId) {
      return models.Staff.findByIdAndUpdate(staffId, { $set: { lastLoginAt: new Date(clock()) } }, { returnDocument: 'after' }).lean<StaffDoc>();
    },

    async countStaffInDepartment(departmentId) {
      return models.Staff.countDocuments({ departmentId: new Types.ObjectId(departmentId) });
    },

    async bootstrapAdmin() {
      if ((await models.Staff.exists({ role: 'admin', active: true })) !== null) return { created: false };
      let username: string;
      let password: string;
      let generated = false;
      if (config.admin) {
        ({ username, password } = config.admin);
      } else if (config.env !== 'production') {
        username = DEV_ADMIN_USERNAME;
        password = randomBytes(15).toString('base64url');
        generated = true;
      } else {
        throw new Error('No active admin account exists: set ADMIN_USERNAME and ADMIN_PASSWORD for this start to create one');
      }
      const system: SystemActor = { kind: 'system', component: 'bootstrap' };
      const passwordHash = await hashPassword(password);
      const now = new Date(clock());
      let doc: StaffDoc;
      try {
        const created = await models.Staff.create({
          username,
          displayName: '系统管理员',
          role: 'admin',
          departmentId: null,
          active: true,
          passwordHash,
          tokenVersion: 1,
          passwordChangedAt: now,
        });
        doc = created.toObject<StaffDoc>();
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // The username exists but no admin is active (deactivated or demoted, e.g. after two
        // admins removed each other before the guard existed): recover it as the operator asked.
        // The filter makes the recovery happen once when several instances start together.
        const recovered = await models.Staff.findOneAndUpdate(
          { username, $nor: [{ role: 'admin', active: true }] },
          { $set: { role: 'admin', active: true, departmentId: null, passwordHash, passwordChangedAt: now }, $inc: { tokenVersion: 1 } },
          { returnDocument: 'after' },
        ).lean<StaffDoc>();
        if (!recovered) return { created: false };
        await services.auth.clearLoginFailures(username);
        logger.warn(
          { username },
          `!!! No active admin account existed: reactivated "${username}" as admin and reset its password from ${generated ? 'a generated password' : 'ADMIN_PASSWORD'}. Check the audit log for how the admins were lost. !!!`,
        );
        await services.audit.recordAudit({
          actor: system,
          action: 'staff.bootstrap_admin',
          targetType: 'staff',
          targetId: recovered._id,
          details: { username, recovered: true },
        });
        return generated ? { created: true, recovered: true, username, generatedPassword: password } : { created: true, recovered: true, username };
      }
      await services.audit.recordAudit({ actor: system, action: 'staff.bootstrap_admin', targetType: 'staff', targetId: doc._id, details: { username } });
      return generated ? { created: true, username, generatedPassword: password } : { created: true, username };
    },
  };
}
