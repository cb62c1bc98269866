/**
 * Background tasks: periodic work each BFF instance runs beside serving requests (the outbox
 * worker, cleanups, auto-closing consultations, …). Several instances run behind the load
 * balancer on one database, so a task must be written to run on all of them at once:
 *
 * - idempotent: running it twice, or on two instances at the same moment, does no harm;
 * - claiming work atomically in the database (a conditional `findOneAndUpdate`/`updateMany`,
 *   with a lease when the work takes time), never relying on in-process state;
 * - or, for whole-run singletons, `exclusive: true`: the runner then takes the lease
 *   `task:<name>` (see modules/lease) for one interval before running, so one instance of the
 *   fleet runs the task per interval and the others skip that tick.
 *
 * Register tasks in `server/src/background-tasks.ts`; main.ts starts them after the server
 * listens (unless `BACKGROUND_TASKS=off`) and stops them on shutdown. See ADR 022.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Services } from '../services';

/** What a run receives. */
export interface BackgroundTaskContext {
  /** When the run started, from the app's clock. */
  now: Date;
  services: Services;
  /** Bound to the task's name. */
  logger: Logger;
}

/** A periodic task. */
export interface BackgroundTask {
  /** Unique, kebab-case; appears in logs and in the lease name. */
  name: string;
  /** Time between the starts of two runs in one process. */
  intervalMs: number;
  /** One run. Throwing is fine: the error is logged and the next tick runs again. */
  run(ctx: BackgroundTaskContext): Promise<void>;
  /** Run on one instance of the fleet per interval (through a database lease); default false. */
  exclusive?: boolean;
}

/** What the runner needs from the app. */
export interface BackgroundHost {
  services: Services;
  /** Default: the real clock. */
  clock?: Clock;
  /** Names this instance in leases; default: a random id. */
  instanceId?: string;
}

/** Options of {@link startBackgroundTasks}. */
export interface StartBackgroundOptions {
  /**
   * Delay before a task's first run. Default: a random delay below min(interval, 5 s), so tasks
   * run soon after a start (deploys may be more frequent than long intervals) without every
   * instance starting them at the same moment.
   */
  initialDelayMs?: (task: BackgroundTask) => number;
}

/** Started tasks. */
export interface BackgroundRunner {
  /** Stops scheduling runs and resolves when the runs in progress have finished. */
  stop(): Promise<void>;
}

/**
 * Runs `task` once now, taking its lease first when it is exclusive. Returns false when another
 * instance holds the lease (the run was skipped). Errors of the run propagate.
 */
export async function runBackgroundTask(host: BackgroundHost, task: BackgroundTask, logger: Logger): Promise<boolean> {
  const clock = host.clock ?? Date.now;
  if (task.exclusive) {
    const holder = host.instanceId ?? 'anonymous';
    if (!(await host.services.leases.tryAcquire(`task:${task.name}`, holder, task.intervalMs))) return false;
  }
  await task.run({ now: new Date(clock()), services: host.services, logger });
  return true;
}

/**
 * Runs each task on its interval with unref'd timers (they never keep the process alive). A task
 * whose previous run is still going skips the tick, so runs of one task never overlap within a
 * process; errors are logged, never thrown.
 */
export function startBackgroundTasks(
  host: BackgroundHost,
  tasks: readonly BackgroundTask[],
  logger: Logger,
  options: StartBackgroundOptions = {},
): BackgroundRunner {
  const names = new Set<string>();
  for (const task of tasks) {
    if (names.has(task.name)) throw new Error(`background task registered twice: ${task.name}`);
    if (!(task.intervalMs > 0)) throw new Error(`background task ${task.name}: intervalMs must be positive`);
    names.add(task.name);
  }
  const instanceId = host.instanceId ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
  const runHost: BackgroundHost = { ...host, instanceId };
  const initialDelay = options.initialDelayMs ?? ((task) => Math.floor(Math.random() * Math.min(task.intervalMs, 5000)));
  const timers = new Set<NodeJS.Timeout>();
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  for (const task of tasks) {
    const log = logger.child({ task: task.name });
    const tick = () => {
      if (stopped) return;
      if (running.has(task.name)) {
        log.debug('previous run still in progress; skipping this tick');
        return;
      }
      const started = Date.now();
      const run = runBackgroundTask(runHost, task, log)
        .then((ran) => log.debug({ ran, ms: Date.now() - started }, ran ? 'background task ran' : 'background task skipped: another instance holds its lease'))
        .catch((err: unknown) => log.error({ err }, 'background task failed'))
        .finally(() => running.delete(task.name));
      running.set(task.name, run);
    };
    const first = setTimeout(() => {
      timers.delete(first);
      if (stopped) return;
      tick();
      const every = setInterval(tick, task.intervalMs);
      every.unref();
      timers.add(every);
    }, Math.max(0, initialDelay(task)));
    first.unref();
    timers.add(first);
  }
  logger.info({ tasks: [...names] }, 'background tasks started');

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running.values()]);
    },
  };
}
