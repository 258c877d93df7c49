import { pathToFileURL } from 'node:url';
import { pino, type Logger } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { openMigrated } from './database/migrate.js';
import { logSql } from './database/sql-log.js';
import { jwtSecret } from './config/secret.js';
import { ensureAdmin } from './users/admin.js';

const SHUTDOWN_GRACE_MS = 10_000;

export const createLogger = (config: Config): Logger => pino({ level: config.logLevel });

/**
 * Opens the database, brings its schema up to date, makes sure the configured admin exists, and serves
 * the API until SIGTERM or SIGINT; then stops accepting connections, lets in-flight requests finish,
 * and closes the database.
 */
export async function serve(config: Config, logger = createLogger(config)): Promise<void> {
  const secret = jwtSecret({ secret: config.jwtSecret, production: config.production, dataDir: config.dataDir });
  const { database } = await openMigrated(config.database, { onQuery: config.logSql ? logSql(logger) : undefined });
  if (config.admin) await ensureAdmin(database, config.admin);
  const app = await buildApp({
    database,
    secret,
    logger,
    corsOrigins: config.corsOrigins,
    authRateLimit: config.authRateLimit,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  await app.listen({ port: config.port, host: config.host });

  let stopping = false;
  const stop = async (signal: string) => {
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
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
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
  void runOrExit(() => serve(loadConfig()));
}
