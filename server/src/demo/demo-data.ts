/**
 * Demo data (ADR 103): on the first development start, an empty database is filled with the demo
 * county of demo-county.ts, so `npm start` shows a living product.
 *
 * Everything is written through the product's services, as the routes would (inputs parsed with
 * the routes' shared schemas), so every document is valid and consistent: histories, deadlines,
 * audit entries, notifications. The seed runs on service registries of its own whose clocks it
 * moves: every step of every case is an event at an instant in the past months, and the events
 * run in chronological order with the clock set to their instant (in a few lanes of independent
 * cases that run side by side, each on its own registry and clock). The registries have no WeChat
 * client: the demo citizens are invented, and content checks take the development path (`pass`).
 *
 * It runs only when the database holds nothing but the bootstrap admin, and only once across
 * instances starting together: the first to take the permanent lease `demo-data` seeds, the others
 * skip. A seed that fails half-way keeps its lease (the database is no longer empty either); wipe
 * the development database to start again.
 */
import { randomBytes } from 'node:crypto';
import { StaffCreateSchema, type StaffRole } from '../../../shared/staff';
import type { Config } from '../config';
import type { CitizenActor, StaffActor } from '../lib/actor';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Models } from '../models';
import { devOpenid } from '../modules/auth/auth.service';
import { createServices, type ServiceDeps, type Services } from '../services';
import { planConsultation, planLetter, planReport } from './demo-cases';
import { DEMO_CONSULTATIONS, DEMO_DEPARTMENTS, DEMO_LETTERS, DEMO_POLICIES, DEMO_REPORTS, DEMO_STAFF } from './demo-county';
import { cstDayAt, DAY } from './demo-plan';
import { planPolicies } from './demo-policies';

/** The lease whose holder seeded (or is seeding) the database; never released. */
export const DEMO_LEASE = 'demo-data';
/** Prefix of the demo citizens' dev-login names: `dev:demo-citizen-1` signs in as the first. */
export const DEMO_CITIZEN_PREFIX = 'demo-citizen-';

/** Longer than any database lives: the lease is a permanent marker. */
const FOREVER_MS = 100 * 365 * DAY;

/** What the seed needs: the app's models and database, config and logger. */
export interface DemoSeedDeps {
  models: Models;
  db: ServiceDeps['db'];
  config: Config;
  logger: Logger;
  /** The real time (default: the system clock); every demo event happens before it. */
  clock?: Clock;
  /** Names this instance in the lease. */
  instanceId: string;
}

/** A demo staff account and its generated password (shown once). */
export interface DemoCredential {
  username: string;
  displayName: string;
  role: StaffRole;
  department: string | null;
  password: string;
}

/** What a seed did. */
export type DemoSeedResult =
  | { seeded: false; reason: 'not_empty' | 'taken' }
  | {
      seeded: true;
      credentials: DemoCredential[];
      /** Dev-login names of the demo citizens (`dev:<name>` in the mini-program). */
      citizens: string[];
      counts: { departments: number; staff: number; policies: number; letters: number; errorReports: number; consultations: number };
      ms: number;
    };

/** One step of the demo's history: run with the clock at `at`. */
interface DemoEvent {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

/** Whether the database holds anything besides the bootstrap admin. */
async function isEmpty(models: Models): Promise<boolean> {
  const counts = await Promise.all([
    models.Staff.countDocuments({ role: { $ne: 'admin' } }),
    models.Department.countDocuments({}),
    models.Policy.countDocuments({}),
    models.Letter.countDocuments({}),
    models.ErrorReport.countDocuments({}),
    models.Consultation.countDocuments({}),
  ]);
  return counts.every((n) => n === 0);
}

/**
 * Seeds the demo county when the database is empty and no other instance has claimed it. Returns
 * the staff credentials for the caller to print once.
 */
export async function seedDemoData(deps: DemoSeedDeps): Promise<DemoSeedResult> {
  const realClock = deps.clock ?? Date.now;
  const started = performance.now();
  const now = realClock();
  if (!(await isEmpty(deps.models))) return { seeded: false, reason: 'not_empty' };

  // The seed's own registry, on a clock it moves; no WeChat (the demo citizens are invented).
  const logger = deps.logger.child({ component: 'demo-data' });
  /**
   * A lane: a service registry on a clock of its own and the events it replays in order. Cases
   * that do not depend on each other run in separate lanes at the same time (the database's
   * group commit then shares its flushes), which makes the seed several times faster.
   */
  const lane = () => {
    let current = now;
    const events: DemoEvent[] = [];
    const services: Services = createServices({
      models: deps.models,
      db: deps.db,
      config: deps.config,
      logger,
      clock: () => current,
      wechat: null,
      instanceId: deps.instanceId,
    });
    return {
      services,
      setClock(at: number) {
        current = at;
      },
      at(when: number, run: () => Promise<void>) {
        if (when >= now) throw new Error(`demo data: an event is not in the past (${new Date(when).toISOString()})`);
        events.push({ at: when, seq: events.length, run });
      },
      async replay() {
        events.sort((a, b) => a.at - b.at || a.seq - b.seq);
        for (const e of events) {
          current = e.at;
          await e.run();
        }
        return events.length;
      },
    };
  };
  const setup = lane();
  const { services } = setup;
  if (!(await services.leases.tryAcquire(DEMO_LEASE, deps.instanceId, FOREVER_MS))) return { seeded: false, reason: 'taken' };
  // Another instance may have seeded and gone between the check and the lease: check again.
  if (!(await isEmpty(deps.models))) return { seeded: false, reason: 'not_empty' };

  const origin = { ip: '127.0.0.1', requestId: 'demo-data' };
  const admin = await deps.models.Staff.findOne({ role: 'admin', active: true }).lean();
  if (!admin) throw new Error('demo data needs the bootstrap admin');
  const adminActor: StaffActor = { kind: 'staff', staffId: admin._id.toHexString(), username: admin.username, role: 'admin', departmentId: null, ...origin };

  // Departments and staff exist from the start of the demo's history.
  setup.setClock(cstDayAt(now, 200, 9));
  const departments = new Map<string, string>();
  for (const d of DEMO_DEPARTMENTS) {
    const doc = await services.departments.createDepartment(adminActor, { name: d.name, description: d.description });
    departments.set(d.key, doc._id.toHexString());
  }
  const dept = (key: string) => {
    const id = departments.get(key);
    if (!id) throw new Error(`demo data: unknown department ${key}`);
    return id;
  };
  const staff = new Map<string, StaffActor>();
  // Concurrently: password hashing (scrypt) is most of the cost and runs off the main thread.
  const credentials: DemoCredential[] = await Promise.all(
    DEMO_STAFF.map(async (s) => {
      const password = randomBytes(12).toString('base64url');
      const departmentId = s.department ? dept(s.department) : null;
      const doc = await services.staff.createStaff(
        adminActor,
        StaffCreateSchema.parse({ username: s.username, displayName: s.displayName, role: s.role, departmentId, password }),
      );
      const actor: StaffActor = { kind: 'staff', staffId: doc._id.toHexString(), username: doc.username, role: doc.role, departmentId, ...origin };
      staff.set(s.role === 'handler' ? `handler:${s.department}` : s.role, actor);
      const department = s.department ? (DEMO_DEPARTMENTS.find((x) => x.key === s.department)?.name ?? null) : null;
      return { username: doc.username, displayName: doc.displayName, role: doc.role, department, password };
    }),
  );
  const actorOf = (key: string) => {
    const a = staff.get(key);
    if (!a) throw new Error(`demo data: no staff ${key}`);
    return a;
  };
  const office = actorOf('office');
  const reviewer = actorOf('reviewer');
  const handlerOf = (department: string) => actorOf(`handler:${department}`);

  const citizenActors = new Map<number, CitizenActor>();
  const citizen = async (n: number): Promise<CitizenActor> => {
    let actor = citizenActors.get(n);
    if (!actor) {
      const user = await services.users.upsertByOpenid(devOpenid(`${DEMO_CITIZEN_PREFIX}${n}`));
      actor = { kind: 'citizen', userId: user._id.toHexString(), ...origin };
      citizenActors.set(n, actor);
    }
    return actor;
  };

  // Lanes: policies linked by amendment or replacement share one; letters and the rest spread.
  const linked = new Set(DEMO_POLICIES.flatMap((p) => (p.by ? [p.key, p.by] : [])));
  const policyLanes = [lane(), lane()];
  for (const [i, l] of policyLanes.entries()) {
    const mine = DEMO_POLICIES.filter((p, j) => (linked.has(p.key) ? 0 : j % 2) === i);
    planPolicies(mine, { at: l.at, now, dept, office, reviewer, services: l.services });
  }
  const letterLanes = [lane(), lane()];
  DEMO_LETTERS.forEach((x, i) => {
    const l = letterLanes[i % letterLanes.length];
    planLetter(x, i, { at: l.at, now, dept, office, reviewer, handlerOf, citizen, services: l.services });
  });
  // Reports in one lane: a duplicate is linked to the primary submitted before it.
  const reportLane = lane();
  DEMO_REPORTS.forEach((r, i) => planReport(r, i, { at: reportLane.at, now, dept, office, handlerOf, citizen, services: reportLane.services }));
  const consultationLane = lane();
  DEMO_CONSULTATIONS.forEach((c, i) => planConsultation(c, i, { at: consultationLane.at, now, dept, office, citizen, services: consultationLane.services }));
  await Promise.all([...policyLanes, ...letterLanes, reportLane, consultationLane].map((l) => l.replay()));

  return {
    seeded: true,
    credentials,
    citizens: [...citizenActors.keys()].sort((a, b) => a - b).map((n) => `${DEMO_CITIZEN_PREFIX}${n}`),
    counts: {
      departments: DEMO_DEPARTMENTS.length,
      staff: DEMO_STAFF.length,
      policies: DEMO_POLICIES.length,
      letters: DEMO_LETTERS.length,
      errorReports: DEMO_REPORTS.length,
      consultations: DEMO_CONSULTATIONS.length,
    },
    ms: Math.round(performance.now() - started),
  };
}
