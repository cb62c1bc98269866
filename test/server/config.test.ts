/** Parsing the environment into the typed config: defaults, refusals, and the dev secret. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DEV_SECRETS_FILE, loadOrCreateDevSecrets, parseConfig } from '../../server/src/config';

const tmpRoot = path.resolve(__dirname, '../../tmp');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpRoot, 'config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PROD_OK = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.internal:27017/zhengwu?replicaSet=rs0',
  JWT_SECRET: 'p'.repeat(48),
  WECHAT_APPID: 'wx1234567890abcdef',
  WECHAT_SECRET: 'prod-secret-value',
};

/** Runs parseConfig expecting a ConfigError, and returns its problems. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env, { cwd: dir, loadDevSecret: () => ({ jwtSecret: 's'.repeat(40), created: false }) });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('gives development defaults with an empty environment', () => {
    const config = parseConfig({}, { cwd: dir, loadDevSecret: () => ({ jwtSecret: 'g'.repeat(64), created: true }) });
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      dataDir: path.join(dir, '.data'),
      jwtSecret: 'g'.repeat(64),
      jwtSecretSource: 'generated',
      logLevel: 'info',
      trustProxy: 0,
      limits: { jsonBodyBytes: 1024 * 1024 },
      rateLimit: { windowSeconds: 60, perUser: 30, perIp: 120 },
      login: { maxFailures: 5, failureWindowSeconds: 900, lockSeconds: 900 },
      wechat: { apiBase: 'https://api.weixin.qq.com', devLogin: true },
    });
    expect(config.mongodbUri).toBeUndefined();
    expect(config.admin).toBeUndefined();
  });

  it('accepts a complete production environment and listens on all interfaces', () => {
    const config = parseConfig(PROD_OK, {
      loadDevSecret: () => {
        throw new Error('production must never generate a secret');
      },
    });
    expect(config).toMatchObject({
      env: 'production',
      host: '0.0.0.0',
      mongodbUri: PROD_OK.MONGODB_URI,
      jwtSecret: PROD_OK.JWT_SECRET,
      jwtSecretSource: 'env',
      wechat: { appId: PROD_OK.WECHAT_APPID, secret: PROD_OK.WECHAT_SECRET, devLogin: false },
    });
  });

  it('refuses production without MONGODB_URI, JWT_SECRET and WeChat credentials, listing every one in one error', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toEqual(expect.stringContaining('MONGODB_URI'));
    for (const key of ['MONGODB_URI', 'JWT_SECRET', 'WECHAT_APPID', 'WECHAT_SECRET']) {
      expect(problems.some((p) => p.startsWith(`${key}:`))).toBe(true);
    }
  });

  it('never generates a JWT secret in production', () => {
    const { JWT_SECRET: _omitted, ...env } = PROD_OK;
    let called = false;
    expect(() =>
      parseConfig(env, {
        loadDevSecret: () => {
          called = true;
          return { jwtSecret: 'x'.repeat(40), created: true };
        },
      }),
    ).toThrow(/JWT_SECRET: required in production/);
    expect(called).toBe(false);
  });

  it.each(['true', '1', 'yes'])('refuses to start production with WECHAT_DEV_LOGIN=%s', (value) => {
    expect(problemsOf({ ...PROD_OK, WECHAT_DEV_LOGIN: value })).toEqual([expect.stringMatching(/^WECHAT_DEV_LOGIN: .*never allowed in production/)]);
  });

  it('reports format errors and production refusals together', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: 'eighty', JWT_SECRET: 'short', MONGODB_URI: 'http://nope' });
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('JWT_SECRET:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('MONGODB_URI:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('WECHAT_APPID:'))).toBe(true);
  });

  it('names the key in the error message for a bad value', () => {
    expect(() => parseConfig({ RATE_LIMIT_PER_IP: '0', JWT_SECRET: 'j'.repeat(40) })).toThrow(/RATE_LIMIT_PER_IP/);
    expect(() => parseConfig({ LOG_LEVEL: 'loud', JWT_SECRET: 'j'.repeat(40) })).toThrow(/LOG_LEVEL/);
    expect(() => parseConfig({ TRUST_PROXY: 'maybe', JWT_SECRET: 'j'.repeat(40) })).toThrow(/TRUST_PROXY/);
  });

  it('turns dev login on outside production only when WeChat credentials are absent', () => {
    const secret = { JWT_SECRET: 'j'.repeat(40) };
    expect(parseConfig({ ...secret }).wechat.devLogin).toBe(true);
    expect(parseConfig({ ...secret, WECHAT_APPID: 'wxabc', WECHAT_SECRET: 's' }).wechat.devLogin).toBe(false);
    expect(parseConfig({ ...secret, WECHAT_APPID: 'wxabc', WECHAT_SECRET: 's', WECHAT_DEV_LOGIN: 'true' }).wechat.devLogin).toBe(true);
    expect(parseConfig({ ...secret, WECHAT_DEV_LOGIN: 'false' }).wechat.devLogin).toBe(false);
  });

  it('requires ADMIN_USERNAME and ADMIN_PASSWORD together', () => {
    expect(problemsOf({ ADMIN_USERNAME: 'root' })).toEqual([expect.stringContaining('ADMIN_USERNAME and ADMIN_PASSWORD')]);
    const config = parseConfig({ JWT_SECRET: 'j'.repeat(40), ADMIN_USERNAME: 'Root', ADMIN_PASSWORD: 'long-enough-pw' });
    expect(config.admin).toEqual({ username: 'root', password: 'long-enough-pw' });
  });

  it('reads numbers, proxy hops and limits from the environment', () => {
    const config = parseConfig({
      JWT_SECRET: 'j'.repeat(40),
      PORT: '8080',
      TRUST_PROXY: '2',
      JSON_BODY_LIMIT_BYTES: '2048',
      RATE_LIMIT_PER_USER: '5',
      RATE_LIMIT_PER_IP: '50',
      RATE_LIMIT_WINDOW_SECONDS: '10',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_BACKOFF_BASE_SECONDS: '10',
      LOGIN_USERNAME_MAX_FAILURES: '500',
      PUBLIC_READ_RATE_LIMIT_PER_IP: '900',
      PUBLIC_SEARCH_RATE_LIMIT_PER_IP: '40',
    });
    expect(config.port).toBe(8080);
    expect(config.trustProxy).toBe(2);
    expect(config.limits.jsonBodyBytes).toBe(2048);
    expect(config.rateLimit).toEqual({ windowSeconds: 10, perUser: 5, perIp: 50, publicReadPerIp: 900, publicSearchPerIp: 40 });
    expect(parseConfig({ JWT_SECRET: 'j'.repeat(40) }).rateLimit).toMatchObject({ publicReadPerIp: 600, publicSearchPerIp: 60 });
    expect(config.login).toEqual({ maxFailures: 3, failureWindowSeconds: 900, lockSeconds: 900, backoffBaseSeconds: 10, usernameMaxFailures: 500 });
    expect(parseConfig({ JWT_SECRET: 'j'.repeat(40), TRUST_PROXY: 'true' }).trustProxy).toBe(1);
  });

  it('seeds demo data by default in development only; DEMO_DATA=off skips it and production refuses DEMO_DATA=on', () => {
    const secret = { JWT_SECRET: 'j'.repeat(40) };
    expect(parseConfig({ ...secret }).demoData).toBe(true);
    expect(parseConfig({ ...secret, DEMO_DATA: 'off' }).demoData).toBe(false);
    expect(parseConfig({ ...secret, DEMO_DATA: ' OFF ' }).demoData).toBe(false);
    expect(parseConfig({ ...secret, NODE_ENV: 'test' }).demoData).toBe(false);
    expect(parseConfig({ ...secret, NODE_ENV: 'test', DEMO_DATA: 'on' }).demoData).toBe(true);
    expect(parseConfig(PROD_OK).demoData).toBe(false);
    expect(problemsOf({ ...PROD_OK, DEMO_DATA: 'on' })).toEqual(['DEMO_DATA: demo data is never seeded in production; remove it']);
    expect(problemsOf({ ...secret, DEMO_DATA: 'yes' })).toEqual(['DEMO_DATA: must be on or off']);
  });

  it('serves the front ends from the repository dist/ by default; SERVE_STATIC and STATIC_DIR change it', () => {
    const dev = { cwd: dir, loadDevSecret: () => ({ jwtSecret: 's'.repeat(40), created: false }) };
    expect(parseConfig({}, dev).staticFiles).toEqual({ serve: true, dir: path.resolve(__dirname, '../../dist') });
    expect(parseConfig({ SERVE_STATIC: 'OFF', STATIC_DIR: 'build/out' }, dev).staticFiles).toEqual({ serve: false, dir: path.join(dir, 'build/out') });
    expect(parseConfig({ STATIC_DIR: '/srv/www' }, dev).staticFiles.dir).toBe('/srv/www');
    expect(problemsOf({ SERVE_STATIC: 'maybe' })).toEqual(['SERVE_STATIC: must be on or off']);
  });
});

describe('the development JWT secret', () => {
  it('is generated on first start, saved with mode 0600, and reused on the next start', () => {
    const first = parseConfig({ DATA_DIR: 'data' }, { cwd: dir });
    expect(first.jwtSecretSource).toBe('generated');
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, 'data', DEV_SECRETS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ jwtSecret: first.jwtSecret });

    const second = parseConfig({ DATA_DIR: 'data' }, { cwd: dir });
    expect(second.jwtSecretSource).toBe('persisted');
    expect(second.jwtSecret).toBe(first.jwtSecret);
  });

  it('is not generated when JWT_SECRET is set', () => {
    const config = parseConfig({ DATA_DIR: 'data', JWT_SECRET: 'e'.repeat(40) }, { cwd: dir });
    expect(config.jwtSecretSource).toBe('env');
    expect(() => statSync(path.join(dir, 'data', DEV_SECRETS_FILE))).toThrow();
  });

  it('refuses a damaged secrets file instead of silently replacing it', () => {
    writeFileSync(path.join(dir, DEV_SECRETS_FILE), '{"jwtSecret":"short"}');
    expect(() => loadOrCreateDevSecrets(dir)).toThrow(ConfigError);
  });
});
