/**
 * The real entry point as operators run it (`npm start`: `node --import tsx server/src/main.ts`,
 * one process, so SIGTERM reaches the server itself): boots on the embedded database, serves,
 * prints the generated admin password (and the demo staff's) once, shuts down cleanly on
 * SIGTERM, and refuses to start a production config with missing keys.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServerProcess as run } from '../support/server-process';

const root = path.resolve(__dirname, '../..');
const tmpRoot = path.join(root, 'tmp');

describe('npm start (server/src/main.ts)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpRoot, 'main-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('boots on the embedded database, answers health, prints the generated admin password once, and stops on SIGTERM', async () => {
    const env = { NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
    const first = run(env);
    const listening = await first.waitFor((l) => typeof l.url === 'string');
    expect(first.lines.some((l) => String(l.msg).includes('generated a development secret'))).toBe(true);
    expect(first.lines.filter((l) => String(l.msg).includes('generated password'))).toHaveLength(1);
    // The empty development database got the demo county, its staff passwords printed once.
    const demo = first.lines.filter((l) => String(l.msg).includes('demo county'));
    expect(demo).toHaveLength(1);
    expect(String(demo[0].msg)).toMatch(/\n {4}office {7}\S{16} /);

    const res = await fetch(`${String(listening.url)}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'embedded' });

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.lines.some((l) => l.msg === 'stopped')).toBe(true);

    // A restart reuses the saved secret and the existing admin: nothing is generated or seeded again.
    const second = run(env);
    await second.waitFor((l) => typeof l.url === 'string');
    expect(second.lines.some((l) => String(l.msg).includes('generated'))).toBe(false);
    expect(second.lines.some((l) => String(l.msg).includes('demo county'))).toBe(false);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('says where to open the H5 app and which front-end build is missing, and serves the one it has', async () => {
    const staticDir = path.join(dataDir, 'dist');
    mkdirSync(path.join(staticDir, 'h5'), { recursive: true });
    writeFileSync(path.join(staticDir, 'h5', 'index.html'), '<!doctype html><title>政务公开</title>');
    const proc = run({ NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', STATIC_DIR: staticDir });
    try {
      const listening = await proc.waitFor((l) => typeof l.url === 'string');
      const origin = String(listening.url);
      const h5 = await proc.waitFor((l) => typeof l.open === 'string');
      expect(h5).toMatchObject({ level: 30, open: `${origin}/`, msg: `open the mini-program (H5 build) at ${origin}/` });
      const consoleLine = await proc.waitFor((l) => String(l.msg).startsWith('no build of the staff console'));
      expect(consoleLine).toMatchObject({ level: 40, dir: path.join(staticDir, 'console') });
      expect(String(consoleLine.msg)).toContain(`${origin}/admin/ answers 404 until \`npm run build\` makes it`);
      const page = await fetch(`${origin}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('政务公开');
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  }, 60_000);

  it('refuses to start in production with one message listing every missing key', async () => {
    const proc = run({ NODE_ENV: 'production', DATA_DIR: dataDir, WECHAT_DEV_LOGIN: 'true' });
    expect(await proc.exited).toBe(1);
    const fatal = proc.lines.filter((l) => l.level === 60);
    expect(fatal).toHaveLength(1);
    const message = String(fatal[0].msg);
    for (const key of ['MONGODB_URI', 'JWT_SECRET', 'WECHAT_APPID', 'WECHAT_SECRET', 'WECHAT_DEV_LOGIN']) expect(message).toContain(key);
  }, 30_000);
});
