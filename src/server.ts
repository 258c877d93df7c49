import cluster from 'node:cluster';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { buildApp } from './app.js';
import { boundHeapGrowth } from './heap-growth.js';
import { supervise } from './cluster.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { openDatabase, type DatabaseOptions } from './database/connection.js';
import { openMigrated } from './database/migrate.js';
import { logSql } from './database/sql-log.js';
import { jwtSecret, type SecretSource } from './config/secret.js';
import { ensureAdmin } from './users/admin.js';
import type { QueryEvent } from './database/connection.js';
import { aggregateForWorkers, scrapeThroughPrimary, shareRegistry } from './metrics/cluster-metrics.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { startReport } from './start-report.js';
import { VERSION } from './version.js';

const SHUTDOWN_GRACE_MS = 10_000;

/** JSON lines on standard output; a worker's lines say which worker it is (its pid is in every line). */
export const createLogger = (config: Config): Logger => {
  const logger = pino({ level: config.logLevel });
  return cluster.worker ? logger.child({ worker: cluster.worker.id }) : logger;
};

const databaseOptions = (config: Config, logger: Logger, metrics?: Metrics): DatabaseOptions => ({
  onQuery: queryObservers(config, logger, metrics),
});

/** Brings the schema up to date and makes sure the configured admin exists; the database stays open. */
async function prepareDatabase(config: Config, logger: Logger, metrics?: Metrics) {
  const { database, applied } = await openMigrated(config.database, databaseOptions(config, logger, metrics));
  try {
    if (config.admin) await ensureAdmin(database, config.admin);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { database, applied };
}

/** What sees every statement: the SQL echo (LOG_SQL) and the statement timings of the metrics. */
function queryObservers(config: Config, logger: Logger, metrics?: Metrics): ((event: QueryEvent) => void) | undefined {
  const echo = config.logSql ? logSql(logger) : undefined;
  if (!echo || !metrics) return echo ?? metrics?.query;
  return (event) => {
    echo(event);
    metrics.query(event);
  };
}

/** Logs the start report: by the single process, or by the primary of `--workers` once they all listen. */
function reportStart(
  logger: Logger,
  config: Config,
  facts: { applied: { migrationName: string }[]; secret: SecretSource; workers?: number },
) {
  const report = startReport({
    version: VERSION,
    database: config.database,
    applied: facts.applied.map((result) => result.migrationName),
    secret: facts.secret,
    metrics: config.metrics,
    workers: facts.workers,
  });
  logger.info(report.fields, report.message);
}

/**
 * Opens the database, brings its schema up to date, makes sure the configured admin exists, and serves
 * the API until SIGTERM or SIGINT; then stops accepting connections, lets in-flight requests finish,
 * and closes the database. A worker of `--workers` finds all that done by the primary, and only serves;
 * the primary reports the start, and sums the workers' metrics for a scrape.
 */
export async function serve(config: Config, logger = createLogger(config)): Promise<void> {
  boundHeapGrowth();
  const secret = jwtSecret({ secret: config.jwtSecret, production: config.production, dataDir: config.dataDir });
  const metrics = config.metrics ? createMetrics() : undefined;
  if (metrics && cluster.worker) shareRegistry(metrics.registry);
  // A worker of `--workers` finds the schema and the admin made by the primary.
  const { database, applied } = cluster.isWorker
    ? { database: openDatabase(config.database, databaseOptions(config, logger, metrics)), applied: [] }
    : await prepareDatabase(config, logger, metrics);
  const app = await buildApp({
    database,
    secret: secret.key,
    logger,
    corsOrigins: config.corsOrigins,
    authRateLimit: config.authRateLimit,
    requestTimeoutMs: config.requestTimeoutMs,
    publicUrl: config.publicUrl,
    metrics: metrics && {
      metrics,
      token: config.metrics?.token,
      scrape: cluster.worker && scrapeThroughPrimary(cluster.worker),
    },
    redisUrl: config.redisUrl,
    trustProxy: config.trustProxy,
  });
  if (!cluster.isWorker) reportStart(logger, config, { applied, secret: secret.source });
  let stopping = false;
  const stop = async (signal: string) => {
    // A signal may come twice (from a terminal to the whole process group, and from the primary).
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    // Connections whose request was under way at the signal stay open (keep-alive) once answered;
    // they are closed as soon as they fall idle, so the server stops without waiting for the clients.
    const reaper = setInterval(() => app.server.closeIdleConnections(), 50);
    await app.close();
    clearInterval(reaper);
    await database.close();
    clearTimeout(force);
    logger.info('stopped');
    // A worker's channel to the primary would keep it alive.
    cluster.worker?.disconnect();
  };
  // Not `once`: a second signal (Ctrl-C reaches node from the terminal and again from npm) must not kill
  // the process while it finishes the requests in flight.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Listening only once the handlers are there: a signal right after the listening line stops gracefully.
  await app.listen({ port: config.port, host: config.host });
  if (cluster.isWorker) logger.info('worker listening');
}

/**
 * Serves with `workers` processes: one, this one (the default); or a primary that prepares the database
 * once (secret, migrations, admin) and then supervises that many workers sharing the port.
 */
export async function start(config: Config, workers = config.workers): Promise<void> {
  if (cluster.isWorker || workers === 1) return serve(config);
  const logger = createLogger(config);
  const secret = jwtSecret({ secret: config.jwtSecret, production: config.production, dataDir: config.dataDir });
  const { database, applied } = await prepareDatabase(config, logger);
  await database.close();
  if (config.metrics) aggregateForWorkers(cluster, new AggregatorRegistry());
  await supervise({ workers, exec: fileURLToPath(import.meta.url), logger, graceMs: SHUTDOWN_GRACE_MS + 2_000 });
  reportStart(logger, config, { applied, secret: secret.source, workers });
}

/** Runs `main`, and stops the process with a clear line when the configuration or start-up fails. */
export async function runOrExit(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`junction: ${error instanceof ConfigError ? 'configuration error: ' : ''}${message}\n`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void runOrExit(() => start(loadConfig()));
}
