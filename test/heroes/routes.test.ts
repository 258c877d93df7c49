import { beforeAll, describe, expect, it } from 'vitest';
import { rowCount, useTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeHero, makeTeam, sendRaw } from '../helpers/requests.js';

/** Empties the hero, team and link tables, so a test can expect a list to be exactly what it made. */
async function emptyHeroesAndTeams(t: TestApp) {
  await t.database.db.deleteFrom('heroteamlink').execute();
  await t.database.db.deleteFrom('hero').execute();
  await t.database.db.deleteFrom('team').execute();
}

const unprocessable = (errors: object) => ({ code: 422, status: 'Unprocessable Entity', errors });
const HERO_NOT_FOUND = { code: 404, status: 'Not Found', message: 'Hero not found.' };
const TEAM_NOT_FOUND = { code: 404, status: 'Not Found', message: 'Team not found.' };
const MISSING = ['Missing data for required field.'];
const UNKNOWN = ['Unknown field.'];
const HERO_KEYS = ['age', 'id', 'name', 'secret_name'];
const TEAM_ENTRY_KEYS = ['headquarters', 'id', 'is_training', 'name'];

describe.each(BACKENDS)('heroes on %s', (backend) => {
  const t = useTestApp(backend);
  let count = 0;
  /** A name no other test uses. */
  const unique = (prefix: string) => `${prefix} ${++count}`;
  const newTeam = (prefix = 'Team') => makeTeam(t.app, unique(prefix));

  const heroRows = (name: string) => t.database.db.selectFrom('hero').selectAll().where('name', '=', name).execute();
  const linkRowsOfTeams = (teamIds: number[]) =>
    t.database.db.selectFrom('heroteamlink').selectAll().where('team_id', 'in', teamIds).execute();
  const linkRowsOfHero = (heroId: number) => t.database.db.selectFrom('heroteamlink').selectAll().where('hero_id', '=', heroId).execute();
  const countRows = (table: 'hero' | 'team' | 'heroteamlink') => rowCount(t, table);

  describe('POST /heroes', () => {
    it('creates a hero: 201 with exactly the HeroWithTeams keys, and GET answers the same', async () => {
      const reply = await call(t.app, 'POST', '/heroes', { name: 'Deadpond', secret_name: 'Dive Wilson', age: 32 });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({ id: expect.any(Number), name: 'Deadpond', secret_name: 'Dive Wilson', age: 32, teams: [] });
      expect(Object.keys(reply.body).sort()).toEqual([...HERO_KEYS, 'teams'].sort());
      expect(await expectStatus(t.app, 200, 'GET', `/heroes/${reply.body.id}`)).toEqual(reply.body);
      expect(await heroRows('Deadpond')).toEqual([{ id: reply.body.id, name: 'Deadpond', secret_name: 'Dive Wilson', age: 32 }]);
    });

    it('leaves age out as null', async () => {
      const body = await makeHero(t.app, 'Spider-Boy', 'Pedro Parqueador');
      expect(body).toEqual({ id: expect.any(Number), name: 'Spider-Boy', secret_name: 'Pedro Parqueador', age: null, teams: [] });
      expect(Object.keys(body).sort()).toEqual([...HERO_KEYS, 'teams'].sort());
      const explicit = await makeHero(t.app, unique('Null age'), 'someone', { age: null });
      expect(explicit.age).toBeNull();
    });

    it('accepts a numeric string for age ("48" → 48) and for team_id', async () => {
      const team = await newTeam();
      const body = await makeHero(t.app, unique('Rusty-Man'), 'Tommy Sharp', {
        age: '48',
        teams: [{ team_id: String(team.id) }],
      });
      expect(body.age).toBe(48);
      expect(body.teams.map((entry: { id: number }) => entry.id)).toEqual([team.id]);
    });

    it('creates the hero with its teams, each with its is_training (default false), ordered by id', async () => {
      const a = await newTeam('Preventers');
      const b = await newTeam('Z-Force');
      const c = await newTeam('Avengers');
      const reply = await call(t.app, 'POST', '/heroes', {
        name: 'Captain North America',
        secret_name: 'Esteban Rogelios',
        age: 93,
        teams: [{ team_id: c.id }, { team_id: a.id, is_training: true }, { team_id: b.id, is_training: false }],
      });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        id: expect.any(Number),
        name: 'Captain North America',
        secret_name: 'Esteban Rogelios',
        age: 93,
        teams: [
          { id: a.id, name: a.name, headquarters: a.headquarters, is_training: true },
          { id: b.id, name: b.name, headquarters: b.headquarters, is_training: false },
          { id: c.id, name: c.name, headquarters: c.headquarters, is_training: false },
        ],
      });
      for (const entry of reply.body.teams) expect(Object.keys(entry).sort()).toEqual(TEAM_ENTRY_KEYS);
      expect(await expectStatus(t.app, 200, 'GET', `/heroes/${reply.body.id}`)).toEqual(reply.body);
      // Each team shows the hero, with that link's is_training.
      const teamA = await expectStatus(t.app, 200, 'GET', `/teams/${a.id}`);
      expect(teamA.heroes).toEqual([
        { id: reply.body.id, name: 'Captain North America', secret_name: 'Esteban Rogelios', age: 93, is_training: true },
      ]);
      expect((await expectStatus(t.app, 200, 'GET', `/teams/${c.id}`)).heroes).toMatchObject([{ id: reply.body.id, is_training: false }]);
      expect(await linkRowsOfHero(reply.body.id)).toHaveLength(3);
    });

    it('accepts an empty teams list', async () => {
      const body = await makeHero(t.app, unique('Loner'), 'Nobody', { teams: [] });
      expect(body.teams).toEqual([]);
      expect(await linkRowsOfHero(body.id)).toEqual([]);
    });

    it('answers 404 "Team not found." for an unknown team_id, and creates neither the hero nor any link', async () => {
      const team = await newTeam();
      const heroesBefore = await countRows('hero');
      const linksBefore = await countRows('heroteamlink');
      for (const teams of [
        [{ team_id: 999999 }],
        [{ team_id: team.id, is_training: true }, { team_id: 999999 }],
        [{ team_id: 999999 }, { team_id: team.id }],
      ]) {
        const name = unique('Ghost');
        const reply = await call(t.app, 'POST', '/heroes', { name, secret_name: 'Boo', teams });
        expect(reply.status, JSON.stringify(teams)).toBe(404);
        expect(reply.body, JSON.stringify(teams)).toEqual(TEAM_NOT_FOUND);
        expect(await heroRows(name)).toEqual([]);
      }
      expect(await countRows('hero')).toBe(heroesBefore);
      expect(await countRows('heroteamlink')).toBe(linksBefore);
      expect(await linkRowsOfTeams([team.id])).toEqual([]);
      expect((await expectStatus(t.app, 200, 'GET', `/teams/${team.id}`)).heroes).toEqual([]);
      // The failed attempts left nothing in the way: the same request with a real team works.
      const made = await makeHero(t.app, unique('Ghost'), 'Boo', { teams: [{ team_id: team.id }] });
      expect(made.teams).toMatchObject([{ id: team.id, is_training: false }]);
    });

    it('answers 422 when a team_id appears twice, and creates nothing', async () => {
      const team = await newTeam();
      const name = unique('Twice');
      const reply = await call(t.app, 'POST', '/heroes', {
        name,
        secret_name: 'Double',
        teams: [{ team_id: team.id }, { team_id: team.id, is_training: true }],
      });
      expect(reply.status).toBe(422);
      expect(reply.body).toMatchObject({ code: 422, status: 'Unprocessable Entity', errors: { json: { teams: expect.any(Array) } } });
      expect(await heroRows(name)).toEqual([]);
      expect(await linkRowsOfTeams([team.id])).toEqual([]);
    });

    it('requires name and secret_name, and says which are missing', async () => {
      const before = await countRows('hero');
      expect((await call(t.app, 'POST', '/heroes', {})).body).toEqual(unprocessable({ json: { name: MISSING, secret_name: MISSING } }));
      expect((await call(t.app, 'POST', '/heroes', { name: 'Only name' })).body).toEqual(unprocessable({ json: { secret_name: MISSING } }));
      const reply = await call(t.app, 'POST', '/heroes', { secret_name: 'Only secret', age: 3 });
      expect(reply.status).toBe(422);
      expect(reply.body).toEqual(unprocessable({ json: { name: MISSING } }));
      expect(await countRows('hero')).toBe(before);
    });

    it('refuses null and values of the wrong type', async () => {
      const team = await newTeam();
      const before = await countRows('hero');
      const cases: [Record<string, unknown>, object][] = [
        [{ name: null }, { name: ['Field may not be null.'] }],
        [{ secret_name: null }, { secret_name: ['Field may not be null.'] }],
        [{ name: 123 }, { name: ['Not a valid string.'] }],
        [{ name: true }, { name: ['Not a valid string.'] }],
        [{ secret_name: { a: 1 } }, { secret_name: ['Not a valid string.'] }],
        [{ name: '' }, { name: expect.any(Array) }],
        [{ age: 'old' }, { age: ['Not a valid integer.'] }],
        [{ age: 1.5 }, { age: ['Not a valid integer.'] }],
        [{ age: true }, { age: ['Not a valid integer.'] }],
        [{ age: -1 }, { age: expect.any(Array) }],
        [{ teams: 'Z-Force' }, { teams: ['Not a valid list.'] }],
        [{ teams: null }, { teams: ['Field may not be null.'] }],
        [{ teams: [{}] }, { teams: { 0: { team_id: MISSING } } }],
        [{ teams: [{ team_id: 'abc' }] }, { teams: { 0: { team_id: ['Not a valid integer.'] } } }],
        [{ teams: [{ team_id: team.id, is_training: 'yes' }] }, { teams: { 0: { is_training: ['Not a valid boolean.'] } } }],
        [{ teams: [{ team_id: team.id, is_training: null }] }, { teams: { 0: { is_training: ['Field may not be null.'] } } }],
      ];
      for (const [override, errors] of cases) {
        const reply = await call(t.app, 'POST', '/heroes', { name: 'Typed', secret_name: 'Typed', ...override });
        expect(reply.status, JSON.stringify(override)).toBe(422);
        expect(reply.body, JSON.stringify(override)).toEqual(unprocessable({ json: errors }));
      }
      expect(await countRows('hero')).toBe(before);
      expect(await linkRowsOfTeams([team.id])).toEqual([]);
    });

    it('refuses unknown and read-only fields, in the hero and in its teams entries', async () => {
      const team = await newTeam();
      const before = await countRows('hero');
      for (const [field, value] of [
        ['id', 4242],
        ['power', 'flight'],
        ['team_id', team.id],
      ] as const) {
        const reply = await call(t.app, 'POST', '/heroes', { name: 'Extra', secret_name: 'Extra', [field]: value });
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { [field]: UNKNOWN } }));
      }
      for (const [field, value] of [
        ['id', team.id],
        ['name', 'Z-Force'],
        ['hero_id', 1],
      ] as const) {
        const reply = await call(t.app, 'POST', '/heroes', {
          name: 'Extra',
          secret_name: 'Extra',
          teams: [{ team_id: team.id, [field]: value }],
        });
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { teams: { 0: { [field]: UNKNOWN } } } }));
      }
      expect(await countRows('hero')).toBe(before);
      expect(await linkRowsOfTeams([team.id])).toEqual([]);
    });

    it('refuses a body that is not a JSON object with errors.json._schema', async () => {
      for (const text of ['[]', '"Deadpond"', 'null', '12']) {
        const reply = await sendRaw(t.app, 'POST', '/heroes', text);
        expect(reply.status, text).toBe(422);
        expect(reply.body, text).toEqual(unprocessable({ json: { _schema: expect.any(Array) } }));
      }
    });
  });

  describe('GET /heroes', () => {
    it('lists every hero in the plain Hero shape, ordered by id, with X-Pagination', async () => {
      await emptyHeroesAndTeams(t);
      const empty = await call(t.app, 'GET', '/heroes');
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual([]);
      expect(JSON.parse(String(empty.headers['x-pagination']))).toEqual({ total: 0, total_pages: 0 });

      const team = await newTeam();
      const made = [];
      for (const [name, age] of [
        ['Deadpond', null],
        ['Spider-Boy', null],
        ['Rusty-Man', 48],
      ] as const) {
        made.push(await makeHero(t.app, name, `${name} secret`, { age, teams: [{ team_id: team.id }] }));
      }
      const reply = await call(t.app, 'GET', '/heroes');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(made.map(({ teams: _teams, ...hero }) => hero));
      for (const hero of reply.body) expect(Object.keys(hero).sort()).toEqual(HERO_KEYS);
      expect(JSON.parse(String(reply.headers['x-pagination']))).toEqual({
        total: 3,
        total_pages: 1,
        first_page: 1,
        last_page: 1,
        page: 1,
      });
    });

    describe('with many heroes', () => {
      const TOTAL = 150;
      let ids: number[] = [];
      const listed = (body: Array<{ id: number }>) => body.map((hero) => hero.id);

      beforeAll(async () => {
        await emptyHeroesAndTeams(t);
        const rows = await t.database.db
          .insertInto('hero')
          .values(Array.from({ length: TOTAL }, (_, i) => ({ name: `hero ${i}`, secret_name: `secret ${i}`, age: i })))
          .returning('id')
          .execute();
        ids = rows.map((row) => row.id).sort((a, b) => a - b);
      });

      it('pages with offset and limit (limit at most 100, by default 100)', async () => {
        const page = async (query: string) => listed(await expectStatus(t.app, 200, 'GET', `/heroes?${query}`));
        expect(await page('offset=0&limit=3')).toEqual(ids.slice(0, 3));
        expect(await page('offset=10&limit=5')).toEqual(ids.slice(10, 15));
        expect(await page('limit=2')).toEqual(ids.slice(0, 2));
        expect(await page('limit=0')).toEqual([]);
        expect(await page('limit=100')).toEqual(ids.slice(0, 100));
        expect(await page('offset=0')).toEqual(ids.slice(0, 100));
        expect(await page('offset=120')).toEqual(ids.slice(120));
        expect(await page('offset=140&limit=100')).toEqual(ids.slice(140));
        expect(await page(`offset=${TOTAL}`)).toEqual([]);
        expect(await page('offset=5000&limit=10')).toEqual([]);
        const body = await expectStatus(t.app, 200, 'GET', '/heroes?offset=7&limit=1');
        expect(body).toEqual([{ id: ids[7], name: 'hero 7', secret_name: 'secret 7', age: 7 }]);
      });

      it('pages with page and page_size, with the X-Pagination header', async () => {
        const first = await call(t.app, 'GET', '/heroes');
        expect(listed(first.body)).toEqual(ids.slice(0, 100));
        expect(JSON.parse(String(first.headers['x-pagination']))).toEqual({
          total: TOTAL,
          total_pages: 2,
          first_page: 1,
          last_page: 2,
          page: 1,
          next_page: 2,
        });
        const middle = await call(t.app, 'GET', '/heroes?page=2&page_size=10');
        expect(middle.status).toBe(200);
        expect(listed(middle.body)).toEqual(ids.slice(10, 20));
        expect(JSON.parse(String(middle.headers['x-pagination']))).toEqual({
          total: TOTAL,
          total_pages: 15,
          first_page: 1,
          last_page: 15,
          page: 2,
          previous_page: 1,
          next_page: 3,
        });
        const last = await call(t.app, 'GET', '/heroes?page=2');
        expect(listed(last.body)).toEqual(ids.slice(100));
        expect(JSON.parse(String(last.headers['x-pagination']))).toMatchObject({ page: 2, previous_page: 1 });
        expect(JSON.parse(String(last.headers['x-pagination']))).not.toHaveProperty('next_page');
        expect(listed(await expectStatus(t.app, 200, 'GET', '/heroes?page_size=1000'))).toEqual(ids);
      });

      it('answers 422 for a limit over 100 or below 0, a negative offset, bad pages, and mixed styles', async () => {
        const limitRange = ['Must be greater than or equal to 0 and less than or equal to 100.'];
        const cases: [string, object][] = [
          ['limit=101', { limit: limitRange }],
          ['limit=1000', { limit: limitRange }],
          ['limit=-1', { limit: limitRange }],
          ['offset=-1', { offset: expect.any(Array) }],
          ['offset=-1&limit=5', { offset: expect.any(Array) }],
          ['limit=abc', { limit: ['Not a valid integer.'] }],
          ['offset=1.5', { offset: ['Not a valid integer.'] }],
          ['page=0', { page: expect.any(Array) }],
          ['page_size=1001', { page_size: expect.any(Array) }],
          ['page_size=0', { page_size: expect.any(Array) }],
          ['offset=0&page=1', { _schema: expect.any(Array) }],
          ['limit=10&page=2', { _schema: expect.any(Array) }],
          ['limit=10&page_size=10', { _schema: expect.any(Array) }],
          ['offset=5&limit=5&page=1&page_size=5', { _schema: expect.any(Array) }],
        ];
        for (const [query, errors] of cases) {
          const reply = await call(t.app, 'GET', `/heroes?${query}`);
          expect(reply.status, query).toBe(422);
          expect(reply.body, query).toEqual(unprocessable({ query: errors }));
        }
      });
    });
  });

  describe('GET /heroes/{id}', () => {
    it('answers the HeroWithTeams, its teams ordered by id with each link’s is_training', async () => {
      const a = await newTeam();
      const b = await newTeam();
      const hero = await makeHero(t.app, unique('Reader'), 'Reads', {
        age: 21,
        teams: [{ team_id: b.id, is_training: true }, { team_id: a.id }],
      });
      const body = await expectStatus(t.app, 200, 'GET', `/heroes/${hero.id}`);
      expect(body).toEqual({
        id: hero.id,
        name: hero.name,
        secret_name: 'Reads',
        age: 21,
        teams: [
          { id: a.id, name: a.name, headquarters: a.headquarters, is_training: false },
          { id: b.id, name: b.name, headquarters: b.headquarters, is_training: true },
        ],
      });
    });

    it('answers 404 "Hero not found." for an id that names nothing or is not a positive integer', async () => {
      expect(await call(t.app, 'GET', '/heroes/999999')).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
      for (const id of ['0', '-1', 'abc', '1.5', '99999999999']) {
        const reply = await call(t.app, 'GET', `/heroes/${id}`);
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
      const hero = await makeHero(t.app, unique('Slash'));
      expect((await call(t.app, 'GET', `/heroes/${hero.id}/`)).status).toBe(404);
    });
  });

  describe('PATCH /heroes/{id}', () => {
    it('changes only the given fields and answers the plain Hero', async () => {
      const team = await newTeam();
      const hero = await makeHero(t.app, unique('Patched'), 'Before', { age: 30, teams: [{ team_id: team.id, is_training: true }] });
      const renamed = await call(t.app, 'PATCH', `/heroes/${hero.id}`, { name: 'Renamed' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ id: hero.id, name: 'Renamed', secret_name: 'Before', age: 30 });
      expect(Object.keys(renamed.body).sort()).toEqual(HERO_KEYS);

      expect(await expectStatus(t.app, 200, 'PATCH', `/heroes/${hero.id}`, { secret_name: 'After', age: '31' })).toEqual({
        id: hero.id,
        name: 'Renamed',
        secret_name: 'After',
        age: 31,
      });
      // An empty body changes nothing.
      expect(await expectStatus(t.app, 200, 'PATCH', `/heroes/${hero.id}`, {})).toEqual({
        id: hero.id,
        name: 'Renamed',
        secret_name: 'After',
        age: 31,
      });
      // The change is stored, and the hero's links are untouched.
      expect(await expectStatus(t.app, 200, 'GET', `/heroes/${hero.id}`)).toEqual({
        id: hero.id,
        name: 'Renamed',
        secret_name: 'After',
        age: 31,
        teams: [{ id: team.id, name: team.name, headquarters: team.headquarters, is_training: true }],
      });
    });

    it('sets age to null', async () => {
      const hero = await makeHero(t.app, unique('Ageless'), 'Forever', { age: 40 });
      expect(await expectStatus(t.app, 200, 'PATCH', `/heroes/${hero.id}`, { age: null })).toMatchObject({ age: null });
      expect((await heroRows(hero.name))[0]!.age).toBeNull();
    });

    it('answers 422 "Field may not be null." for a null name or secret_name, and changes nothing', async () => {
      const hero = await makeHero(t.app, unique('Steady'), 'Steady', { age: 5 });
      for (const field of ['name', 'secret_name']) {
        const reply = await call(t.app, 'PATCH', `/heroes/${hero.id}`, { [field]: null });
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { [field]: ['Field may not be null.'] } }));
      }
      const both = await call(t.app, 'PATCH', `/heroes/${hero.id}`, { name: null, age: 6 });
      expect(both.status).toBe(422);
      expect(await heroRows(hero.name)).toEqual([{ id: hero.id, name: hero.name, secret_name: 'Steady', age: 5 }]);
    });

    it('answers 422 for unknown fields and wrong types, and changes nothing', async () => {
      const team = await newTeam();
      const hero = await makeHero(t.app, unique('Strict'), 'Strict');
      const cases: [Record<string, unknown>, object][] = [
        [{ id: 7 }, { id: UNKNOWN }],
        [{ teams: [] }, { teams: UNKNOWN }],
        [{ teams: [{ team_id: team.id }] }, { teams: UNKNOWN }],
        [{ power: 'x' }, { power: UNKNOWN }],
        [{ name: 5 }, { name: ['Not a valid string.'] }],
        [{ age: 'old' }, { age: ['Not a valid integer.'] }],
        [{ name: '' }, { name: expect.any(Array) }],
      ];
      for (const [body, errors] of cases) {
        const reply = await call(t.app, 'PATCH', `/heroes/${hero.id}`, body);
        expect(reply.status, JSON.stringify(body)).toBe(422);
        expect(reply.body, JSON.stringify(body)).toEqual(unprocessable({ json: errors }));
      }
      expect(await heroRows(hero.name)).toEqual([{ id: hero.id, name: hero.name, secret_name: 'Strict', age: null }]);
      expect(await linkRowsOfHero(hero.id)).toEqual([]);
    });

    it('answers 404 "Hero not found." for an unknown id', async () => {
      for (const body of [{ name: 'Nobody' }, {}]) {
        expect(await call(t.app, 'PATCH', '/heroes/999999', body)).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
      }
      expect((await call(t.app, 'PATCH', '/heroes/abc', { name: 'Nobody' })).status).toBe(404);
      expect(await heroRows('Nobody')).toEqual([]);
    });
  });

  describe('DELETE /heroes/{id}', () => {
    it('deletes the hero and its link rows; its teams and other heroes’ links stay', async () => {
      const a = await newTeam();
      const b = await newTeam();
      const hero = await makeHero(t.app, unique('Doomed'), 'Doomed', {
        teams: [{ team_id: a.id }, { team_id: b.id, is_training: true }],
      });
      const other = await makeHero(t.app, unique('Survivor'), 'Survivor', { teams: [{ team_id: a.id }] });
      expect(await linkRowsOfHero(hero.id)).toHaveLength(2);

      const reply = await call(t.app, 'DELETE', `/heroes/${hero.id}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ message: 'Hero deleted.' });

      expect(await call(t.app, 'GET', `/heroes/${hero.id}`)).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
      expect(await heroRows(hero.name)).toEqual([]);
      expect(await linkRowsOfHero(hero.id)).toEqual([]);
      // The teams survive, and show only the heroes still linked.
      expect(await expectStatus(t.app, 200, 'GET', `/teams/${a.id}`)).toEqual({
        ...a,
        heroes: [{ id: other.id, name: other.name, secret_name: 'Survivor', age: null, is_training: false }],
      });
      expect(await expectStatus(t.app, 200, 'GET', `/teams/${b.id}`)).toEqual({ ...b, heroes: [] });
      expect(await linkRowsOfHero(other.id)).toHaveLength(1);
      // The link itself is gone from both ends.
      expect((await call(t.app, 'GET', `/heroes/${hero.id}/teams/${a.id}`)).status).toBe(404);
      expect((await call(t.app, 'GET', `/teams/${a.id}/heroes/${hero.id}`)).status).toBe(404);

      // Deleting again: 404.
      expect(await call(t.app, 'DELETE', `/heroes/${hero.id}`)).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
    });

    it('answers 404 "Hero not found." for an unknown id', async () => {
      expect(await call(t.app, 'DELETE', '/heroes/999999')).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
      expect((await call(t.app, 'DELETE', '/heroes/0')).status).toBe(404);
      expect((await call(t.app, 'DELETE', '/heroes/abc')).status).toBe(404);
    });

    it('the database itself deletes the link rows of a deleted hero (ON DELETE CASCADE)', async () => {
      const a = await newTeam();
      const b = await newTeam();
      const hero = await makeHero(t.app, unique('Cascaded'), 'Cascaded', {
        teams: [{ team_id: a.id }, { team_id: b.id, is_training: true }],
      });
      const other = await makeHero(t.app, unique('Kept'), 'Kept', { teams: [{ team_id: b.id }] });
      await t.database.db.deleteFrom('hero').where('id', '=', hero.id).execute();
      expect(await linkRowsOfHero(hero.id)).toEqual([]);
      expect(await linkRowsOfHero(other.id)).toHaveLength(1);
      const teams = await t.database.db.selectFrom('team').select('id').where('id', 'in', [a.id, b.id]).orderBy('id').execute();
      expect(teams).toEqual([{ id: a.id }, { id: b.id }]);
    });
  });
});
