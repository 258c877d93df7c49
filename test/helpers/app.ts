import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/database/connection.js';
import { migrateToLatest } from '../../src/database/migrate.js';
import type { App } from '../../src/http/app-types.js';
import { createTestDatabase, type Backend, type TestDatabase } from './databases.js';

export interface TestApp {
  app: App;
  database: Database;
  testDatabase: TestDatabase;
  /** Statements run so far; subtract two readings to count a request's statements. */
  statements(): number;
}

/** Builds the app on a fresh, migrated database of `backend`, with a statement counter. */
export async function startTestApp(backend: Backend): Promise<TestApp> {
  const testDatabase = await createTestDatabase(backend);
  let count = 0;
  const database = openDatabase(testDatabase.config, { onQuery: () => void count++ });
  await migrateToLatest(database.db);
  const app = await buildApp({ database });
  await app.ready();
  return { app, database, testDatabase, statements: () => count };
}

export async function stopTestApp(t: TestApp): Promise<void> {
  await t.app.close();
  await t.database.close();
  await t.testDatabase.drop();
}

/**
 * One app per backend for the enclosing `describe`: `const t = useTestApp(backend)`, then `t.app` etc.
 * inside tests. The database is fresh for each test file.
 */
export function useTestApp(backend: Backend): TestApp {
  const holder = {} as TestApp;
  let started: TestApp | undefined;
  beforeAll(async () => {
    started = await startTestApp(backend);
    Object.assign(holder, started);
  });
  afterAll(async () => {
    if (started) await stopTestApp(started);
  });
  return holder;
}
