import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, parseWorkers } from '../config/config.js';
import { openMigrated } from '../database/migrate.js';
import { logSql } from '../database/sql-log.js';
import { createLogger, runOrExit, start } from '../server.js';
import { backupSqlite, pgDumpCommand } from './backup.js';
import { echoSql } from './sql-echo.js';
import { checkSeedOptions, seedCatalog, type SeedOptions } from './seed.js';
import { runTutorial } from './tutorial.js';
import { ensureAdmin } from '../users/admin.js';
import { VERSION } from '../version.js';

/** Standard input, up to its end, without the final newline. */
async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

/**
 * A command's bounds on the database. No client waits on its answer, and a busy machine may take
 * seconds to connect or to run one batch of a seed, so it waits longer than a request (1 s) would.
 */
const ONE_SHOT = { waitMs: 10_000, statementTimeoutMs: 60_000 };

const program = new Command('junction')
  .description('Junction: a REST API for many-to-many data. Configuration comes from the environment (see README).')
  .version(VERSION, '-V, --version', "print Junction's version")
  .showHelpAfterError();

program
  .command('serve')
  .description('Apply pending migrations, then serve the API (PORT, HOST, DATABASE_URL); the same as `npm start`.')
  .option('--workers <n>', 'processes that share the port, each a core (default: WEB_CONCURRENCY, else 1)')
  .action((options: { workers?: string }) =>
    runOrExit(async () => {
      const config = loadConfig();
      await start(config, options.workers === undefined ? config.workers : parseWorkers('--workers', options.workers));
    }),
  );

program
  .command('migrate')
  .description('Bring the database named by DATABASE_URL to the latest schema, print what was applied, and exit.')
  .action(() =>
    runOrExit(async () => {
      const config = loadConfig();
      const logger = createLogger(config);
      const { database, applied } = await openMigrated(config.database, {
        ...ONE_SHOT,
        onQuery: config.logSql ? logSql(logger) : undefined,
      });
      try {
        for (const result of applied) process.stdout.write(`applied ${result.migrationName}\n`);
        process.stdout.write(applied.length ? 'the database is up to date\n' : 'nothing to apply: the database is up to date\n');
      } finally {
        await database.close();
      }
    }),
  );

program
  .command('create-admin')
  .description(
    'Make sure a user exists, is an admin and has the given password. The password comes from ' +
      'ADMIN_PASSWORD, or from standard input (never from the command line, where others could see it).',
  )
  .option('--username <name>', "the admin's username (default: ADMIN_USERNAME)")
  .action((options: { username?: string }) =>
    runOrExit(async () => {
      // The admin is this command's business, so ADMIN_* need not come in pairs here.
      const config = loadConfig({ ...process.env, ADMIN_USERNAME: '', ADMIN_PASSWORD: '' });
      const username = options.username ?? process.env.ADMIN_USERNAME;
      const password = process.env.ADMIN_PASSWORD || (process.stdin.isTTY ? '' : await readStdin());
      if (!username || !password) {
        throw new Error('create-admin needs --username (or ADMIN_USERNAME) and ADMIN_PASSWORD (or the password on standard input)');
      }
      const { database } = await openMigrated(config.database, ONE_SHOT);
      try {
        await ensureAdmin(database, { username, password });
        process.stdout.write(`${username} is an admin\n`);
      } finally {
        await database.close();
      }
    }),
  );

program
  .command('backup')
  .description(
    "Copy the SQLite database (DATABASE_URL) to FILE while the service runs: a consistent snapshot (SQLite's " +
      'online backup), owner-only, checked with PRAGMA integrity_check before success is reported. On PostgreSQL, ' +
      'prints the pg_dump command to use instead.',
  )
  .argument('<file>', 'the backup file to write')
  .option('--overwrite', 'replace FILE if it exists')
  .action((file: string, options: { overwrite?: boolean }) =>
    runOrExit(async () => {
      const config = loadConfig();
      if (config.database.kind === 'postgres') {
        throw new Error(
          `the database is PostgreSQL: back it up with pg_dump (it takes the password from PGPASSWORD or ~/.pgpass):\n  ${pgDumpCommand(config.database.url, file)}`,
        );
      }
      const { destination, pages, bytes } = await backupSqlite(config.database.path, file, options);
      process.stdout.write(
        `backed up ${path.resolve(config.database.path)} to ${destination}: ${pages} pages, ${bytes} bytes; integrity check: ok\n`,
      );
    }),
  );

const count = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(value);
};

program
  .command('seed')
  .description('Fill an empty database (DATABASE_URL) with a catalog for benchmarks: the same seed makes the same data.')
  .option('--stores <n>', 'stores', count('--stores'), 100)
  .option('--items <n>', 'items, spread evenly over the stores', count('--items'), 100_000)
  .option('--tags-per-store <n>', 'tags of each store', count('--tags-per-store'), 50)
  .option('--links-per-item <n>', "tags linked to each item (of the item's store)", count('--links-per-item'), 10)
  .option('--heroes <n>', 'heroes', count('--heroes'), 10_000)
  .option('--teams <n>', 'teams', count('--teams'), 1_000)
  .option('--hero-links <n>', 'teams of each hero', count('--hero-links'), 3)
  .option('--seed <n>', 'the random seed', count('--seed'), 42)
  .action((options: SeedOptions) =>
    runOrExit(async () => {
      checkSeedOptions(options);
      const config = loadConfig();
      const { database } = await openMigrated(config.database, ONE_SHOT);
      try {
        const started = Date.now();
        await seedCatalog(database, options);
        process.stdout.write(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      } finally {
        await database.close();
      }
    }),
  );

program
  .command('tutorial')
  .description(
    "Run SQLModel's many-to-many chapter: create the tables with SQL echo on, then its three programs " +
      '(heroes with teams; Spider-Boy joins and leaves Z-Force; links with is_training). ' +
      'Uses DATABASE_URL when set (it must hold no heroes or teams), else a new in-memory SQLite database.',
  )
  .option('--no-echo', 'do not print the SQL statements')
  .action((options: { echo: boolean }) =>
    runOrExit(async () => {
      const config = loadConfig({ ...process.env, DATABASE_URL: process.env.DATABASE_URL || 'sqlite::memory:' });
      const print = (...parts: string[]) => process.stdout.write(`${parts.join(' ')}\n`);
      const { database } = await openMigrated(config.database, {
        ...ONE_SHOT,
        onQuery: options.echo ? echoSql(print) : undefined,
      });
      try {
        await runTutorial(database, print);
      } finally {
        await database.close();
      }
    }),
  );

await program.parseAsync();
