/**
 * The background-task runner: intervals, no overlap within a process, errors logged, stop() that
 * waits, exclusive tasks through a database lease across instances; the registry; the config
 * keys of the platform services; and main.ts starting the tasks after listen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createBackgroundTasks } from '../../server/src/background-tasks';
import { ConfigError, parseConfig } from '../../server/src/config';
import { startBackgroundTasks, type BackgroundTask, type BackgroundTaskContext } from '../../server/src/lib/background';
import { captureLogger, createTestApp, type TestApp } from '../support/app';
import { eventually } from '../support/platform-factories';
import { startServerProcess } from '../support/server-process';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A task whose runs can be held open, counting its runs. */
function controllable(name: string, intervalMs: number, extra: Partial<BackgroundTask> = {}) {
  let release: (() => void) | null = null;
  let hold = false;
  const runs: BackgroundTaskContext[] = [];
  let active = 0;
  let maxActive = 0;
  const task: BackgroundTask = {
    name,
    intervalMs,
    async run(ctx) {
      runs.push(ctx);
      active += 1;
      maxActive = Math.max(maxActive, active);
      try {
        if (hold) await new Promise<void>((resolve) => (release = resolve));
      } finally {
        active -= 1;
      }
    },
    ...extra,
  };
  return {
    task,
    runs,
    maxActive: () => maxActive,
    hold() {
      hold = true;
    },
    release() {
      hold = false;
      release?.();
      release = null;
    },
    isHeld: () => release !== null,
  };
}

describe('startBackgroundTasks', () => {
  it('runs each task right after start and then on its interval, with the app’s clock, services and a named logger', async () => {
    const { logger, lines } = captureLogger('debug');
    const probe = controllable('probe-interval', 20);
    const runner = startBackgroundTasks(t.built, [probe.task], logger, { initialDelayMs: () => 0 });
    try {
      await eventually(() => probe.runs.length >= 3, 'three runs');
      expect(probe.runs[0].now).toEqual(new Date(t.clock.now()));
      expect(probe.runs[0].services).toBe(t.services);
      expect(lines.some((l) => l.task === 'probe-interval' && l.msg === 'background task ran')).toBe(true);
      expect(lines.some((l) => l.msg === 'background tasks started' && JSON.stringify(l.tasks) === '["probe-interval"]')).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('never overlaps two runs of one task in a process: ticks during a run are skipped', async () => {
    const { logger, lines } = captureLogger('debug');
    const probe = controllable('probe-overlap', 10);
    probe.hold();
    const runner = startBackgroundTasks(t.built, [probe.task], logger, { initialDelayMs: () => 0 });
    try {
      await eventually(() => probe.isHeld(), 'the first run to start');
      await eventually(() => lines.filter((l) => String(l.msg).includes('skipping this tick')).length >= 3, 'skipped ticks');
      expect(probe.runs).toHaveLength(1);
      probe.release();
      await eventually(() => probe.runs.length >= 2, 'a run after the first one finished');
      expect(probe.maxActive()).toBe(1);
    } finally {
      probe.release();
      await runner.stop();
    }
  });

  it('logs a failing run with the task name and keeps running the task', async () => {
    const { logger, lines } = captureLogger('info');
    let calls = 0;
    const failing: BackgroundTask = {
      name: 'probe-failing',
      intervalMs: 10,
      async run() {
        calls += 1;
        throw new Error('boom');
      },
    };
    const runner = startBackgroundTasks(t.built, [failing], logger, { initialDelayMs: () => 0 });
    try {
      await eventually(() => calls >= 2, 'a second run after a failure');
      const failure = lines.find((l) => l.msg === 'background task failed');
      expect(failure).toMatchObject({ task: 'probe-failing', level: 50, err: { message: 'boom' } });
    } finally {
      await runner.stop();
    }
  });

  it('stop() stops scheduling and resolves only after the run in progress has finished', async () => {
    const probe = controllable('probe-stop', 10);
    probe.hold();
    const runner = startBackgroundTasks(t.built, [probe.task], captureLogger('silent').logger, { initialDelayMs: () => 0 });
    await eventually(() => probe.isHeld(), 'the run to start');
    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    probe.release();
    await stopping;
    expect(stopped).toBe(true);
    const runs = probe.runs.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(probe.runs).toHaveLength(runs);
  });

  it('runs an exclusive task on one instance only while its lease holds', async () => {
    const other = await createTestApp({ database: t.db, clock: t.clock });
    const onFirst = controllable('probe-exclusive', 15, { exclusive: true });
    const onSecond = controllable('probe-exclusive', 15, { exclusive: true });
    const first = startBackgroundTasks(t.built, [onFirst.task], captureLogger('silent').logger, { initialDelayMs: () => 0 });
    try {
      await eventually(() => onFirst.runs.length >= 1, 'the first instance to run');
      const second = startBackgroundTasks(other.built, [onSecond.task], captureLogger('silent').logger, { initialDelayMs: () => 0 });
      try {
        // The test clock stands still, so the first instance's lease never runs out: it keeps
        // renewing it, and the second instance skips every tick.
        await eventually(() => onFirst.runs.length >= 4, 'more runs on the first instance');
        expect(onSecond.runs).toHaveLength(0);
        expect(await t.models.Lease.findById('task:probe-exclusive').lean()).toMatchObject({ holder: t.built.instanceId });

        // Once the lease expires (the holder stopped), the other instance takes over.
        await first.stop();
        t.clock.advance(15);
        await eventually(() => onSecond.runs.length >= 1, 'the second instance to take over');
        expect(await t.models.Lease.findById('task:probe-exclusive').lean()).toMatchObject({ holder: other.built.instanceId });
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
      await other.close();
    }
  });

  it('refuses two tasks with one name', () => {
    const a = controllable('same', 10).task;
    expect(() => startBackgroundTasks(t.built, [a, { ...a }], captureLogger('silent').logger)).toThrow('registered twice: same');
  });
});

describe('the background-task registry', () => {
  it('lists the outbox worker and the upload cleanup with unique names and positive intervals', () => {
    const tasks = createBackgroundTasks();
    const names = tasks.map((task) => task.name);
    expect(names).toEqual(expect.arrayContaining(['notification-outbox', 'upload-cleanup']));
    expect(new Set(names).size).toBe(names.length);
    expect(tasks.every((task) => task.intervalMs > 0)).toBe(true);
  });
});

describe('platform configuration', () => {
  const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };
  const problemsOf = (env: Record<string, string>) => {
    try {
      parseConfig({ ...base, ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    throw new Error('expected a ConfigError');
  };

  it('has defaults: tasks on, 10 MB uploads, 5 s WeChat timeout, no templates, formal state, 6 attempts from 30 s to 1 h', () => {
    expect(parseConfig(base)).toMatchObject({
      backgroundTasks: true,
      limits: { uploadMaxBytes: 10 * 1024 * 1024 },
      wechat: { timeoutMs: 5000, templateIds: {}, miniprogramState: 'formal' },
      notifications: { maxAttempts: 6, retryBaseMs: 30_000, retryMaxMs: 3_600_000 },
    });
  });

  it('reads BACKGROUND_TASKS=off, template ids as JSON and the retry settings', () => {
    const config = parseConfig({
      ...base,
      BACKGROUND_TASKS: 'OFF',
      WECHAT_TEMPLATE_IDS: '{"letter_replied":"tpl-1","consultation_feedback":"tpl-2"}',
      WECHAT_MINIPROGRAM_STATE: 'trial',
      NOTIFY_MAX_ATTEMPTS: '4',
      NOTIFY_RETRY_BASE_SECONDS: '10',
      NOTIFY_RETRY_MAX_SECONDS: '100',
      UPLOAD_MAX_BYTES: '2048',
    });
    expect(config).toMatchObject({
      backgroundTasks: false,
      limits: { uploadMaxBytes: 2048 },
      wechat: { templateIds: { letter_replied: 'tpl-1', consultation_feedback: 'tpl-2' }, miniprogramState: 'trial' },
      notifications: { maxAttempts: 4, retryBaseMs: 10_000, retryMaxMs: 100_000 },
    });
  });

  it('lists every bad platform key in one error', () => {
    const problems = problemsOf({
      BACKGROUND_TASKS: 'maybe',
      WECHAT_TEMPLATE_IDS: '{"letter_replied":',
      WECHAT_MINIPROGRAM_STATE: 'beta',
      NOTIFY_MAX_ATTEMPTS: '0',
    });
    for (const key of ['BACKGROUND_TASKS', 'WECHAT_TEMPLATE_IDS', 'WECHAT_MINIPROGRAM_STATE', 'NOTIFY_MAX_ATTEMPTS']) {
      expect(problems.some((p) => p.startsWith(`${key}:`))).toBe(true);
    }
    expect(problemsOf({ WECHAT_TEMPLATE_IDS: '{"Letter Replied":"x"}' })[0]).toMatch(/^WECHAT_TEMPLATE_IDS: must map snake_case/);
    expect(problemsOf({ UPLOAD_MAX_BYTES: String(30 * 1024 * 1024) })).toEqual([
      'UPLOAD_MAX_BYTES: must not exceed UPLOAD_BODY_LIMIT_BYTES (the whole multipart request)',
    ]);
    expect(problemsOf({ NOTIFY_RETRY_BASE_SECONDS: '100', NOTIFY_RETRY_MAX_SECONDS: '10' })).toEqual([
      'NOTIFY_RETRY_BASE_SECONDS: must not exceed NOTIFY_RETRY_MAX_SECONDS',
    ]);
  });
});

describe('npm start with background tasks', () => {
  const root = path.resolve(__dirname, '../..');
  const boot = (env: Record<string, string>) => {
    const dataDir = mkdtempSync(path.join(root, 'tmp', 'main-bg-'));
    const proc = startServerProcess({ NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ...env });
    return { ...proc, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
  };

  it('starts the registered tasks after listening and stops them before closing the database', async () => {
    const run = boot({});
    try {
      await eventually(() => run.lines.some((l) => l.msg === 'background tasks started'), 'the tasks to start', 30_000);
      const started = run.lines.findIndex((l) => l.msg === 'background tasks started');
      const listening = run.lines.findIndex((l) => typeof l.url === 'string');
      expect(listening).toBeGreaterThanOrEqual(0);
      expect(started).toBeGreaterThan(listening);
      expect(run.lines[started].tasks).toEqual(expect.arrayContaining(['notification-outbox', 'upload-cleanup']));
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.lines.some((l) => l.msg === 'stopped')).toBe(true);
    } finally {
      run.child.kill('SIGKILL');
      run.cleanup();
    }
  }, 60_000);

  it('starts none with BACKGROUND_TASKS=off', async () => {
    const run = boot({ BACKGROUND_TASKS: 'off' });
    try {
      await eventually(() => run.lines.some((l) => typeof l.url === 'string'), 'the server to listen', 30_000);
      await eventually(() => run.lines.some((l) => String(l.msg).includes('background tasks are off')), 'the off notice', 5_000);
      expect(run.lines.some((l) => l.msg === 'background tasks started')).toBe(false);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
      run.cleanup();
    }
  }, 60_000);
});
