/**
 * Starts the BFF: config → logger → database → indexes → calendar → first admin → demo data
 * (development, empty database only) → listen →
 * background tasks (unless BACKGROUND_TASKS=off).
 * Stops gracefully on SIGINT/SIGTERM: stop scheduling background runs; answer every request that
 * has reached the server (with `Connection: close`), stop accepting connections and close the idle
 * ones (lib/graceful-stop.ts); once the requests are answered (or at SHUTDOWN_GRACE_MS), let the
 * background runs finish, store the policy views counted in memory, then close the database and
 * the embedded server. The whole stop is bounded by SHUTDOWN_LIMIT_MS.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createApp } from './app';
import { createBackgroundTasks } from './background-tasks';
import { ConfigError, loadConfig, type Config } from './config';
import { initCalendar, toCstDate } from './lib/calendar';
import { startBackgroundTasks, type BackgroundRunner } from './lib/background';
import { connectDatabase, type Database } from './lib/db';
import { gracefulStop } from './lib/graceful-stop';
import { createLogger, type Logger } from './lib/logger';
import { CONSOLE_BASE } from './middlewares/static-files';
import { ensureIndexes } from './models';
import { VIEW_FLUSH_INTERVAL_MS } from './modules/policy/policy-views';
import { seedDemoData } from './demo/demo-data';
import { STAFF_ROLE_LABELS } from '../../shared/staff';

/** How long in-flight requests get to finish after a shutdown signal. */
const SHUTDOWN_GRACE_MS = 10_000;
/** The whole stop (requests, background runs, database); past it the process exits with 1. */
const SHUTDOWN_LIMIT_MS = 30_000;
/** How often expired rate-limit windows and login throttles are deleted. */
const SWEEP_INTERVAL_MS = 5 * 60_000;

function bootLogger(): Logger {
  // Until the config is read, log at info to stdout.
  return createLogger({ level: 'info' });
}

/**
 * Says where to open the product, or which build is missing (scripts/build.ts makes them; `npm
 * start` does outside production).
 */
function logFrontEnds(config: Config, logger: Logger, port: number): void {
  if (!config.staticFiles.serve) {
    logger.info('SERVE_STATIC=off: the console and the H5 app are served elsewhere (a CDN or a proxy)');
    return;
  }
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const apps = [
    { dir: 'h5', url: `${origin}/`, what: 'the mini-program (H5 build)' },
    { dir: 'console', url: `${origin}${CONSOLE_BASE}`, what: 'the staff console' },
  ];
  for (const app of apps) {
    const dir = path.join(config.staticFiles.dir, app.dir);
    if (existsSync(path.join(dir, 'index.html'))) logger.info({ open: app.url, dir }, `open ${app.what} at ${app.url}`);
    else logger.warn({ dir }, `no build of ${app.what} in ${dir}: ${app.url} answers 404 until \`npm run build\` makes it`);
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      // One clear message listing every problem, then stop.
      bootLogger().fatal({ problems: err.problems }, err.message);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  if (config.jwtSecretSource === 'generated') {
    logger.warn(
      { dataDir: config.dataDir },
      '!!! JWT_SECRET is not set: generated a development secret and saved it in DATA_DIR/secrets.json (mode 0600). Set JWT_SECRET in production. !!!',
    );
  }
  if (config.wechat.devLogin) {
    logger.warn('WeChat dev login mode is ON: login codes "dev:<name>" sign in test users without WeChat');
  }

  const calendar = initCalendar({
    onUncoveredYear: (year, message) => logger.warn({ year }, message),
  });
  const nextYear = Number(toCstDate(new Date()).slice(0, 4)) + 1;
  if (!calendar.coveredYears().includes(nextYear)) {
    logger.warn({ nextYear, covered: calendar.coveredYears() }, 'the working-day calendar does not cover next year yet: add its holiday notice to config/calendar-overrides.json');
  }

  const db: Database = await connectDatabase(config, logger);
  const app = createApp({ config, logger, connection: db.connection, dbKind: db.kind });
  await ensureIndexes(app.models);

  const bootstrap = await app.services.staff.bootstrapAdmin();
  if (bootstrap.created && bootstrap.generatedPassword) {
    // Printed once: the account exists from now on and this branch never runs again.
    logger.warn(
      `!!! ${bootstrap.recovered ? 'Reactivated the admin account' : 'Created the first admin account'} "${bootstrap.username}" with the generated password: ${bootstrap.generatedPassword} -- sign in and change it; it is not shown again. !!!`,
    );
  } else if (bootstrap.created && !bootstrap.recovered) {
    // A recovery has logged its own warning.
    logger.info({ username: bootstrap.username }, 'created the first admin account from ADMIN_USERNAME');
  }

  if (config.demoData) {
    const demo = await seedDemoData({ models: app.models, db: { kind: db.kind, connection: db.connection }, config, logger, instanceId: app.instanceId }).catch(
      (err: unknown) => {
        // Demo data is a convenience: a failed seed must not keep the server from starting.
        logger.error({ err }, 'seeding the demo data failed half-way; delete the development database (DATA_DIR/db) to seed again, or set DEMO_DATA=off');
        return null;
      },
    );
    if (demo?.seeded) {
      // Printed once, like the first admin's password: the seed never runs again on this database.
      const accounts = demo.credentials.map((c) => `    ${c.username.padEnd(12)} ${c.password}  ${c.displayName}（${STAFF_ROLE_LABELS[c.role]}${c.department ? `，${c.department}` : ''}）`);
      logger.warn(
        `!!! Filled the empty database with the demo county (${demo.counts.policies} policies, ${demo.counts.letters} letters, ${demo.counts.errorReports} 找错 reports, ${demo.counts.consultations} consultations) in ${demo.ms} ms. Demo staff accounts, shown only now:\n${accounts.join('\n')}\n  Demo citizens in the mini-program (dev login): ${demo.citizens.slice(0, 3).map((n) => `dev:${n}`).join(', ')} … Set DEMO_DATA=off to start empty. !!!`,
      );
    } else if (demo) {
      logger.debug({ reason: demo.reason }, 'demo data not seeded');
    }
  }

  const sweep = setInterval(() => {
    Promise.all([app.services.rateLimits.sweepExpired(), app.services.auth.sweepExpired()])
      .then(([windows, throttles]) => logger.debug({ windows, throttles }, 'swept expired rate-limit records'))
      .catch((err: unknown) => logger.warn({ err }, 'sweeping expired rate-limit records failed'));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  // Policy views are counted in memory and stored every few seconds (ADR 071).
  const viewFlush = setInterval(() => {
    app.services.policies.flushViews().catch((err: unknown) => logger.warn({ err }, 'storing policy view counts failed'));
  }, VIEW_FLUSH_INTERVAL_MS);
  viewFlush.unref();

  const server = http.createServer(app.callback());
  const requests = gracefulStop(server);
  // Signals are caught from just before listening: one that arrives while the server binds or
  // right after its "listening" line (a process manager, a test) waits for the stop below instead
  // of killing the process by default. Earlier, during the boot, Ctrl-C still ends it at once.
  let shutdown: ((signal: string) => void) | null = null;
  let pendingSignal: string | null = null;
  const onSignal = (signal: string) => {
    if (shutdown) shutdown(signal);
    else pendingSignal ??= signal;
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ url: `http://${config.host}:${port}`, db: db.kind, env: config.env }, `listening on http://${config.host}:${port}`);
  logFrontEnds(config, logger, port);

  // After listen: a failed boot never leaves background work behind.
  let background: BackgroundRunner | null = null;
  if (config.backgroundTasks) {
    background = startBackgroundTasks(app, createBackgroundTasks(), logger.child({ component: 'background' }));
  } else {
    logger.info('background tasks are off (BACKGROUND_TASKS=off): this instance only serves requests');
  }

  let stopping = false;
  shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: answering the requests received, no new connections');
    const limit = setTimeout(() => {
      logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'the shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    clearInterval(sweep);
    clearInterval(viewFlush);
    // No new runs from now on; runs in progress finish before the database closes.
    const backgroundStopped = background ? background.stop() : Promise.resolve();
    requests
      .stop(SHUTDOWN_GRACE_MS)
      .then(({ destroyed }) => {
        if (destroyed > 0) logger.warn({ destroyed }, 'requests still running at the shutdown deadline; closed their connections');
        return backgroundStopped;
      })
      // Every request has been answered: store the views counted so far, then close.
      .then(() => app.services.policies.flushViews())
      .then(() => db.close())
      .then(() => {
        clearTimeout(limit);
        logger.info('stopped');
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'stopping failed');
        process.exitCode = 1;
      });
  };
  if (pendingSignal) shutdown(pendingSignal);
}

main().catch((err: unknown) => {
  bootLogger().fatal({ err }, 'failed to start');
  process.exit(1);
});
