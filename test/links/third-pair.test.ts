import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/database/connection.js';
import { migrateToLatest } from '../../src/database/migrate.js';
import type { App } from '../../src/http/app-types.js';
import { inputHook } from '../../src/http/input-hook.js';
import { errorHandling } from '../../src/http/error-handler.js';
import { idempotency } from '../../src/http/idempotency.js';
import { jsonBodyParser } from '../../src/http/json-body.js';
import { OffsetOrPageQuery } from '../../src/http/offset-pagination.js';
import { ErrorEnvelope, Id, Text } from '../../src/http/schemas.js';
import { schemaCompilers } from '../../src/http/validators.js';
import { linkEnds } from '../../src/links/link-ends.js';
import { linksOf } from '../../src/links/link-model.js';
import { linkRoutes } from '../../src/links/link-routes.js';
import { linkService } from '../../src/links/link-service.js';
import { listsOf } from '../../src/lists/list-spec.js';
import { call } from '../helpers/requests.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

/** A pair the service does not have: pets ↔ toys through `pet_toy`, a link that says whether it is a favourite. */
interface PetTables {
  pet: { id: number; name: string };
  toy: { id: number; name: string; price: number };
  pet_toy: { pet_id: number; toy_id: number; favourite: boolean | number };
}

/** Its migration: the link table with its composite primary key and a foreign key to each end. */
async function migratePets({ db }: Database) {
  for (const statement of [
    'CREATE TABLE pet (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL)',
    'CREATE TABLE toy (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL, price REAL NOT NULL)',
    `CREATE TABLE pet_toy (pet_id INTEGER NOT NULL REFERENCES pet (id) ON DELETE CASCADE,
       toy_id INTEGER NOT NULL REFERENCES toy (id) ON DELETE CASCADE, favourite BOOLEAN NOT NULL DEFAULT false,
       PRIMARY KEY (pet_id, toy_id))`,
    'CREATE INDEX pet_toy_toy_id ON pet_toy (toy_id, pet_id)',
  ]) {
    await sql.raw(statement).execute(db);
  }
}

// Its declaration: names checked against PetTables.
const petsToys = linksOf<PetTables>()({
  table: 'pet_toy',
  left: { table: 'pet', column: 'pet_id', name: 'pets', singular: 'pet' },
  right: { table: 'toy', column: 'toy_id', name: 'toys', singular: 'toy' },
  fields: Type.Object({ favourite: Type.Boolean({ default: false }) }),
});
// biome-ignore format: @ts-expect-error covers one line, so the call stays on it
// @ts-expect-error a column the link table does not have does not compile
linksOf<PetTables>()({ table: 'pet_toy', left: { table: 'pet', column: 'pet', name: 'p', singular: 'p' }, right: { table: 'toy', column: 'toy_id', name: 't', singular: 't' } });
// biome-ignore format: @ts-expect-error covers one line, so the call stays on it
// @ts-expect-error nor does a table that is not there
linksOf<PetTables>()({ table: 'pet_toys', left: { table: 'pet', column: 'pet_id', name: 'p', singular: 'p' }, right: { table: 'toy', column: 'toy_id', name: 't', singular: 't' } });

const Pet = Type.Object({ id: Id, name: Text }, { $id: 'Pet' });
const Toy = Type.Object({ id: Id, name: Text, price: Type.Number() }, { $id: 'Toy' });
const pets = listsOf<PetTables>()({ table: 'pet', shape: Pet, links: [{ link: petsToys, side: 'left' }] });
const toys = listsOf<PetTables>()({ table: 'toy', shape: Toy, bounds: ['price'], links: [{ link: petsToys, side: 'right' }] });

/** An app of the mechanism alone, with the pair's one routes call. */
async function petApp(database: Database): Promise<App> {
  const app = Fastify({ schemaController: schemaCompilers() }).withTypeProvider() as unknown as App;
  app.addSchema(ErrorEnvelope);
  errorHandling(app);
  jsonBodyParser(app);
  inputHook(app);
  const asRow = (_ids: unknown, row: unknown) => row;
  await linkRoutes(app, {
    service: linkService(database, petsToys),
    ends: linkEnds(database, petsToys, { left: pets, right: toys }),
    idempotent: idempotency(database, new TextEncoder().encode('a secret for the pets test, 32 bytes or more')),
    spec: {
      paths: ['/pets/:pet_id/toys/:toy_id'],
      tags: ['pets'],
      refusals: { no_left: 'Pet not found.', no_right: 'Toy not found.', not_linked: 'The pet does not have that toy.' },
      link: { summary: 'Give a toy', response: Type.Any(), send: asRow },
      read: { summary: 'A toy of a pet', response: Type.Any(), send: asRow },
      unlink: { summary: 'Take a toy', response: Type.Any(), send: () => ({ message: 'Taken.' }) },
      paging: OffsetOrPageQuery,
      ends: {
        left: { path: '/pets/:pet_id/toys', set: { response: Type.Any(), send: async (id) => ({ id }) } },
        right: { path: '/toys/:toy_id/pets' },
      },
    },
  });
  await app.ready();
  return app;
}

describe.each(BACKENDS)('a third pair, declared in a test, gets the whole mechanism on %s', (backend) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let app: App;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
    database = openDatabase(testDatabase.config);
    await migrateToLatest(database.db);
    await migratePets(database);
    await sql`INSERT INTO pet (id, name) VALUES (1, 'Rex'), (2, 'Tom')`.execute(database.db);
    await sql`INSERT INTO toy (id, name, price) VALUES (1, 'Ball', 2), (2, 'Bone', 5), (3, 'Mouse', 3)`.execute(database.db);
    app = await petApp(database);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  it('links, reads and unlinks one pair, with the link’s field and its default', async () => {
    expect(await call(app, 'POST', '/pets/1/toys/1', { favourite: true })).toMatchObject({
      status: 201,
      body: { pet_id: 1, toy_id: 1, favourite: true },
    });
    expect(await call(app, 'POST', '/pets/1/toys/2')).toMatchObject({ status: 201, body: { favourite: false } });
    expect(await call(app, 'POST', '/pets/1/toys/1')).toMatchObject({ status: 200 });
    expect(await call(app, 'GET', '/pets/2/toys/1')).toMatchObject({ status: 404, body: { message: 'The pet does not have that toy.' } });
    expect(await call(app, 'POST', '/pets/9/toys/1')).toMatchObject({ status: 404, body: { message: 'Pet not found.' } });
  });

  it('lists each end’s other end, filtered through the link and by the link’s field', async () => {
    const toysOfRex = await call(app, 'GET', '/pets/1/toys?sort=-price');
    expect(toysOfRex.body).toEqual([
      { id: 2, name: 'Bone', price: 5, favourite: false },
      { id: 1, name: 'Ball', price: 2, favourite: true },
    ]);
    expect((await call(app, 'GET', '/pets/1/toys?favourite=true')).body.map((r: { id: number }) => r.id)).toEqual([1]);
    expect((await call(app, 'GET', '/pets/1/toys?price_max=4&offset=0&limit=5')).body.map((r: { id: number }) => r.id)).toEqual([1]);
    expect((await call(app, 'GET', '/toys/1/pets')).body).toEqual([{ id: 1, name: 'Rex', favourite: true }]);
    expect((await call(app, 'GET', '/toys/3/pets?toys_none=1')).body).toEqual([]);
    expect(await call(app, 'GET', '/toys/9/pets')).toMatchObject({ status: 404, body: { message: 'Toy not found.' } });
    expect(await call(app, 'GET', '/pets/1/toys?pets_all=x')).toMatchObject({
      status: 422,
      body: { errors: { query: { pets_all: [expect.any(String)] } } },
    });
  });

  it('sets a pet’s toys whole: {"toys":[{toy_id, favourite?}]}', async () => {
    const reply = await call(app, 'PUT', '/pets/1/toys', { toys: [{ toy_id: 1 }, { toy_id: 3, favourite: true }] });
    expect(reply).toMatchObject({ status: 200, body: { id: 1 } });
    expect((await call(app, 'GET', '/pets/1/toys')).body.map((r: { id: number; favourite: boolean }) => [r.id, r.favourite])).toEqual([
      [1, true],
      [3, true],
    ]);
    expect(await call(app, 'PUT', '/pets/1/toys', { toys: [{ toy_id: 99 }] })).toMatchObject({
      status: 404,
      body: { message: 'Toy not found.' },
    });
    expect((await call(app, 'PUT', '/toys/1/pets', { pets: [] })).status).toBe(404);
  });
});
