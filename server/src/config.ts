/**
 * The BFF's configuration, parsed from `process.env` once at boot into a typed {@link Config}.
 * Every problem is collected and reported together (one {@link ConfigError} listing each bad or
 * missing key), so an operator fixes the environment in one go.
 *
 * Secrets never have defaults. Outside production a missing JWT_SECRET is generated once and
 * persisted under DATA_DIR (`secrets.json`, mode 0600) so tokens survive restarts; main.ts logs
 * that loudly. In production MONGODB_URI, JWT_SECRET, WECHAT_APPID and WECHAT_SECRET are
 * required and the dev login mode cannot be switched on.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Where the JWT secret came from; `generated` means it was created on this start. */
export type SecretSource = 'env' | 'persisted' | 'generated';

/** The parsed configuration. Never log it whole: it holds secrets. */
export interface Config {
  env: NodeEnv;
  port: number;
  host: string;
  /** Absolute path of the local data folder (embedded database, dev secrets). */
  dataDir: string;
  /** Absent: the embedded database runs in-process under `dataDir/db`. */
  mongodbUri?: string;
  /**
   * Loopback port of the embedded database (0: any free port). Set it to look at the development
   * data with mongosh or Compass while the BFF runs; ignored with MONGODB_URI.
   */
  embeddedMongoPort: number;
  jwtSecret: string;
  jwtSecretSource: SecretSource;
  /** The first admin account, created on first start when no admin exists. */
  admin?: { username: string; password: string };
  wechat: {
    apiBase: string;
    appId?: string;
    secret?: string;
    /** `dev:<name>` login codes are accepted without WeChat. Never true in production. */
    devLogin: boolean;
    /** Per-request limit of WeChat API calls (connect, headers and body). */
    timeoutMs: number;
    /**
     * Subscribe-message template ids by our template key (`letter_replied` → WeChat template id).
     * A key without an id means notifications of that kind go to the in-app inbox only.
     */
    templateIds: Record<string, string>;
    /** Which mini-program version a subscribe message opens. */
    miniprogramState: 'developer' | 'trial' | 'formal';
  };
  logLevel: LogLevel;
  /** Number of proxies in front of the BFF whose X-Forwarded-For entries are trusted (0: none). */
  trustProxy: number;
  limits: {
    jsonBodyBytes: number;
    /** For upload routes, which read their bodies themselves. */
    uploadBodyBytes: number;
    /** Largest uploaded file (its content, not the multipart envelope). */
    uploadMaxBytes: number;
  };
  /** Longest a public GET response is reused for anonymous readers (0: never); see middlewares/public-cache.ts. */
  publicCacheSeconds: number;
  /**
   * How long an instance reuses feature settings it read (mailbox categories and limits) before
   * reading them again (0: every request). A change made on another instance shows within this.
   */
  settingsCacheSeconds: number;
  /** Run the background tasks (outbox worker, cleanups, …) in this instance. */
  backgroundTasks: boolean;
  /** The subscribe-message outbox worker. */
  notifications: {
    /** Attempts per message before it is marked failed. */
    maxAttempts: number;
    /** First retry delay; doubled per attempt, with jitter. */
    retryBaseMs: number;
    /** Longest retry delay. */
    retryMaxMs: number;
  };
  /** 我为政府网站找错 reports: bounds of the problem description, in characters. */
  errorReports: {
    descriptionMin: number;
    descriptionMax: number;
  };
  rateLimit: {
    windowSeconds: number;
    /** Write requests per citizen or staff account per window. */
    perUser: number;
    /** Write requests per client IP per window. */
    perIp: number;
    /**
     * Anonymous reads of cached public routes per client IP per window, counted only when not
     * served from the public micro-cache (see middlewares/rate-limit.ts).
     */
    publicReadPerIp: number;
    /** Public searches (`q` given) per client IP per window, on top of the read limit. */
    publicSearchPerIp: number;
  };
  /** Staff login throttling per (username, client address); see modules/auth/login-throttle.ts. */
  login: {
    /** Free failed attempts of one username from one address before the back-off starts. */
    maxFailures: number;
    /** Failures are counted within this many seconds of the first one (and remembered this long after a back-off). */
    failureWindowSeconds: number;
    /** Longest back-off between two attempts (`LOGIN_LOCK_SECONDS`). */
    lockSeconds: number;
    /** First back-off; doubles with each further failure. */
    backoffBaseSeconds: number;
    /** Failures of one username from all addresses in the window past which each address gets one free attempt. */
    usernameMaxFailures: number;
  };
  tokens: {
    citizenTtlSeconds: number;
    staffTtlSeconds: number;
  };
  /**
   * Fill an empty database with the demo county on start (server/src/demo, ADR 103). On by default
   * in development only; never in production (`DEMO_DATA=on` is refused there).
   */
  demoData: boolean;
  /**
   * The built front ends served by the BFF (middlewares/static-files.ts): the console at `/admin/`
   * from `dir/console`, the H5 build at `/` from `dir/h5`. Off when a CDN or proxy serves them.
   */
  staticFiles: { serve: boolean; dir: string };
}

/** The configuration is unusable; `problems` names every bad or missing key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Loads (or creates) the development JWT secret kept under DATA_DIR. */
export type DevSecretLoader = (dataDir: string) => { jwtSecret: string; created: boolean };

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** Called only outside production when JWT_SECRET is absent. Default: {@link loadOrCreateDevSecrets}. */
  loadDevSecret?: DevSecretLoader;
  /** Base for a relative DATA_DIR. Default: the current directory. */
  cwd?: string;
}

const MIN_SECRET_LENGTH = 32;

/** The repository's build folder (`scripts/build.mjs` writes `console/` and `h5/` into it). */
const DEFAULT_STATIC_DIR = path.resolve(__dirname, '..', '..', 'dist');

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
const intIn = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const flag = z.preprocess(
  emptyToUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
);

const EnvSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'test', 'production']).default('development')),
  PORT: intIn(0, 65535, 3000),
  HOST: optionalString,
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.data')),
  MONGODB_URI: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^mongodb(\+srv)?:\/\//, { message: 'must start with mongodb:// or mongodb+srv://' }).optional(),
  ),
  EMBEDDED_MONGO_PORT: intIn(0, 65535, 0),
  JWT_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(MIN_SECRET_LENGTH, { message: `must be at least ${MIN_SECRET_LENGTH} characters` }).optional(),
  ),
  ADMIN_USERNAME: optionalString,
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, { message: 'must be at least 10 characters' }).optional()),
  WECHAT_API_BASE: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.weixin.qq.com')),
  WECHAT_APPID: optionalString,
  WECHAT_SECRET: optionalString,
  WECHAT_DEV_LOGIN: flag,
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .union([z.enum(['true', 'false']), z.coerce.number().int().min(0).max(10)], { error: 'must be false, true (one proxy) or a number of proxies' })
      .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : v))
      .default(0),
  ),
  JSON_BODY_LIMIT_BYTES: intIn(1024, 64 * 1024 * 1024, 1024 * 1024),
  PUBLIC_CACHE_SECONDS: intIn(0, 300, 2),
  SETTINGS_CACHE_SECONDS: intIn(0, 300, 2),
  UPLOAD_BODY_LIMIT_BYTES: intIn(1024, 1024 * 1024 * 1024, 20 * 1024 * 1024),
  RATE_LIMIT_WINDOW_SECONDS: intIn(1, 3600, 60),
  RATE_LIMIT_PER_USER: intIn(1, 1_000_000, 30),
  RATE_LIMIT_PER_IP: intIn(1, 1_000_000, 120),
  PUBLIC_READ_RATE_LIMIT_PER_IP: intIn(1, 100_000_000, 600),
  PUBLIC_SEARCH_RATE_LIMIT_PER_IP: intIn(1, 100_000_000, 60),
  LOGIN_MAX_FAILURES: intIn(1, 1000, 5),
  LOGIN_FAILURE_WINDOW_SECONDS: intIn(1, 86_400, 15 * 60),
  LOGIN_LOCK_SECONDS: intIn(1, 86_400, 15 * 60),
  LOGIN_BACKOFF_BASE_SECONDS: intIn(1, 86_400, 30),
  LOGIN_USERNAME_MAX_FAILURES: intIn(1, 1_000_000, 100),
  CITIZEN_TOKEN_TTL_SECONDS: intIn(60, 90 * 86_400, 7 * 86_400),
  STAFF_TOKEN_TTL_SECONDS: intIn(60, 30 * 86_400, 8 * 3600),
  BACKGROUND_TASKS: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toLowerCase()) : v),
    z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  ),
  UPLOAD_MAX_BYTES: intIn(1024, 1024 * 1024 * 1024, 10 * 1024 * 1024),
  WECHAT_TIMEOUT_MS: intIn(50, 60_000, 5000),
  WECHAT_TEMPLATE_IDS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('{}')
      .transform((raw, ctx) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object like {"letter_replied":"<template id>"}' });
          return z.NEVER;
        }
        const map = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.string().trim().min(1).max(128)).safeParse(parsed);
        if (!map.success) {
          ctx.addIssue({ code: 'custom', message: 'must map snake_case template keys to non-empty template id strings' });
          return z.NEVER;
        }
        return map.data;
      }),
  ),
  WECHAT_MINIPROGRAM_STATE: z.preprocess(emptyToUndefined, z.enum(['developer', 'trial', 'formal']).default('formal')),
  NOTIFY_MAX_ATTEMPTS: intIn(1, 50, 6),
  NOTIFY_RETRY_BASE_SECONDS: intIn(1, 86_400, 30),
  NOTIFY_RETRY_MAX_SECONDS: intIn(1, 7 * 86_400, 3600),
  ERROR_REPORT_DESCRIPTION_MIN: intIn(1, 100, 5),
  ERROR_REPORT_DESCRIPTION_MAX: intIn(10, 2000, 500),
  DEMO_DATA: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toLowerCase()) : v),
    z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  ),
  SERVE_STATIC: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toLowerCase()) : v),
    z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  ),
  STATIC_DIR: optionalString,
});

function formatPath(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? issue.path.join('.') : '(environment)';
}

/**
 * Parses an environment into a {@link Config}. Pure except for `loadDevSecret`, which is only
 * called outside production when JWT_SECRET is absent.
 * @throws ConfigError listing every bad or missing key.
 */
export function parseConfig(env: Record<string, string | undefined>, options: ParseConfigOptions = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatPath(i)}: ${i.message}`);
    // Production refusals are still worth reporting alongside format errors.
    if (env.NODE_ENV === 'production') problems.push(...productionProblems(env));
    throw new ConfigError([...new Set(problems)]);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems = production ? productionProblems(env) : [];
  if ((e.ADMIN_USERNAME === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD: set both or neither');
  }
  if (e.ADMIN_USERNAME !== undefined && !/^[a-z0-9._-]{3,32}$/.test(e.ADMIN_USERNAME.toLowerCase())) {
    problems.push('ADMIN_USERNAME: 3 to 32 letters, digits, ".", "_" or "-"');
  }
  if ((e.WECHAT_APPID === undefined) !== (e.WECHAT_SECRET === undefined) && !production) {
    problems.push('WECHAT_APPID and WECHAT_SECRET: set both or neither');
  }
  if (e.UPLOAD_MAX_BYTES > e.UPLOAD_BODY_LIMIT_BYTES) {
    problems.push('UPLOAD_MAX_BYTES: must not exceed UPLOAD_BODY_LIMIT_BYTES (the whole multipart request)');
  }
  if (e.NOTIFY_RETRY_BASE_SECONDS > e.NOTIFY_RETRY_MAX_SECONDS) {
    problems.push('NOTIFY_RETRY_BASE_SECONDS: must not exceed NOTIFY_RETRY_MAX_SECONDS');
  }
  if (e.ERROR_REPORT_DESCRIPTION_MIN > e.ERROR_REPORT_DESCRIPTION_MAX) {
    problems.push('ERROR_REPORT_DESCRIPTION_MIN: must not exceed ERROR_REPORT_DESCRIPTION_MAX');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  let jwtSecret = e.JWT_SECRET;
  let jwtSecretSource: SecretSource = 'env';
  const dataDir = path.resolve(options.cwd ?? process.cwd(), e.DATA_DIR);
  if (jwtSecret === undefined) {
    const loaded = (options.loadDevSecret ?? loadOrCreateDevSecrets)(dataDir);
    jwtSecret = loaded.jwtSecret;
    jwtSecretSource = loaded.created ? 'generated' : 'persisted';
  }

  const hasWechat = e.WECHAT_APPID !== undefined && e.WECHAT_SECRET !== undefined;
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    dataDir,
    embeddedMongoPort: e.EMBEDDED_MONGO_PORT,
    jwtSecret,
    jwtSecretSource,
    wechat: {
      apiBase: e.WECHAT_API_BASE,
      // Outside production, dev login is on when WeChat credentials are absent unless switched off.
      devLogin: production ? false : (e.WECHAT_DEV_LOGIN ?? !hasWechat),
      timeoutMs: e.WECHAT_TIMEOUT_MS,
      templateIds: e.WECHAT_TEMPLATE_IDS,
      miniprogramState: e.WECHAT_MINIPROGRAM_STATE,
    },
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    trustProxy: e.TRUST_PROXY,
    limits: { jsonBodyBytes: e.JSON_BODY_LIMIT_BYTES, uploadBodyBytes: e.UPLOAD_BODY_LIMIT_BYTES, uploadMaxBytes: e.UPLOAD_MAX_BYTES },
    publicCacheSeconds: e.PUBLIC_CACHE_SECONDS,
    settingsCacheSeconds: e.SETTINGS_CACHE_SECONDS,
    backgroundTasks: e.BACKGROUND_TASKS === 'on',
    notifications: {
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      retryBaseMs: e.NOTIFY_RETRY_BASE_SECONDS * 1000,
      retryMaxMs: e.NOTIFY_RETRY_MAX_SECONDS * 1000,
    },
    errorReports: { descriptionMin: e.ERROR_REPORT_DESCRIPTION_MIN, descriptionMax: e.ERROR_REPORT_DESCRIPTION_MAX },
    rateLimit: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      perUser: e.RATE_LIMIT_PER_USER,
      perIp: e.RATE_LIMIT_PER_IP,
      publicReadPerIp: e.PUBLIC_READ_RATE_LIMIT_PER_IP,
      publicSearchPerIp: e.PUBLIC_SEARCH_RATE_LIMIT_PER_IP,
    },
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      failureWindowSeconds: e.LOGIN_FAILURE_WINDOW_SECONDS,
      lockSeconds: e.LOGIN_LOCK_SECONDS,
      backoffBaseSeconds: e.LOGIN_BACKOFF_BASE_SECONDS,
      usernameMaxFailures: e.LOGIN_USERNAME_MAX_FAILURES,
    },
    tokens: { citizenTtlSeconds: e.CITIZEN_TOKEN_TTL_SECONDS, staffTtlSeconds: e.STAFF_TOKEN_TTL_SECONDS },
    // Development only by default; tests seed explicitly (test/server/demo-data.test.ts).
    demoData: (e.DEMO_DATA ?? (e.NODE_ENV === 'development' ? 'on' : 'off')) === 'on',
    staticFiles: {
      serve: e.SERVE_STATIC === 'on',
      // Default: the repository's dist/, where `npm run build` writes, whatever the current folder.
      dir: e.STATIC_DIR === undefined ? DEFAULT_STATIC_DIR : path.resolve(options.cwd ?? process.cwd(), e.STATIC_DIR),
    },
  };
  if (e.MONGODB_URI !== undefined) config.mongodbUri = e.MONGODB_URI;
  if (e.ADMIN_USERNAME !== undefined && e.ADMIN_PASSWORD !== undefined) {
    config.admin = { username: e.ADMIN_USERNAME.toLowerCase(), password: e.ADMIN_PASSWORD };
  }
  if (hasWechat) {
    config.wechat.appId = e.WECHAT_APPID;
    config.wechat.secret = e.WECHAT_SECRET;
  }
  return config;
}

/** What production refuses to start without (or with). */
function productionProblems(env: Record<string, string | undefined>): string[] {
  const missing = (key: string) => emptyToUndefined(env[key]) === undefined;
  const problems: string[] = [];
  if (missing('MONGODB_URI')) problems.push('MONGODB_URI: required in production (the embedded database is for development and tests)');
  if (missing('JWT_SECRET')) problems.push(`JWT_SECRET: required in production (at least ${MIN_SECRET_LENGTH} random characters)`);
  if (missing('WECHAT_APPID')) problems.push('WECHAT_APPID: required in production');
  if (missing('WECHAT_SECRET')) problems.push('WECHAT_SECRET: required in production');
  const devLogin = env.WECHAT_DEV_LOGIN?.trim().toLowerCase();
  if (devLogin !== undefined && devLogin !== '' && devLogin !== 'false' && devLogin !== '0' && devLogin !== 'no') {
    problems.push('WECHAT_DEV_LOGIN: the dev login mode is never allowed in production; remove it');
  }
  if (env.DEMO_DATA?.trim().toLowerCase() === 'on') {
    problems.push('DEMO_DATA: demo data is never seeded in production; remove it');
  }
  return problems;
}

/** The file under DATA_DIR holding generated development secrets. */
export const DEV_SECRETS_FILE = 'secrets.json';

/**
 * Reads `DATA_DIR/secrets.json`, or creates it (mode 0600) with a random JWT secret. Creation is
 * an atomic link, so two instances starting together end up with the same secret.
 */
export function loadOrCreateDevSecrets(dataDir: string): { jwtSecret: string; created: boolean } {
  const file = path.join(dataDir, DEV_SECRETS_FILE);
  const read = (): string | undefined => {
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = z.object({ jwtSecret: z.string().min(MIN_SECRET_LENGTH) }).safeParse(JSON.parse(raw));
    if (!parsed.success) throw new ConfigError([`${file}: not a valid secrets file; delete it to generate a new one`]);
    return parsed.data.jwtSecret;
  };
  const existing = read();
  if (existing !== undefined) return { jwtSecret: existing, created: false };
  mkdirSync(dataDir, { recursive: true });
  const jwtSecret = randomBytes(48).toString('base64url');
  // Write a private temporary file, then link it into place: the link is atomic and fails if
  // the file exists, so a concurrent reader never sees a half-written file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ jwtSecret }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another instance won the race: use its secret.
    const theirs = read();
    if (theirs !== undefined) return { jwtSecret: theirs, created: false };
    throw err;
  } finally {
    unlinkSync(tmp);
  }
  return { jwtSecret, created: true };
}

/** Parses `process.env` (see {@link parseConfig}). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseConfig(env);
}
