/**
 * The BFF for integration tests: a real app on a real database (one per test file, see db.ts),
 * real signed tokens, and WeChat faked by the loopback server in fake-wechat.ts when a test
 * passes one. Typical use:
 *
 * ```ts
 * let t: TestApp;
 * beforeAll(async () => { t = await createTestApp(); });
 * afterAll(() => t.close());
 *
 * it('lists departments for an admin', async () => {
 *   const res = await request(t.app).get('/api/admin/departments').set(auth(await t.staffToken('admin')));
 *   expect(res.status).toBe(200);
 * });
 * ```
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import { Types } from 'mongoose';
import type { StaffRole } from '../../shared/staff';
import { createApp, type App } from '../../server/src/app';
import { parseConfig, type Config } from '../../server/src/config';
import type { AnonymousActor } from '../../server/src/lib/actor';
import type { Clock } from '../../server/src/lib/clock';
import type { RouteModule } from '../../server/src/lib/route';
import { createLogger, type Logger } from '../../server/src/lib/logger';
import { hashPassword } from '../../server/src/lib/password';
import { ensureIndexes, type Models } from '../../server/src/models';
import type { DepartmentDoc } from '../../server/src/modules/department/department.model';
import type { StaffDoc } from '../../server/src/modules/staff/staff.model';
import type { Services } from '../../server/src/services';
import { openTestDatabase, type TestDatabase } from './db';
import { buildDepartment, buildStaff, STAFF_PASSWORD } from './factories';
import type { FakeWechat } from './fake-wechat';

/** The JWT secret of every test app. */
export const TEST_JWT_SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
/** AppID and secret the fake WeChat server is started with in tests. */
export const TEST_WECHAT = { appId: 'wx00000000test0001', secret: 'test-wechat-secret-0123456789' } as const;

/** A clock tests move by hand. */
export interface TestClock {
  now: Clock;
  advance(ms: number): void;
  set(ms: number): void;
}

/** A clock starting at `startMs` (default: the real time now) that moves only when told. */
export function createTestClock(startMs = Date.now()): TestClock {
  let t = startMs;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

/** Options of {@link createTestApp}. */
export interface TestAppOptions {
  /** Extra environment variables, parsed by the real config parser (e.g. `{ RATE_LIMIT_PER_USER: '3' }`). */
  env?: Record<string, string>;
  /** Point the WeChat client at this fake (started with {@link TEST_WECHAT} credentials). */
  wechat?: FakeWechat;
  /** Share another test app's database (e.g. two instances behind one load balancer). */
  database?: TestDatabase;
  clock?: TestClock;
  /** Extra route modules (probe routes for framework tests). */
  extraRoutes?: readonly RouteModule[];
}

/** A staff account made for a test, with its password and a valid token. */
export interface TestStaff {
  staff: StaffDoc;
  id: string;
  password: string;
  token: string;
}

export interface TestApp {
  /** Supertest-ready server: `request(t.app).get(...)`. */
  app: http.Server;
  built: App;
  models: Models;
  services: Services;
  db: TestDatabase;
  config: Config;
  clock: TestClock;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  /** Signs in a citizen through dev login (`dev:<name>`) and returns the token. */
  citizenToken(name?: string): Promise<string>;
  /** A token of a new active staff account with this role (handlers get a new department unless given one). */
  staffToken(role: StaffRole, departmentId?: string): Promise<string>;
  /** Creates an active staff account directly in the database. */
  createStaff(overrides?: Partial<Omit<StaffDoc, '_id' | 'passwordHash'>> & { password?: string }): Promise<TestStaff>;
  createDepartment(overrides?: { name?: string; description?: string }): Promise<DepartmentDoc>;
  /**
   * Closes the database if this app opened it. Throws if any route returned an error code it did
   * not declare in `errors` (the OpenAPI document would be wrong).
   */
  close(): Promise<void>;
}

/** `Authorization` header for a token. */
export function auth(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** A logger that keeps its lines in `lines`. */
export function captureLogger(level: Config['logLevel'] = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, destination: sink }), lines };
}

/** The environment every test app starts from. */
export function testEnv(options: Pick<TestAppOptions, 'env' | 'wechat'> = {}): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: 'tmp/test-data',
    WECHAT_DEV_LOGIN: 'true',
    LOG_LEVEL: 'info',
    // Tests read their own writes at once; test/server/public-cache.test.ts turns the cache on.
    PUBLIC_CACHE_SECONDS: '0',
    SETTINGS_CACHE_SECONDS: '0',
    // Tests read public lists far more often than a person (on a frozen clock, in one window);
    // test/server/public-read-limit.test.ts sets its own limits.
    PUBLIC_READ_RATE_LIMIT_PER_IP: '1000000',
    PUBLIC_SEARCH_RATE_LIMIT_PER_IP: '1000000',
  };
  if (options.wechat) {
    Object.assign(env, { WECHAT_API_BASE: options.wechat.baseUrl, WECHAT_APPID: TEST_WECHAT.appId, WECHAT_SECRET: TEST_WECHAT.secret });
  }
  return { ...env, ...options.env };
}

const anonymous: AnonymousActor = { kind: 'anonymous', ip: '127.0.0.1', requestId: 'test-setup' };

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = options.database === undefined;
  const db = options.database ?? (await openTestDatabase('bff'));
  const config = parseConfig(testEnv(options));
  const clock = options.clock ?? createTestClock();
  const { logger, lines } = captureLogger(config.logLevel);
  const built = createApp({ config, logger, connection: db.connection, dbKind: db.kind, clock: clock.now, extraRoutes: options.extraRoutes });
  await ensureIndexes(built.models);
  const server = http.createServer(built.callback());
  const { models, services } = built;

  const createDepartment: TestApp['createDepartment'] = async (overrides = {}) => {
    const input = buildDepartment(overrides);
    const doc = await models.Department.create({ name: input.name, description: input.description ?? '' });
    return doc.toObject<DepartmentDoc>();
  };

  const createStaff: TestApp['createStaff'] = async (overrides = {}) => {
    const { password = STAFF_PASSWORD, ...fields } = overrides;
    const base = buildStaff({ password });
    let departmentId: Types.ObjectId | null = fields.departmentId ?? null;
    if ((fields.role ?? base.role) === 'handler' && !departmentId) departmentId = (await createDepartment())._id;
    const doc = await models.Staff.create({
      username: base.username,
      displayName: base.displayName,
      role: base.role,
      active: true,
      tokenVersion: 1,
      passwordChangedAt: new Date(clock.now()),
      ...fields,
      departmentId,
      passwordHash: await hashPassword(password),
    });
    const staff = doc.toObject<StaffDoc>();
    return { staff, id: staff._id.toHexString(), password, token: services.auth.issueStaffToken(staff).token };
  };

  return {
    app: server,
    built,
    models,
    services,
    db,
    config,
    clock,
    logs: lines,
    async citizenToken(name = 'citizen') {
      return (await services.auth.loginCitizen(anonymous, { code: `dev:${name}` })).token;
    },
    async staffToken(role, departmentId) {
      const overrides = departmentId ? { role, departmentId: new Types.ObjectId(departmentId) } : { role };
      return (await createStaff(overrides)).token;
    },
    createStaff,
    createDepartment,
    async close() {
      server.close();
      if (ownsDatabase) await db.close();
      // Keeps the OpenAPI document honest: a route that returned an error code it does not
      // declare fails the test file that exercised it.
      const undeclared = lines.filter((l) => String(l.msg).includes('undeclared error code'));
      if (undeclared.length > 0) {
        throw new Error(`routes returned undeclared error codes: ${undeclared.map((l) => `${String(l.route)} → ${String(l.code)}`).join(', ')}`);
      }
    },
  };
}
