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
const TEAM_KEYS = ['headquarters', 'id', 'name'];
const HERO_ENTRY_KEYS = ['age', 'id', 'is_training', 'name', 'secret_name'];

describe.each(BACKENDS)('teams on %s', (backend) => {
  const t = useTestApp(backend);
  let count = 0;
  /** A name no other test uses. */
  const unique = (prefix: string) => `${prefix} ${++count}`;
  const newHero = (prefix = 'Hero', extra: object = {}) => makeHero(t.app, unique(prefix), 'Secret', extra);

  const teamRows = (name: string) => t.database.db.selectFrom('team').selectAll().where('name', '=', name).execute();
  const linkRowsOfHeroes = (heroIds: number[]) =>
    t.database.db.selectFrom('heroteamlink').selectAll().where('hero_id', 'in', heroIds).execute();
  const linkRowsOfTeam = (teamId: number) => t.database.db.selectFrom('heroteamlink').selectAll().where('team_id', '=', teamId).execute();
  const countRows = (table: 'hero' | 'team' | 'heroteamlink') => rowCount(t, table);

  describe('POST /teams', () => {
    it('creates a team: 201 with exactly the TeamWithHeroes keys, and GET answers the same', async () => {
      const reply = await call(t.app, 'POST', '/teams', { name: 'Preventers', headquarters: 'Sharp Tower' });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({ id: expect.any(Number), name: 'Preventers', headquarters: 'Sharp Tower', heroes: [] });
      expect(Object.keys(reply.body).sort()).toEqual([...TEAM_KEYS, 'heroes'].sort());
      expect(await expectStatus(t.app, 200, 'GET', `/teams/${reply.body.id}`)).toEqual(reply.body);
      expect(await teamRows('Preventers')).toEqual([{ id: reply.body.id, name: 'Preventers', headquarters: 'Sharp Tower' }]);
    });

    it('creates the team with its heroes, each with its is_training (default false), ordered by id', async () => {
      const a = await newHero('Deadpond', { age: 30 });
      const b = await newHero('Spider-Boy');
      const c = await newHero('Rusty-Man', { age: 48 });
      const reply = await call(t.app, 'POST', '/teams', {
        name: 'Z-Force',
        headquarters: "Sister Margaret's Bar",
        heroes: [{ hero_id: c.id }, { hero_id: a.id, is_training: true }, { hero_id: String(b.id), is_training: false }],
      });
      expect(reply.status).toBe(201);
      const entry = (hero: { id: number; name: string; secret_name: string; age: number | null }, is_training: boolean) => ({
        id: hero.id,
        name: hero.name,
        secret_name: hero.secret_name,
        age: hero.age,
        is_training,
      });
      expect(reply.body).toEqual({
        id: expect.any(Number),
        name: 'Z-Force',
        headquarters: "Sister Margaret's Bar",
        heroes: [entry(a, true), entry(b, false), entry(c, false)],
      });
      for (const hero of reply.body.heroes) expect(Object.keys(hero).sort()).toEqual(HERO_ENTRY_KEYS);
      expect(await expectStatus(t.app, 200, 'GET', `/teams/${reply.body.id}`)).toEqual(reply.body);
      // Each hero shows the team, with that link's is_training.
      expect((await expectStatus(t.app, 200, 'GET', `/heroes/${a.id}`)).teams).toEqual([
        { id: reply.body.id, name: 'Z-Force', headquarters: "Sister Margaret's Bar", is_training: true },
      ]);
      expect((await expectStatus(t.app, 200, 'GET', `/heroes/${c.id}`)).teams).toMatchObject([{ id: reply.body.id, is_training: false }]);
      expect(await linkRowsOfTeam(reply.body.id)).toHaveLength(3);
    });

    it('accepts an empty heroes list', async () => {
      const body = await makeTeam(t.app, unique('Empty'), 'Nowhere', { heroes: [] });
      expect(body.heroes).toEqual([]);
      expect(await linkRowsOfTeam(body.id)).toEqual([]);
    });

    it('answers 404 "Hero not found." for an unknown hero_id, and creates neither the team nor any link', async () => {
      const hero = await newHero();
      const teamsBefore = await countRows('team');
      const linksBefore = await countRows('heroteamlink');
      for (const heroes of [
        [{ hero_id: 999999 }],
        [{ hero_id: hero.id, is_training: true }, { hero_id: 999999 }],
        [{ hero_id: 999999 }, { hero_id: hero.id }],
      ]) {
        const name = unique('Phantom Team');
        const reply = await call(t.app, 'POST', '/teams', { name, headquarters: 'Nowhere', heroes });
        expect(reply.status, JSON.stringify(heroes)).toBe(404);
        expect(reply.body, JSON.stringify(heroes)).toEqual(HERO_NOT_FOUND);
        expect(await teamRows(name)).toEqual([]);
      }
      expect(await countRows('team')).toBe(teamsBefore);
      expect(await countRows('heroteamlink')).toBe(linksBefore);
      expect(await linkRowsOfHeroes([hero.id])).toEqual([]);
      expect((await expectStatus(t.app, 200, 'GET', `/heroes/${hero.id}`)).teams).toEqual([]);
      const made = await makeTeam(t.app, unique('Phantom Team'), 'Somewhere', { heroes: [{ hero_id: hero.id }] });
      expect(made.heroes).toMatchObject([{ id: hero.id, is_training: false }]);
    });

    it('answers 422 when a hero_id appears twice, and creates nothing', async () => {
      const hero = await newHero();
      const name = unique('Twice');
      const reply = await call(t.app, 'POST', '/teams', {
        name,
        headquarters: 'Double HQ',
        heroes: [{ hero_id: hero.id }, { hero_id: hero.id, is_training: true }],
      });
      expect(reply.status).toBe(422);
      expect(reply.body).toMatchObject({ code: 422, status: 'Unprocessable Entity', errors: { json: { heroes: expect.any(Array) } } });
      expect(await teamRows(name)).toEqual([]);
      expect(await linkRowsOfHeroes([hero.id])).toEqual([]);
    });

    it('requires name and headquarters, and says which are missing', async () => {
      const before = await countRows('team');
      expect((await call(t.app, 'POST', '/teams', {})).body).toEqual(unprocessable({ json: { name: MISSING, headquarters: MISSING } }));
      expect((await call(t.app, 'POST', '/teams', { name: 'Only name' })).body).toEqual(unprocessable({ json: { headquarters: MISSING } }));
      const reply = await call(t.app, 'POST', '/teams', { headquarters: 'Only HQ' });
      expect(reply.status).toBe(422);
      expect(reply.body).toEqual(unprocessable({ json: { name: MISSING } }));
      expect(await countRows('team')).toBe(before);
    });

    it('refuses null and values of the wrong type', async () => {
      const hero = await newHero();
      const before = await countRows('team');
      const cases: [Record<string, unknown>, object][] = [
        [{ name: null }, { name: ['Field may not be null.'] }],
        [{ headquarters: null }, { headquarters: ['Field may not be null.'] }],
        [{ name: 123 }, { name: ['Not a valid string.'] }],
        [{ headquarters: false }, { headquarters: ['Not a valid string.'] }],
        [{ name: ['a'] }, { name: ['Not a valid string.'] }],
        [{ headquarters: '' }, { headquarters: expect.any(Array) }],
        [{ heroes: 'Deadpond' }, { heroes: ['Not a valid list.'] }],
        [{ heroes: null }, { heroes: ['Field may not be null.'] }],
        [{ heroes: [{}] }, { heroes: { 0: { hero_id: MISSING } } }],
        [{ heroes: [{ hero_id: 0 }] }, { heroes: { 0: { hero_id: expect.any(Array) } } }],
        [{ heroes: [{ hero_id: 'abc' }] }, { heroes: { 0: { hero_id: ['Not a valid integer.'] } } }],
        [{ heroes: [{ hero_id: hero.id, is_training: 'yes' }] }, { heroes: { 0: { is_training: ['Not a valid boolean.'] } } }],
        [{ heroes: [{ hero_id: hero.id, is_training: 1 }] }, { heroes: { 0: { is_training: ['Not a valid boolean.'] } } }],
      ];
      for (const [override, errors] of cases) {
        const reply = await call(t.app, 'POST', '/teams', { name: 'Typed', headquarters: 'Typed', ...override });
        expect(reply.status, JSON.stringify(override)).toBe(422);
        expect(reply.body, JSON.stringify(override)).toEqual(unprocessable({ json: errors }));
      }
      expect(await countRows('team')).toBe(before);
      expect(await linkRowsOfHeroes([hero.id])).toEqual([]);
    });

    it('refuses unknown and read-only fields, in the team and in its heroes entries', async () => {
      const hero = await newHero();
      const before = await countRows('team');
      for (const [field, value] of [
        ['id', 4242],
        ['motto', 'Together'],
        ['hero_id', hero.id],
      ] as const) {
        const reply = await call(t.app, 'POST', '/teams', { name: 'Extra', headquarters: 'Extra', [field]: value });
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { [field]: UNKNOWN } }));
      }
      for (const [field, value] of [
        ['id', hero.id],
        ['name', 'Deadpond'],
        ['team_id', 1],
      ] as const) {
        const reply = await call(t.app, 'POST', '/teams', {
          name: 'Extra',
          headquarters: 'Extra',
          heroes: [{ hero_id: hero.id, [field]: value }],
        });
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { heroes: { 0: { [field]: UNKNOWN } } } }));
      }
      expect(await countRows('team')).toBe(before);
      expect(await linkRowsOfHeroes([hero.id])).toEqual([]);
    });

    it('refuses a body that is not a JSON object with errors.json._schema', async () => {
      for (const text of ['[]', '"Z-Force"', 'null', 'true']) {
        const reply = await sendRaw(t.app, 'POST', '/teams', text);
        expect(reply.status, text).toBe(422);
        expect(reply.body, text).toEqual(unprocessable({ json: { _schema: expect.any(Array) } }));
      }
    });
  });

  describe('GET /teams', () => {
    it('lists every team in the plain Team shape, ordered by id, with X-Pagination', async () => {
      await emptyHeroesAndTeams(t);
      const empty = await call(t.app, 'GET', '/teams');
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual([]);
      expect(JSON.parse(String(empty.headers['x-pagination']))).toEqual({ total: 0, total_pages: 0 });

      const hero = await newHero();
      const made = [];
      for (const name of ['Preventers', 'Z-Force', 'Avengers']) {
        made.push(await makeTeam(t.app, name, `${name} HQ`, { heroes: [{ hero_id: hero.id }] }));
      }
      const reply = await call(t.app, 'GET', '/teams');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(made.map(({ heroes: _heroes, ...team }) => team));
      for (const team of reply.body) expect(Object.keys(team).sort()).toEqual(TEAM_KEYS);
      expect(JSON.parse(String(reply.headers['x-pagination']))).toEqual({
        total: 3,
        total_pages: 1,
        first_page: 1,
        last_page: 1,
        page: 1,
      });
    });

    describe('with many teams', () => {
      const TOTAL = 150;
      let ids: number[] = [];
      const listed = (body: Array<{ id: number }>) => body.map((team) => team.id);

      beforeAll(async () => {
        await emptyHeroesAndTeams(t);
        const rows = await t.database.db
          .insertInto('team')
          .values(Array.from({ length: TOTAL }, (_, i) => ({ name: `team ${i}`, headquarters: `hq ${i}` })))
          .returning('id')
          .execute();
        ids = rows.map((row) => row.id).sort((a, b) => a - b);
      });

      it('pages with offset and limit (limit at most 100, by default 100)', async () => {
        const page = async (query: string) => listed(await expectStatus(t.app, 200, 'GET', `/teams?${query}`));
        expect(await page('offset=0&limit=3')).toEqual(ids.slice(0, 3));
        expect(await page('offset=10&limit=5')).toEqual(ids.slice(10, 15));
        expect(await page('limit=2')).toEqual(ids.slice(0, 2));
        expect(await page('limit=0')).toEqual([]);
        expect(await page('limit=100')).toEqual(ids.slice(0, 100));
        expect(await page('offset=0')).toEqual(ids.slice(0, 100));
        expect(await page('offset=120')).toEqual(ids.slice(120));
        expect(await page(`offset=${TOTAL}`)).toEqual([]);
        const body = await expectStatus(t.app, 200, 'GET', '/teams?offset=7&limit=1');
        expect(body).toEqual([{ id: ids[7], name: 'team 7', headquarters: 'hq 7' }]);
      });

      it('pages with page and page_size, with the X-Pagination header', async () => {
        const first = await call(t.app, 'GET', '/teams');
        expect(listed(first.body)).toEqual(ids.slice(0, 100));
        expect(JSON.parse(String(first.headers['x-pagination']))).toEqual({
          total: TOTAL,
          total_pages: 2,
          first_page: 1,
          last_page: 2,
          page: 1,
          next_page: 2,
        });
        const middle = await call(t.app, 'GET', '/teams?page=3&page_size=20');
        expect(middle.status).toBe(200);
        expect(listed(middle.body)).toEqual(ids.slice(40, 60));
        expect(JSON.parse(String(middle.headers['x-pagination']))).toEqual({
          total: TOTAL,
          total_pages: 8,
          first_page: 1,
          last_page: 8,
          page: 3,
          previous_page: 2,
          next_page: 4,
        });
        expect(listed(await expectStatus(t.app, 200, 'GET', '/teams?page_size=1000'))).toEqual(ids);
      });

      it('answers 422 for a limit over 100 or below 0, a negative offset, bad pages, and mixed styles', async () => {
        const limitRange = ['Must be greater than or equal to 0 and less than or equal to 100.'];
        const cases: [string, object][] = [
          ['limit=101', { limit: limitRange }],
          ['limit=-1', { limit: limitRange }],
          ['offset=-1', { offset: expect.any(Array) }],
          ['limit=ten', { limit: ['Not a valid integer.'] }],
          ['page=0', { page: expect.any(Array) }],
          ['page_size=1001', { page_size: expect.any(Array) }],
          ['offset=0&page=1', { _schema: expect.any(Array) }],
          ['limit=10&page_size=10', { _schema: expect.any(Array) }],
        ];
        for (const [query, errors] of cases) {
          const reply = await call(t.app, 'GET', `/teams?${query}`);
          expect(reply.status, query).toBe(422);
          expect(reply.body, query).toEqual(unprocessable({ query: errors }));
        }
      });
    });
  });

  describe('GET /teams/{id}', () => {
    it('answers the TeamWithHeroes, its heroes ordered by id with each link’s is_training', async () => {
      const a = await newHero('First', { age: 20 });
      const b = await newHero('Second');
      const team = await makeTeam(t.app, unique('Read team'), 'Read HQ', {
        heroes: [{ hero_id: b.id, is_training: true }, { hero_id: a.id }],
      });
      expect(await expectStatus(t.app, 200, 'GET', `/teams/${team.id}`)).toEqual({
        id: team.id,
        name: team.name,
        headquarters: 'Read HQ',
        heroes: [
          { id: a.id, name: a.name, secret_name: 'Secret', age: 20, is_training: false },
          { id: b.id, name: b.name, secret_name: 'Secret', age: null, is_training: true },
        ],
      });
    });

    it('answers 404 "Team not found." for an id that names nothing or is not a positive integer', async () => {
      expect(await call(t.app, 'GET', '/teams/999999')).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
      for (const id of ['0', '-1', 'abc', '2.5', '99999999999']) {
        const reply = await call(t.app, 'GET', `/teams/${id}`);
        expect(reply.status, id).toBe(404);
        expect(reply.body, id).toMatchObject({ code: 404, status: 'Not Found' });
      }
      const team = await makeTeam(t.app, unique('Slash'));
      expect((await call(t.app, 'GET', `/teams/${team.id}/`)).status).toBe(404);
    });
  });

  describe('PATCH /teams/{id}', () => {
    it('changes only the given fields and answers the plain Team', async () => {
      const hero = await newHero();
      const team = await makeTeam(t.app, unique('Patched'), 'Old HQ', { heroes: [{ hero_id: hero.id, is_training: true }] });
      const moved = await call(t.app, 'PATCH', `/teams/${team.id}`, { headquarters: 'New HQ' });
      expect(moved.status).toBe(200);
      expect(moved.body).toEqual({ id: team.id, name: team.name, headquarters: 'New HQ' });
      expect(Object.keys(moved.body).sort()).toEqual(TEAM_KEYS);
      expect(await expectStatus(t.app, 200, 'PATCH', `/teams/${team.id}`, { name: 'Renamed team' })).toEqual({
        id: team.id,
        name: 'Renamed team',
        headquarters: 'New HQ',
      });
      expect(await expectStatus(t.app, 200, 'PATCH', `/teams/${team.id}`, {})).toEqual({
        id: team.id,
        name: 'Renamed team',
        headquarters: 'New HQ',
      });
      expect(await expectStatus(t.app, 200, 'GET', `/teams/${team.id}`)).toEqual({
        id: team.id,
        name: 'Renamed team',
        headquarters: 'New HQ',
        heroes: [{ id: hero.id, name: hero.name, secret_name: 'Secret', age: null, is_training: true }],
      });
    });

    it('answers 422 "Field may not be null." for a null name or headquarters, and changes nothing', async () => {
      const team = await makeTeam(t.app, unique('Steady'), 'Steady HQ');
      for (const field of ['name', 'headquarters']) {
        const reply = await call(t.app, 'PATCH', `/teams/${team.id}`, { [field]: null });
        expect(reply.status, field).toBe(422);
        expect(reply.body, field).toEqual(unprocessable({ json: { [field]: ['Field may not be null.'] } }));
      }
      expect(await teamRows(team.name)).toEqual([{ id: team.id, name: team.name, headquarters: 'Steady HQ' }]);
    });

    it('answers 422 for unknown fields and wrong types, and changes nothing', async () => {
      const hero = await newHero();
      const team = await makeTeam(t.app, unique('Strict'), 'Strict HQ');
      const cases: [Record<string, unknown>, object][] = [
        [{ id: 7 }, { id: UNKNOWN }],
        [{ heroes: [{ hero_id: hero.id }] }, { heroes: UNKNOWN }],
        [{ age: 3 }, { age: UNKNOWN }],
        [{ name: 5 }, { name: ['Not a valid string.'] }],
        [{ headquarters: {} }, { headquarters: ['Not a valid string.'] }],
      ];
      for (const [body, errors] of cases) {
        const reply = await call(t.app, 'PATCH', `/teams/${team.id}`, body);
        expect(reply.status, JSON.stringify(body)).toBe(422);
        expect(reply.body, JSON.stringify(body)).toEqual(unprocessable({ json: errors }));
      }
      expect(await teamRows(team.name)).toEqual([{ id: team.id, name: team.name, headquarters: 'Strict HQ' }]);
      expect(await linkRowsOfTeam(team.id)).toEqual([]);
    });

    it('answers 404 "Team not found." for an unknown id', async () => {
      for (const body of [{ name: 'Nobody' }, {}]) {
        expect(await call(t.app, 'PATCH', '/teams/999999', body)).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
      }
      expect((await call(t.app, 'PATCH', '/teams/0', { name: 'Nobody' })).status).toBe(404);
      expect(await teamRows('Nobody')).toEqual([]);
    });
  });

  describe('DELETE /teams/{id}', () => {
    it('deletes the team and its link rows; its heroes and other teams’ links stay', async () => {
      const a = await newHero();
      const b = await newHero();
      const team = await makeTeam(t.app, unique('Doomed team'), 'Doomed HQ', {
        heroes: [{ hero_id: a.id }, { hero_id: b.id, is_training: true }],
      });
      const other = await makeTeam(t.app, unique('Surviving team'), 'Safe HQ', { heroes: [{ hero_id: a.id }] });
      expect(await linkRowsOfTeam(team.id)).toHaveLength(2);

      const reply = await call(t.app, 'DELETE', `/teams/${team.id}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ message: 'Team deleted.' });

      expect(await call(t.app, 'GET', `/teams/${team.id}`)).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
      expect(await teamRows(team.name)).toEqual([]);
      expect(await linkRowsOfTeam(team.id)).toEqual([]);
      // The heroes survive, and show only the teams still linked.
      expect(await expectStatus(t.app, 200, 'GET', `/heroes/${a.id}`)).toEqual({
        ...a,
        teams: [{ id: other.id, name: other.name, headquarters: 'Safe HQ', is_training: false }],
      });
      expect(await expectStatus(t.app, 200, 'GET', `/heroes/${b.id}`)).toEqual({ ...b, teams: [] });
      expect(await linkRowsOfTeam(other.id)).toHaveLength(1);

      expect(await call(t.app, 'DELETE', `/teams/${team.id}`)).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
    });

    it('answers 404 "Team not found." for an unknown id', async () => {
      expect(await call(t.app, 'DELETE', '/teams/999999')).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
      expect((await call(t.app, 'DELETE', '/teams/-3')).status).toBe(404);
      expect((await call(t.app, 'DELETE', '/teams/abc')).status).toBe(404);
    });

    it('the database itself deletes the link rows of a deleted team (ON DELETE CASCADE)', async () => {
      const a = await newHero();
      const b = await newHero();
      const team = await makeTeam(t.app, unique('Cascaded team'), 'HQ', {
        heroes: [{ hero_id: a.id }, { hero_id: b.id, is_training: true }],
      });
      const other = await makeTeam(t.app, unique('Kept team'), 'HQ', { heroes: [{ hero_id: b.id }] });
      await t.database.db.deleteFrom('team').where('id', '=', team.id).execute();
      expect(await linkRowsOfTeam(team.id)).toEqual([]);
      expect(await linkRowsOfTeam(other.id)).toHaveLength(1);
      const heroes = await t.database.db.selectFrom('hero').select('id').where('id', 'in', [a.id, b.id]).orderBy('id').execute();
      expect(heroes).toEqual([{ id: a.id }, { id: b.id }]);
    });
  });
});
