import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type QueryEvent } from '../../src/database/connection.js';
import { migrateToLatest } from '../../src/database/migrate.js';
import { prepared } from '../../src/database/prepared.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

describe.each(BACKENDS)('prepared queries on %s', (backend) => {
  let testDatabase: TestDatabase;
  let database: Database;
  const events: QueryEvent[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
    database = openDatabase(testDatabase.config, { onQuery: (event) => void events.push(event) });
    await migrateToLatest(database.db);
    await database.db
      .insertInto('stores')
      .values(['Alpha', 'Beta', 'Gamma', 'Delta'].map((name) => ({ name })))
      .execute();
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('binds each call’s arguments to the one compiled query', async () => {
    const { db } = database;
    const byName = prepared(database, (name: string) => db.selectFrom('stores').select('name').where('name', '=', name));
    expect(await byName('Alpha')).toEqual([{ name: 'Alpha' }]);
    expect(await byName('Gamma')).toEqual([{ name: 'Gamma' }]);
    expect(await byName('Nobody')).toEqual([]);
    expect(await byName('Alpha')).toEqual([{ name: 'Alpha' }]);
  });

  it('builds and compiles the query once, however often it runs', async () => {
    const { db } = database;
    let builds = 0;
    const byName = prepared(database, (name: string) => {
      builds += 1;
      return db.selectFrom('stores').select('name').where('name', '=', name);
    });
    const before = events.length;
    await byName('Alpha');
    await byName('Beta');
    await byName('Delta');
    expect(builds).toBe(1);
    const run = events.slice(before);
    expect(run.map((e) => e.sql)).toEqual([run[0]!.sql, run[0]!.sql, run[0]!.sql]);
    expect(run.map((e) => e.parameters)).toEqual([['Alpha'], ['Beta'], ['Delta']]);
  });

  it('puts each argument where its parameter is used, whatever the order, and keeps constant values', async () => {
    const { db } = database;
    // `to` is used before `from` in the SQL; the constant 'Beta' sits between them.
    const range = prepared(database, (from: string, to: string, limit: number) =>
      db
        .selectFrom('stores')
        .select('name')
        .where('name', '<=', to)
        .where('name', '!=', 'Beta')
        .where('name', '>=', from)
        .orderBy('name')
        .limit(limit),
    );
    expect(await range('Alpha', 'Delta', 10)).toEqual([{ name: 'Alpha' }, { name: 'Delta' }]);
    expect(await range('Beta', 'Gamma', 10)).toEqual([{ name: 'Delta' }, { name: 'Gamma' }]);
    expect(await range('Alpha', 'Gamma', 1)).toEqual([{ name: 'Alpha' }]);
  });

  it('binds one argument used twice in both places', async () => {
    const { db } = database;
    const either = prepared(database, (name: string) =>
      db
        .selectFrom('stores')
        .select('name')
        .where((eb) => eb.or([eb('name', '=', name), eb(sql<string>`lower(name)`, '=', name)])),
    );
    expect(await either('beta')).toEqual([{ name: 'Beta' }]);
    expect(await either('Gamma')).toEqual([{ name: 'Gamma' }]);
  });

  it('writes with the arguments given, returning the rows', async () => {
    const { db } = database;
    const insert = prepared(database, (name: string) => db.insertInto('stores').values({ name }).returning(['id', 'name']));
    const [first] = await insert('Epsilon');
    const [second] = await insert('Zeta');
    expect(first).toEqual({ id: expect.any(Number), name: 'Epsilon' });
    expect(second).toEqual({ id: expect.any(Number), name: 'Zeta' });
    expect(second!.id).not.toBe(first!.id);
  });

  it('.in(trx) runs inside the transaction: a rollback leaves no row', async () => {
    const { db } = database;
    const insert = prepared(database, (name: string) => db.insertInto('stores').values({ name }).returning('id'));
    const byName = prepared(database, (name: string) => db.selectFrom('stores').select('name').where('name', '=', name));

    await expect(
      db.transaction().execute(async (trx) => {
        await insert.in(trx)('Rolled back');
        // Inside the transaction its own row is visible.
        expect(await byName.in(trx)('Rolled back')).toEqual([{ name: 'Rolled back' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await byName('Rolled back')).toEqual([]);
  });

  it('.in(trx) keeps what a committed transaction wrote', async () => {
    const { db } = database;
    const insert = prepared(database, (name: string) => db.insertInto('stores').values({ name }).returning('id'));
    const byName = prepared(database, (name: string) => db.selectFrom('stores').select('name').where('name', '=', name));
    await db.transaction().execute(async (trx) => {
      await insert.in(trx)('Committed');
    });
    expect(await byName('Committed')).toEqual([{ name: 'Committed' }]);
  });
});
