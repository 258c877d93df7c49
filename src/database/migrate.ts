import { Migrator, SqliteAdapter, sql, type Kysely, type MigrationResultSet, type MigrationResult } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import { explainConnectionError } from './connection-errors.js';
import { openDatabase, type Database, type DatabaseOptions } from './connection.js';
import { migrations } from './migrations/index.js';
import { DatabaseUnavailable } from './unavailable.js';

/** How long a start waits for another process that holds the SQLite file's write lock (migrating it, say). */
const SQLITE_LOCK_WAIT_MS = 60_000;

/** `BEGIN IMMEDIATE`, tried again while another connection holds the write lock (each try waits a bounded time). */
async function beginImmediate(db: Kysely<unknown>): Promise<void> {
  const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
  for (;;) {
    try {
      await sql`BEGIN IMMEDIATE`.execute(db);
      return;
    } catch (error) {
      if (!(error instanceof DatabaseUnavailable) || Date.now() > deadline) throw error;
    }
  }
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Kysely's migrator takes no lock on SQLite and runs its migrations outside a transaction. One
 * IMMEDIATE transaction around the whole run does both: another process migrating the same file waits
 * for it (`beginImmediate`) and then finds the migrations applied, and a failed migration leaves nothing
 * half done. Nothing else may use the connection meanwhile: migrations run before the app serves.
 */
async function inSqliteTransaction(db: Kysely<unknown>, run: () => Promise<MigrationResultSet>) {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return run();
  // Some errors end the transaction themselves; the migration's own error is the one worth reporting.
  const rollback = () => sql`ROLLBACK`.execute(db).catch(() => undefined);
  await beginImmediate(db);
  let outcome: MigrationResultSet;
  try {
    outcome = await run();
  } catch (error) {
    await rollback();
    throw error;
  }
  if (outcome.error) await rollback();
  else await sql`COMMIT`.execute(db);
  return outcome;
}

/**
 * Brings the database to the latest schema. Kysely's migrator takes a lock on PostgreSQL, and the
 * transaction above does on SQLite, so several processes starting at once apply each migration exactly
 * once. Only forward migrations run here.
 */
// biome-ignore lint/suspicious/noExplicitAny: any database's tables (Kysely<unknown> does not accept Kysely<Tables>)
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await inSqliteTransaction(db, () => migrator.migrateToLatest());
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    // No failed migration: the migrator could not even read or lock its own table.
    throw new MigrationError(failed ? `migration ${failed} failed: ${message}` : `migrations could not start: ${message}`, {
      cause: error,
    });
  }
  return results;
}

/**
 * Opens the database `config` names and brings it to the latest schema, as every command does first.
 * A database that cannot be reached or opened fails with an error that says which and why (not as a
 * failed migration), and nothing stays open.
 */
export async function openMigrated(
  config: DatabaseConfig,
  options: DatabaseOptions = {},
): Promise<{ database: Database; applied: MigrationResult[] }> {
  const database = openDatabase(config, options);
  try {
    return { database, applied: await migrateToLatest(database.db) };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw explainConnectionError(config, error) ?? error;
  }
}
