import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/database/connection.js';
import { constraintViolation, type ConstraintKind } from '../../src/database/errors.js';
import { migrateToLatest, MigrationError } from '../../src/database/migrate.js';
import { migrations } from '../../src/database/migrations/index.js';
import type { Tables } from '../../src/database/tables.js';
import { BACKENDS, createTestDatabase, type Backend, type TestDatabase } from '../helpers/databases.js';
import { ROOT } from '../helpers/process.js';

const TABLES = [
  'hero',
  'heroteamlink',
  'idempotency_keys',
  'items',
  'items_tags',
  'rate_limits',
  'revoked_tokens',
  'stores',
  'tags',
  'team',
  'users',
];

/** The error a database operation throws; fails the test when it succeeds. */
async function refusal(operation: Promise<unknown>): Promise<unknown> {
  try {
    await operation;
  } catch (error) {
    return error;
  }
  throw new Error('the database accepted it');
}

/** Expects the database to refuse `operation` with a violation of kind `kind`. */
async function expectViolation(operation: Promise<unknown>, kind: ConstraintKind) {
  const error = await refusal(operation);
  expect(constraintViolation(error), String(error)).toBe(kind);
}

/** The tables and their columns (name, type, nullability), as the database describes them. */
async function schemaOf(db: Pick<Kysely<unknown>, 'introspection'>) {
  const tables = await db.introspection.getTables();
  return tables
    .map((table) => ({
      name: table.name,
      columns: table.columns.map(({ name, dataType, isNullable }) => ({ name, dataType, isNullable })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Runs `count` processes that each open the database and, once all are ready, migrate it at the same
 * moment. Resolves with what each applied; fails when any of them fails.
 */
async function migrateInProcesses(url: string, count: number): Promise<string[][]> {
  const script = path.join(ROOT, 'test/database/fixtures/migrate-on-signal.ts');
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url } }),
  );
  const outputs = children.map((child) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const ready = new Promise<void>((resolve) => {
      const check = () => (stdout.startsWith('ready\n') ? resolve() : undefined);
      child.stdout.on('data', check);
    });
    const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, stdout, stderr })),
    );
    return { ready: Promise.race([ready, exit]), exit };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const child of children) child.stdin.end('go\n');
  const results = await Promise.all(outputs.map((o) => o.exit));
  return results.map(({ code, stdout, stderr }) => {
    expect(code, stderr).toBe(0);
    return JSON.parse(stdout.slice('ready\n'.length)) as string[];
  });
}

/** Migrates the database through `count` connections of this process at once. */
async function migrateInThisProcess(testDatabase: TestDatabase, count: number): Promise<string[][]> {
  const opened = Array.from({ length: count }, () => openDatabase(testDatabase.config));
  try {
    const results = await Promise.all(opened.map((d) => migrateToLatest(d.db)));
    return results.map((applied) => applied.map((r) => r.migrationName));
  } finally {
    for (const d of opened) await d.close();
  }
}

describe.each(BACKENDS)('migrations on %s', (backend: Backend) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
    database = openDatabase(testDatabase.config);
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('brings an empty database to the latest schema', async () => {
    expect(await schemaOf(db)).toEqual([]);
    const results = await migrateToLatest(db);
    expect(results).toEqual(Object.keys(migrations).map((migrationName) => ({ migrationName, direction: 'Up', status: 'Success' })));
    const tables = (await schemaOf(db)).map((t) => t.name);
    expect(tables).toEqual(TABLES);
    const columns = Object.fromEntries((await schemaOf(db)).map((t) => [t.name, t.columns.map((c) => c.name).sort()]));
    expect(columns).toEqual({
      stores: ['id', 'name', 'owner_id'],
      items: ['id', 'name', 'price', 'store_id'],
      tags: ['id', 'name', 'store_id'],
      items_tags: ['item_id', 'store_id', 'tag_id'],
      team: ['headquarters', 'id', 'name'],
      hero: ['age', 'id', 'name', 'secret_name'],
      heroteamlink: ['hero_id', 'is_training', 'team_id'],
      users: ['id', 'is_admin', 'password_hash', 'username'],
      revoked_tokens: ['expires_at', 'jti'],
      idempotency_keys: ['body', 'created_at', 'fingerprint', 'key', 'scope', 'status'],
      rate_limits: ['hits', 'key', 'resets_at'],
    });
  });

  it('applies nothing and changes nothing when run again', async () => {
    const [store] = await db.insertInto('stores').values({ name: 'Kept' }).returning('id').execute();
    const before = await schemaOf(db);
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await schemaOf(db)).toEqual(before);
    const kept = await db.selectFrom('stores').selectAll().where('id', '=', store!.id).execute();
    expect(kept).toEqual([{ id: store!.id, name: 'Kept', owner_id: null }]);
  });

  it('applies each migration exactly once when several migrators run at the same time', async () => {
    const fresh = await createTestDatabase(backend);
    try {
      // better-sqlite3 waits for a lock synchronously, blocking its whole thread: SQLite's migrators
      // must be processes of their own. PostgreSQL's can share this one (each has its own connections).
      const applied = backend === 'sqlite' ? await migrateInProcesses(fresh.url, 3) : await migrateInThisProcess(fresh, 4);
      expect(applied.flat().sort()).toEqual(Object.keys(migrations).sort());
      const check = openDatabase(fresh.config);
      try {
        expect((await schemaOf(check.db)).map((t) => t.name)).toEqual(TABLES);
        expect(await migrateToLatest(check.db)).toEqual([]);
      } finally {
        await check.close();
      }
    } finally {
      await fresh.drop();
    }
  });

  it('leaves nothing half done when a migration fails: migrating again works once the cause is gone', async () => {
    const fresh = await createTestDatabase(backend);
    const other = openDatabase(fresh.config);
    try {
      // A table that migration 001 creates after others already exists, made outside the migrations.
      await sql`CREATE TABLE tags (id integer PRIMARY KEY)`.execute(other.db);
      const error = await refusal(migrateToLatest(other.db));
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain('001_stores_items_tags');
      expect((await schemaOf(other.db)).map((t) => t.name)).toEqual(['tags']);

      await sql`DROP TABLE tags`.execute(other.db);
      expect((await migrateToLatest(other.db)).map((r) => r.status)).toEqual(Object.keys(migrations).map(() => 'Success'));
      expect((await schemaOf(other.db)).map((t) => t.name)).toEqual(TABLES);
    } finally {
      await other.close();
      await fresh.drop();
    }
  });

  describe('the database itself enforces the rules', () => {
    let storeA: number;
    let storeB: number;
    let itemA: number;
    let itemB: number;
    let tagA: number;
    let tagB: number;

    beforeAll(async () => {
      const stores = await db
        .insertInto('stores')
        .values([{ name: 'A' }, { name: 'B' }])
        .returning('id')
        .execute();
      [storeA, storeB] = stores.map((s) => s.id) as [number, number];
      const items = await db
        .insertInto('items')
        .values([
          { name: 'apple', price: 1, store_id: storeA },
          { name: 'bread', price: 2, store_id: storeB },
        ])
        .returning('id')
        .execute();
      [itemA, itemB] = items.map((i) => i.id) as [number, number];
      const tags = await db
        .insertInto('tags')
        .values([
          { name: 'fresh', store_id: storeA },
          { name: 'fresh', store_id: storeB },
        ])
        .returning('id')
        .execute();
      [tagA, tagB] = tags.map((t) => t.id) as [number, number];
    });

    it('a store name is unique', async () => {
      await expectViolation(db.insertInto('stores').values({ name: 'A' }).execute(), 'unique');
    });

    it('a tag name is unique within its store, and free in another', async () => {
      await expectViolation(db.insertInto('tags').values({ name: 'fresh', store_id: storeA }).execute(), 'unique');
      const tags = await db.selectFrom('tags').select(['name', 'store_id']).where('name', '=', 'fresh').execute();
      expect(tags).toHaveLength(2);
    });

    it('an item needs a store that exists', async () => {
      await expectViolation(db.insertInto('items').values({ name: 'orphan', price: 1, store_id: 999999 }).execute(), 'foreign_key');
    });

    it('a tag needs a store that exists', async () => {
      await expectViolation(db.insertInto('tags').values({ name: 'orphan', store_id: 999999 }).execute(), 'foreign_key');
    });

    it('a link is one row per item and tag (composite primary key)', async () => {
      await db.insertInto('items_tags').values({ item_id: itemA, tag_id: tagA, store_id: storeA }).execute();
      await expectViolation(db.insertInto('items_tags').values({ item_id: itemA, tag_id: tagA, store_id: storeA }).execute(), 'unique');
      const links = await db.selectFrom('items_tags').selectAll().where('item_id', '=', itemA).execute();
      expect(links).toEqual([{ item_id: itemA, tag_id: tagA, store_id: storeA }]);
    });

    it('a link between an item and a tag of different stores is impossible, whatever store_id it claims', async () => {
      for (const store_id of [storeA, storeB]) {
        await expectViolation(db.insertInto('items_tags').values({ item_id: itemA, tag_id: tagB, store_id }).execute(), 'foreign_key');
        await expectViolation(db.insertInto('items_tags').values({ item_id: itemB, tag_id: tagA, store_id }).execute(), 'foreign_key');
      }
      const crossing = await db.selectFrom('items_tags').selectAll().where('tag_id', '=', tagB).execute();
      expect(crossing).toEqual([]);
    });

    it('a link needs an item and a tag that exist', async () => {
      await expectViolation(
        db.insertInto('items_tags').values({ item_id: 999999, tag_id: tagA, store_id: storeA }).execute(),
        'foreign_key',
      );
      await expectViolation(
        db.insertInto('items_tags').values({ item_id: itemA, tag_id: 999999, store_id: storeA }).execute(),
        'foreign_key',
      );
    });

    it('a tag that still has links cannot be deleted', async () => {
      await expectViolation(db.deleteFrom('tags').where('id', '=', tagA).execute(), 'foreign_key');
      expect(await db.selectFrom('tags').select('id').where('id', '=', tagA).execute()).toHaveLength(1);
    });

    it('deleting an item deletes its links, after which its tag can be deleted', async () => {
      const [item] = await db.insertInto('items').values({ name: 'temporary', price: 1, store_id: storeB }).returning('id').execute();
      await db.insertInto('items_tags').values({ item_id: item!.id, tag_id: tagB, store_id: storeB }).execute();
      await db.deleteFrom('items').where('id', '=', item!.id).execute();
      expect(await db.selectFrom('items_tags').selectAll().where('item_id', '=', item!.id).execute()).toEqual([]);
      await db.deleteFrom('tags').where('id', '=', tagB).execute();
      expect(await db.selectFrom('tags').select('id').where('id', '=', tagB).execute()).toEqual([]);
    });

    it('required columns cannot be null', async () => {
      await expectViolation(
        db
          .insertInto('stores')
          .values({ name: null as unknown as string })
          .execute(),
        'not_null',
      );
    });

    it('ids are never reused after a delete', async () => {
      const [first] = await db.insertInto('stores').values({ name: 'Short-lived' }).returning('id').execute();
      await db.deleteFrom('stores').where('id', '=', first!.id).execute();
      const [second] = await db.insertInto('stores').values({ name: 'Next' }).returning('id').execute();
      expect(second!.id).toBeGreaterThan(first!.id);
    });
  });
});

describe('constraintViolation', () => {
  it('classifies nothing that is not a constraint error', () => {
    const values = [new Error('boom'), null, undefined, 'SQLITE_CONSTRAINT_UNIQUE', { code: 42 }, { code: 'EPIPE' }];
    for (const value of values) {
      expect(constraintViolation(value)).toBeUndefined();
    }
  });

  it('reads both drivers’ codes', () => {
    expect(constraintViolation({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe('unique');
    expect(constraintViolation({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })).toBe('unique');
    expect(constraintViolation({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })).toBe('foreign_key');
    expect(constraintViolation({ code: '23505' })).toBe('unique');
    expect(constraintViolation({ code: '23503' })).toBe('foreign_key');
  });
});
