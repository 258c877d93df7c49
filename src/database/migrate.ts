import { Migrator, SqliteAdapter, sql, type Kysely, type MigrationResultSet, type MigrationResult } from 'kysely';
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
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return results;
}
