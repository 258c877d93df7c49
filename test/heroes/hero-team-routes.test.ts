import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/databases.js';
import { call, expectStatus, makeHero, makeTeam } from '../helpers/requests.js';

const unprocessable = (errors: object) => ({ code: 422, status: 'Unprocessable Entity', errors });
const notFound = (message: string) => ({ code: 404, status: 'Not Found', message });
const HERO_NOT_FOUND = notFound('Hero not found.');
const TEAM_NOT_FOUND = notFound('Team not found.');
const NOT_LINKED = notFound('Hero is not in that team.');
const REMOVED = { message: 'Hero removed from team.' };
const LINK_KEYS = ['hero_id', 'is_training', 'team_id'];

/** The two paths of one link: from the hero's end and from the team's. */
const ENDS = {
  hero: (heroId: number | string, teamId: number | string) => `/heroes/${heroId}/teams/${teamId}`,
  team: (heroId: number | string, teamId: number | string) => `/teams/${teamId}/heroes/${heroId}`,
};
type End = keyof typeof ENDS;
const other = (end: End): End => (end === 'hero' ? 'team' : 'hero');

describe.each(BACKENDS)('hero ↔ team links on %s', (backend) => {
  const t = useTestApp(backend);
  let count = 0;

  /** A new hero and a new team, not linked. */
  async function pair() {
    const n = ++count;
    const hero = await makeHero(t.app, `Hero ${n}`, `Secret ${n}`, { age: n });
    const team = await makeTeam(t.app, `Team ${n}`, `HQ ${n}`);
    return { hero, team };
  }
  const linkRows = (heroId: number, teamId: number) =>
    t.database.db
      .selectFrom('heroteamlink')
      .select(['hero_id', 'team_id', 'is_training'])
      .where('hero_id', '=', heroId)
      .where('team_id', '=', teamId)
      .execute();
  /** The stored is_training of the pair's link row, as a boolean (SQLite stores 0/1). */
  const storedTraining = async (heroId: number, teamId: number) => {
    const rows = await linkRows(heroId, teamId);
    expect(rows).toHaveLength(1);
    return Boolean(rows[0]!.is_training);
  };

  describe.each(['hero', 'team'] as const)('through the %s end', (end) => {
    const path = ENDS[end];

    describe('POST', () => {
      it('makes the link: 201 with the Link, is_training false by default', async () => {
        const { hero, team } = await pair();
        const reply = await call(t.app, 'POST', path(hero.id, team.id));
        expect(reply.status).toBe(201);
        expect(reply.body).toEqual({ hero_id: hero.id, team_id: team.id, is_training: false });
        expect(Object.keys(reply.body).sort()).toEqual(LINK_KEYS);
        expect(await storedTraining(hero.id, team.id)).toBe(false);

        const { hero: hero2, team: team2 } = await pair();
        expect(await expectStatus(t.app, 201, 'POST', path(hero2.id, team2.id), {})).toEqual({
          hero_id: hero2.id,
          team_id: team2.id,
          is_training: false,
        });
      });

      it('makes the link with the is_training given', async () => {
        const { hero, team } = await pair();
        const reply = await call(t.app, 'POST', path(hero.id, team.id), { is_training: true });
        expect(reply.status).toBe(201);
        expect(reply.body).toEqual({ hero_id: hero.id, team_id: team.id, is_training: true });
        expect(await storedTraining(hero.id, team.id)).toBe(true);
      });

      it('answers 200 with the link unchanged when it existed, even when another is_training is posted', async () => {
        const { hero, team } = await pair();
        const made = await expectStatus(t.app, 201, 'POST', path(hero.id, team.id), { is_training: true });
        for (const body of [undefined, {}, { is_training: false }, { is_training: true }]) {
          const again = await call(t.app, 'POST', path(hero.id, team.id), body);
          expect(again.status, JSON.stringify(body)).toBe(200);
          expect(again.body, JSON.stringify(body)).toEqual(made);
        }
        // Posted through the other end, it is the same link.
        const fromOther = await call(t.app, 'POST', ENDS[other(end)](hero.id, team.id), { is_training: false });
        expect(fromOther.status).toBe(200);
        expect(fromOther.body).toEqual(made);
        expect(await linkRows(hero.id, team.id)).toHaveLength(1);
        expect(await storedTraining(hero.id, team.id)).toBe(true);
      });

      it('answers 404 "Hero not found." or "Team not found." for a missing end, and makes no row', async () => {
        const { hero, team } = await pair();
        expect(await call(t.app, 'POST', path(999999, team.id))).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
        expect(await call(t.app, 'POST', path(hero.id, 999999))).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
        for (const url of [path(999999, 999998), path('abc', team.id), path(hero.id, 0), path(-1, team.id)]) {
          const reply = await call(t.app, 'POST', url);
          expect(reply.status, url).toBe(404);
          expect(reply.body, url).toMatchObject({ code: 404, status: 'Not Found' });
        }
        const rows = await t.database.db
          .selectFrom('heroteamlink')
          .selectAll()
          .where((eb) => eb.or([eb('hero_id', '=', hero.id), eb('team_id', '=', team.id)]))
          .execute();
        expect(rows).toEqual([]);
      });

      it('answers 422 for an is_training that is not a boolean and for unknown fields, and makes no row', async () => {
        const { hero, team } = await pair();
        const cases: [object, object][] = [
          [{ is_training: 'yes' }, { is_training: ['Not a valid boolean.'] }],
          [{ is_training: null }, { is_training: ['Field may not be null.'] }],
          [{ is_training: 1 }, { is_training: ['Not a valid boolean.'] }],
          [{ hero_id: hero.id }, { hero_id: ['Unknown field.'] }],
          [{ training: true }, { training: ['Unknown field.'] }],
        ];
        for (const [body, errors] of cases) {
          const reply = await call(t.app, 'POST', path(hero.id, team.id), body);
          expect(reply.status, JSON.stringify(body)).toBe(422);
          expect(reply.body, JSON.stringify(body)).toEqual(unprocessable({ json: errors }));
        }
        expect(await linkRows(hero.id, team.id)).toEqual([]);
      });
    });

    describe('GET', () => {
      it('answers 200 with the Link', async () => {
        const { hero, team } = await pair();
        await expectStatus(t.app, 201, 'POST', path(hero.id, team.id), { is_training: true });
        const reply = await call(t.app, 'GET', path(hero.id, team.id));
        expect(reply.status).toBe(200);
        expect(reply.body).toEqual({ hero_id: hero.id, team_id: team.id, is_training: true });
        expect(Object.keys(reply.body).sort()).toEqual(LINK_KEYS);
      });

      it('answers 404 "Hero is not in that team." when they are not linked, and 404 for a missing end', async () => {
        const { hero, team } = await pair();
        expect(await call(t.app, 'GET', path(hero.id, team.id))).toMatchObject({ status: 404, body: NOT_LINKED });
        // Linked elsewhere is not linked here.
        const { hero: otherHero, team: otherTeam } = await pair();
        await expectStatus(t.app, 201, 'POST', path(hero.id, otherTeam.id));
        await expectStatus(t.app, 201, 'POST', path(otherHero.id, team.id));
        expect(await call(t.app, 'GET', path(hero.id, team.id))).toMatchObject({ status: 404, body: NOT_LINKED });
        expect(await call(t.app, 'GET', path(999999, team.id))).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
        expect(await call(t.app, 'GET', path(hero.id, 999999))).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
        expect((await call(t.app, 'GET', path(hero.id, 'abc'))).status).toBe(404);
      });
    });

    describe('PATCH', () => {
      it('changes is_training: 200 with the Link, and both ends show it', async () => {
        const { hero, team } = await pair();
        await expectStatus(t.app, 201, 'POST', path(hero.id, team.id));
        const reply = await call(t.app, 'PATCH', path(hero.id, team.id), { is_training: true });
        expect(reply.status).toBe(200);
        expect(reply.body).toEqual({ hero_id: hero.id, team_id: team.id, is_training: true });
        expect(Object.keys(reply.body).sort()).toEqual(LINK_KEYS);
        expect(await storedTraining(hero.id, team.id)).toBe(true);
        expect(await expectStatus(t.app, 200, 'GET', path(hero.id, team.id))).toEqual(reply.body);
        expect((await expectStatus(t.app, 200, 'GET', `/heroes/${hero.id}`)).teams).toEqual([
          { id: team.id, name: team.name, headquarters: team.headquarters, is_training: true },
        ]);
        expect((await expectStatus(t.app, 200, 'GET', `/teams/${team.id}`)).heroes).toEqual([
          { id: hero.id, name: hero.name, secret_name: hero.secret_name, age: hero.age, is_training: true },
        ]);

        expect(await expectStatus(t.app, 200, 'PATCH', path(hero.id, team.id), { is_training: false })).toEqual({
          hero_id: hero.id,
          team_id: team.id,
          is_training: false,
        });
        expect(await storedTraining(hero.id, team.id)).toBe(false);
        expect((await expectStatus(t.app, 200, 'GET', `/heroes/${hero.id}`)).teams).toMatchObject([{ is_training: false }]);
      });

      it('with {} or no body leaves is_training as it was: a default belongs to making the link only', async () => {
        const { hero, team } = await pair();
        await expectStatus(t.app, 201, 'POST', path(hero.id, team.id), { is_training: true });
        expect(await expectStatus(t.app, 200, 'PATCH', path(hero.id, team.id), {})).toMatchObject({ is_training: true });
        const bare = await t.app.inject({ method: 'PATCH', url: path(hero.id, team.id) });
        expect(bare.statusCode).toBe(200);
        expect(bare.json()).toMatchObject({ is_training: true });
        expect(await storedTraining(hero.id, team.id)).toBe(true);
      });

      it('changes only the link named, not the hero’s other links', async () => {
        const { hero, team } = await pair();
        const { team: team2 } = await pair();
        await expectStatus(t.app, 201, 'POST', path(hero.id, team.id));
        await expectStatus(t.app, 201, 'POST', path(hero.id, team2.id));
        await expectStatus(t.app, 200, 'PATCH', path(hero.id, team2.id), { is_training: true });
        expect(await storedTraining(hero.id, team.id)).toBe(false);
        expect(await storedTraining(hero.id, team2.id)).toBe(true);
      });

      it('answers 404 for a link that does not exist, and makes no row', async () => {
        const { hero, team } = await pair();
        expect(await call(t.app, 'PATCH', path(hero.id, team.id), { is_training: true })).toMatchObject({
          status: 404,
          body: NOT_LINKED,
        });
        expect(await call(t.app, 'PATCH', path(999999, team.id), { is_training: true })).toMatchObject({
          status: 404,
          body: HERO_NOT_FOUND,
        });
        expect(await call(t.app, 'PATCH', path(hero.id, 999999), { is_training: true })).toMatchObject({
          status: 404,
          body: TEAM_NOT_FOUND,
        });
        expect((await call(t.app, 'PATCH', path(hero.id, 'x'), { is_training: true })).status).toBe(404);
        expect(await linkRows(hero.id, team.id)).toEqual([]);
      });

      it('answers 422 for is_training "yes" or null and for unknown fields, and leaves the link as it was', async () => {
        const { hero, team } = await pair();
        await expectStatus(t.app, 201, 'POST', path(hero.id, team.id), { is_training: true });
        const cases: [object, object][] = [
          [{ is_training: 'yes' }, { is_training: ['Not a valid boolean.'] }],
          [{ is_training: null }, { is_training: ['Field may not be null.'] }],
          [{ is_training: 0 }, { is_training: ['Not a valid boolean.'] }],
          [{ team_id: team.id }, { team_id: ['Unknown field.'] }],
          [{ is_training: false, rank: 'rookie' }, { rank: ['Unknown field.'] }],
        ];
        for (const [body, errors] of cases) {
          const reply = await call(t.app, 'PATCH', path(hero.id, team.id), body);
          expect(reply.status, JSON.stringify(body)).toBe(422);
          expect(reply.body, JSON.stringify(body)).toEqual(unprocessable({ json: errors }));
        }
        expect(await storedTraining(hero.id, team.id)).toBe(true);
      });
    });

    describe('DELETE', () => {
      it('removes the link: 200 with the message, then 404; the hero and the team stay', async () => {
        const { hero, team } = await pair();
        await expectStatus(t.app, 201, 'POST', path(hero.id, team.id), { is_training: true });
        const reply = await call(t.app, 'DELETE', path(hero.id, team.id));
        expect(reply.status).toBe(200);
        expect(reply.body).toEqual(REMOVED);
        expect(await linkRows(hero.id, team.id)).toEqual([]);
        expect(await call(t.app, 'GET', path(hero.id, team.id))).toMatchObject({ status: 404, body: NOT_LINKED });
        expect(await call(t.app, 'DELETE', path(hero.id, team.id))).toMatchObject({ status: 404, body: NOT_LINKED });
        expect((await expectStatus(t.app, 200, 'GET', `/heroes/${hero.id}`)).teams).toEqual([]);
        expect((await expectStatus(t.app, 200, 'GET', `/teams/${team.id}`)).heroes).toEqual([]);
        // Linking again makes a new link, with the default.
        expect(await call(t.app, 'POST', path(hero.id, team.id))).toMatchObject({
          status: 201,
          body: { hero_id: hero.id, team_id: team.id, is_training: false },
        });
      });

      it('answers 404 for a missing end, and leaves the link', async () => {
        const { hero, team } = await pair();
        await expectStatus(t.app, 201, 'POST', path(hero.id, team.id));
        expect(await call(t.app, 'DELETE', path(999999, team.id))).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
        expect(await call(t.app, 'DELETE', path(hero.id, 999999))).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
        expect((await call(t.app, 'DELETE', path(hero.id, 'abc'))).status).toBe(404);
        expect(await linkRows(hero.id, team.id)).toHaveLength(1);
      });
    });

    it('20 identical link requests at once: one 201, nineteen 200, one row', async () => {
      const { hero, team } = await pair();
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => t.app.inject({ method: 'POST', url: path(hero.id, team.id), payload: { is_training: true } })),
      );
      const statuses = replies.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(19);
      for (const reply of replies) {
        expect(JSON.parse(reply.body)).toEqual({ hero_id: hero.id, team_id: team.id, is_training: true });
      }
      expect(await linkRows(hero.id, team.id)).toHaveLength(1);
    });
  });

  describe('one link seen from both ends', () => {
    it('a link made on one path is read, updated and removed through the other', async () => {
      for (const [made, seen] of [
        ['hero', 'team'],
        ['team', 'hero'],
      ] as const) {
        const { hero, team } = await pair();
        const link = await expectStatus(t.app, 201, 'POST', ENDS[made](hero.id, team.id));
        expect(await expectStatus(t.app, 200, 'GET', ENDS[seen](hero.id, team.id))).toEqual(link);

        const updated = await expectStatus(t.app, 200, 'PATCH', ENDS[seen](hero.id, team.id), { is_training: true });
        expect(updated).toEqual({ ...link, is_training: true });
        expect(await expectStatus(t.app, 200, 'GET', ENDS[made](hero.id, team.id))).toEqual(updated);

        expect(await expectStatus(t.app, 200, 'DELETE', ENDS[seen](hero.id, team.id))).toEqual(REMOVED);
        expect(await call(t.app, 'GET', ENDS[made](hero.id, team.id))).toMatchObject({ status: 404, body: NOT_LINKED });
        expect(await call(t.app, 'DELETE', ENDS[made](hero.id, team.id))).toMatchObject({ status: 404, body: NOT_LINKED });
        expect(await linkRows(hero.id, team.id)).toEqual([]);
      }
    });

    it('both paths answer alike for every verb, also for missing ends and unlinked pairs', async () => {
      const { hero, team } = await pair();
      const answers = async (method: string, heroId: number, teamId: number, body?: object) => {
        const fromHero = await call(t.app, method, ENDS.hero(heroId, teamId), body);
        const fromTeam = await call(t.app, method, ENDS.team(heroId, teamId), body);
        expect(fromTeam.status, `${method} ${heroId} ${teamId}`).toBe(fromHero.status);
        expect(fromTeam.body, `${method} ${heroId} ${teamId}`).toEqual(fromHero.body);
        return fromHero;
      };
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const body = method === 'PATCH' ? { is_training: true } : undefined;
        expect(await answers(method, hero.id, team.id, body)).toMatchObject({ body: NOT_LINKED });
        expect(await answers(method, 999999, team.id, body)).toMatchObject({ body: HERO_NOT_FOUND });
        expect(await answers(method, hero.id, 999999, body)).toMatchObject({ body: TEAM_NOT_FOUND });
      }
      expect(await answers('POST', 999999, team.id)).toMatchObject({ body: HERO_NOT_FOUND });
      expect(await answers('POST', hero.id, 999999)).toMatchObject({ body: TEAM_NOT_FOUND });
      await expectStatus(t.app, 201, 'POST', ENDS.hero(hero.id, team.id), { is_training: true });
      expect(await answers('POST', hero.id, team.id)).toMatchObject({ status: 200 });
      expect(await answers('GET', hero.id, team.id)).toMatchObject({
        status: 200,
        body: { hero_id: hero.id, team_id: team.id, is_training: true },
      });
      expect(await answers('PATCH', hero.id, team.id, { is_training: false })).toMatchObject({
        status: 200,
        body: { is_training: false },
      });
      expect(await answers('PATCH', hero.id, team.id, { is_training: 'yes' })).toMatchObject({ status: 422 });
    });

    it('GET /heroes/{id} and GET /teams/{id} both show each link with its is_training', async () => {
      const { hero, team } = await pair();
      const { hero: hero2, team: team2 } = await pair();
      await expectStatus(t.app, 201, 'POST', ENDS.hero(hero.id, team.id), { is_training: true });
      await expectStatus(t.app, 201, 'POST', ENDS.team(hero.id, team2.id));
      await expectStatus(t.app, 201, 'POST', ENDS.team(hero2.id, team.id));
      const teamEntry = (t: { id: number; name: string; headquarters: string }, is_training: boolean) => ({
        id: t.id,
        name: t.name,
        headquarters: t.headquarters,
        is_training,
      });
      const heroEntry = (h: { id: number; name: string; secret_name: string; age: number }, is_training: boolean) => ({
        id: h.id,
        name: h.name,
        secret_name: h.secret_name,
        age: h.age,
        is_training,
      });
      expect((await expectStatus(t.app, 200, 'GET', `/heroes/${hero.id}`)).teams).toEqual([teamEntry(team, true), teamEntry(team2, false)]);
      expect((await expectStatus(t.app, 200, 'GET', `/teams/${team.id}`)).heroes).toEqual([heroEntry(hero, true), heroEntry(hero2, false)]);
      expect((await expectStatus(t.app, 200, 'GET', `/teams/${team2.id}`)).heroes).toEqual([heroEntry(hero, false)]);
    });

    it('concurrent link requests through both paths at once still make one row', async () => {
      const { hero, team } = await pair();
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => t.app.inject({ method: 'POST', url: ENDS[i % 2 ? 'hero' : 'team'](hero.id, team.id) })),
      );
      const statuses = replies.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(19);
      expect(await linkRows(hero.id, team.id)).toHaveLength(1);
    });
  });

  describe('deleting an end', () => {
    it('deleting a team removes its links: the hero no longer lists it', async () => {
      const { hero, team } = await pair();
      const { team: kept } = await pair();
      await expectStatus(t.app, 201, 'POST', ENDS.hero(hero.id, team.id), { is_training: true });
      await expectStatus(t.app, 201, 'POST', ENDS.hero(hero.id, kept.id));
      await expectStatus(t.app, 200, 'DELETE', `/teams/${team.id}`);
      expect((await expectStatus(t.app, 200, 'GET', `/heroes/${hero.id}`)).teams).toEqual([
        { id: kept.id, name: kept.name, headquarters: kept.headquarters, is_training: false },
      ]);
      expect(await linkRows(hero.id, team.id)).toEqual([]);
      expect(await call(t.app, 'GET', ENDS.hero(hero.id, team.id))).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
      expect(await call(t.app, 'POST', ENDS.team(hero.id, team.id))).toMatchObject({ status: 404, body: TEAM_NOT_FOUND });
    });

    it('deleting a hero removes its links: the team no longer lists it', async () => {
      const { hero, team } = await pair();
      await expectStatus(t.app, 201, 'POST', ENDS.team(hero.id, team.id));
      await expectStatus(t.app, 200, 'DELETE', `/heroes/${hero.id}`);
      expect((await expectStatus(t.app, 200, 'GET', `/teams/${team.id}`)).heroes).toEqual([]);
      expect(await linkRows(hero.id, team.id)).toEqual([]);
      expect(await call(t.app, 'GET', ENDS.team(hero.id, team.id))).toMatchObject({ status: 404, body: HERO_NOT_FOUND });
    });
  });

  describe('the database itself', () => {
    it('refuses a duplicate link row, and one naming a missing hero or team', async () => {
      const { hero, team } = await pair();
      const insert = (heroId: number, teamId: number) =>
        t.database.db.insertInto('heroteamlink').values({ hero_id: heroId, team_id: teamId }).execute();
      await insert(hero.id, team.id);
      await expect(insert(hero.id, team.id)).rejects.toThrow();
      await expect(insert(999999, team.id)).rejects.toThrow();
      await expect(insert(hero.id, 999999)).rejects.toThrow();
      expect(await linkRows(hero.id, team.id)).toHaveLength(1);
      expect(await storedTraining(hero.id, team.id)).toBe(false);
    });
  });
});
