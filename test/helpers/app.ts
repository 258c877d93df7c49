import { afterAll, beforeAll } from 'vitest';
import { buildApp, type AppOptions } from '../../src/app.js';
import { tokenIssuer } from '../../src/auth/tokens.js';
import { openDatabase, type Database } from '../../src/database/connection.js';
import { migrateToLatest } from '../../src/database/migrate.js';
import type { App } from '../../src/http/app-types.js';
import type { Tables } from '../../src/database/tables.js';
import { hashPassword } from '../../src/users/passwords.js';
import { userRepository } from '../../src/users/repository.js';
import { createTestDatabase, type Backend, type TestDatabase } from './databases.js';

/** The key the test apps sign tokens with (tests may forge tokens with it). */
export const TEST_SECRET = new TextEncoder().encode('a test secret that is at least thirty-two bytes long');

export interface SignedIn {
  id: number;
  access: string;
  refresh: string;
}

export interface TestApp {
  app: App;
  database: Database;
  testDatabase: TestDatabase;
  /** Statements run so far; subtract two readings to count a request's statements. */
  statements(): number;
  /** The admin every request is sent as unless it names another token (or none). */
  admin: SignedIn;
  /** A new user (an admin with `isAdmin`), signed in with fresh tokens. */
  signIn(username: string, options?: { isAdmin?: boolean }): Promise<SignedIn>;
}

/**
 * Sends every injected request as `token` unless it sets its own `authorization` header; setting it
 * to `undefined` sends none. Tests of the API's data then need not repeat the sign-in.
 */
function actAs(app: App, token: string): void {
  const inject = app.inject.bind(app) as (options: object) => ReturnType<App['inject']>;
  app.inject = ((options: { headers?: Record<string, unknown> }) => {
    const headers = { authorization: `Bearer ${token}`, ...options.headers };
    if (headers.authorization === undefined) delete (headers as Record<string, unknown>).authorization;
    return inject({ ...options, headers });
  }) as App['inject'];
}

/** Builds the app on a fresh, migrated database of `backend`, with a statement counter and an admin. */
export async function startTestApp(backend: Backend, options: Partial<AppOptions> = {}): Promise<TestApp> {
  const testDatabase = await createTestDatabase(backend);
  let count = 0;
  const database = openDatabase(testDatabase.config, { onQuery: () => void count++ });
  await migrateToLatest(database.db);
  const app = await buildApp({ database, secret: TEST_SECRET, authRateLimit: 10_000, ...options });
  await app.ready();

  const users = userRepository(database);
  const issuer = tokenIssuer(options.secret ?? TEST_SECRET);
  const signIn = async (username: string, { isAdmin = false } = {}): Promise<SignedIn> => {
    const passwordHash = await hashPassword(`${username} password`);
    if (isAdmin) await users.ensureAdmin(username, passwordHash);
    else await users.create(username, passwordHash);
    const account = (await users.account(username))!;
    const tokens = await issuer.login(account);
    return { id: account.id, access: tokens.access_token, refresh: tokens.refresh_token };
  };
  const admin = await signIn('admin', { isAdmin: true });
  actAs(app, admin.access);
  return { app, database, testDatabase, statements: () => count, admin, signIn };
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
export function useTestApp(backend: Backend, options: Partial<AppOptions> = {}): TestApp {
  const holder = {} as TestApp;
  let started: TestApp | undefined;
  beforeAll(async () => {
    started = await startTestApp(backend, options);
    Object.assign(holder, started);
  });
  afterAll(async () => {
    if (started) await stopTestApp(started);
  });
  return holder;
}

/** How many rows `table` holds now. */
export async function rowCount(t: TestApp, table: keyof Tables): Promise<number> {
  const row = await t.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
