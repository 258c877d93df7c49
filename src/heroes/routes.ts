import { Type } from '@sinclair/typebox';
import type { App } from '../http/app-types.js';
import { errors } from '../http/error-responses.js';
import { found, notFound } from '../http/http-error.js';
import { OffsetOrPageQuery, pageBy } from '../http/offset-pagination.js';
import { listQuery } from '../lists/list-query.js';
import { heroList } from './list.js';
import { sendJson } from '../http/send-json.js';
import { described, IdParams, Message, ref } from '../http/schemas.js';
import { IdempotencyHeaders, type Idempotent } from '../http/idempotency.js';
import { linkedTo } from '../links/linked-to.js';
import type { HeroRepository } from './repository.js';
import { Hero, HeroCreate, HeroUpdate, HeroWithTeams } from './schemas.js';

const tags = ['heroes'];
const HeroesQuery = listQuery(heroList, { paging: OffsetOrPageQuery, topLevel: true });
const HeroParams = IdParams('hero_id');

export async function heroRoutes(app: App, { heroes, idempotent }: { heroes: HeroRepository; idempotent: Idempotent }) {
  app.post(
    '/heroes',
    {
      config: { auth: {} },
      schema: {
        operationId: 'createHero',
        tags,
        summary: 'Create a hero, with its teams in the same transaction',
        headers: IdempotencyHeaders,
        body: HeroCreate,
        response: { 201: described(ref(HeroWithTeams), 'The hero, created, with its teams.'), ...errors(404) },
      },
    },
    async (request, reply) =>
      idempotent(request, reply, async (executor) => {
        const { teams, ...hero } = request.body;
        const created = await heroes.create(hero, linkedTo('teams', 'team_id', teams), executor);
        if (created === 'missing_link') throw notFound('Team not found.');
        return { status: 201, body: created };
      }),
  );

  app.get(
    '/heroes',
    {
      schema: {
        operationId: 'listHeroes',
        tags,
        summary: 'List heroes, filtered and sorted',
        querystring: HeroesQuery.schema,
        response: { 200: Type.Array(ref(Hero), { description: 'A page of heroes.' }) },
      },
    },
    async (request, reply) => {
      const filters = HeroesQuery.parse(request.query);
      return pageBy(request.query, reply, (page) => heroes.list(page, filters));
    },
  );

  app.get(
    '/heroes/:hero_id',
    {
      schema: {
        operationId: 'getHero',
        tags,
        summary: 'Get a hero with its teams',
        params: HeroParams,
        response: { 200: described(ref(HeroWithTeams), 'The hero, with its teams.') },
      },
    },
    async (request, reply) => sendJson(reply, found(await heroes.json(request.params.hero_id), 'Hero not found.')),
  );

  app.patch(
    '/heroes/:hero_id',
    {
      config: { auth: {} },
      schema: {
        operationId: 'updateHero',
        tags,
        summary: 'Change a hero',
        params: HeroParams,
        body: HeroUpdate,
        response: { 200: described(ref(Hero), 'The hero, changed.') },
      },
    },
    async (request) => found(await heroes.update(request.params.hero_id, request.body), 'Hero not found.'),
  );

  app.delete(
    '/heroes/:hero_id',
    {
      config: { auth: { admin: true } },
      schema: {
        operationId: 'deleteHero',
        tags,
        summary: 'Delete a hero and its team links (admins)',
        params: HeroParams,
        response: { 200: described(ref(Message), 'The hero was deleted.') },
      },
    },
    async (request) => {
      if (!(await heroes.remove(request.params.hero_id))) throw notFound('Hero not found.');
      return { message: 'Hero deleted.' };
    },
  );
}
