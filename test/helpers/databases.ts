import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config/config.js';

export type Backend = 'sqlite' | 'postgres';

/** The server that holds the test databases; each test file makes its own database there. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresAnswers(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postgresProblem = await postgresAnswers();
if (postgresProblem && process.env.CI === 'true') {
  // In CI a missing PostgreSQL is a failure, never a silent skip.
  throw new Error(`PostgreSQL at ${POSTGRES_ADMIN_URL} does not answer (${postgresProblem}); CI needs it.`);
}
if (postgresProblem) {
  process.stderr.write(`SKIPPING PostgreSQL tests: ${POSTGRES_ADMIN_URL} does not answer (${postgresProblem}).\n`);
}

/** The backends every database test runs on: both, or SQLite alone when PostgreSQL is absent outside CI. */
export const BACKENDS: Backend[] = postgresProblem ? ['sqlite'] : ['sqlite', 'postgres'];

export interface TestDatabase {
  config: DatabaseConfig;
  /** A URL for DATABASE_URL, for tests that start the service as a process. */
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database of `backend`, removed again by `drop`. */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  const name = `junction_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junction-test-'));
    const file = path.join(dir, `${name}.db`);
    return {
      config: { kind: 'sqlite', path: file },
      url: `sqlite:${file}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString() },
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
