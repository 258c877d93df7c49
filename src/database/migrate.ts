import { Migrator, SqliteAdapter, sql, type Kysely, type MigrationResultSet, type MigrationResult } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import { explainConnectionError } from './connection-errors.js';
import { openDatabase, type Database, type DatabaseOptions } from './connection.js';
import { migrations } from './migrations/index.js';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Kysely's migrator takes no lock on SQLite and runs its migrations outside a transaction. One
 * IMMEDIATE transaction around the whole run does both: another process migrating the same file waits
 * for it (busy_timeout) and then finds the migrations applied, and a failed migration leaves nothing
 * half done. Nothing else may use the connection meanwhile: migrations run before the app serves.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's tables
async function inSqliteTransaction(db: Kysely<any>, run: () => Promise<MigrationResultSet>) {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return run();
  // Some errors end the transaction themselves; the migration's own error is the one worth reporting.
  const rollback = () => sql`ROLLBACK`.execute(db).catch(() => undefined);
  await sql`BEGIN IMMEDIATE`.execute(db);
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
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's tables
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
