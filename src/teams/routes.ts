import { Type } from '@sinclair/typebox';
import type { App } from '../http/app-types.js';
import { errors } from '../http/error-responses.js';
import { found, notFound } from '../http/http-error.js';
import { OffsetOrPageQuery, pageBy } from '../http/offset-pagination.js';
import { listQuery } from '../lists/list-query.js';
import { teamList } from './list.js';
import { sendJson } from '../http/send-json.js';
import { described, IdParams, Message, ref } from '../http/schemas.js';
import { IdempotencyHeaders, type Idempotent } from '../http/idempotency.js';
import { linkedTo } from '../links/linked-to.js';
import type { TeamRepository } from './repository.js';
import { Team, TeamCreate, TeamUpdate, TeamWithHeroes } from './schemas.js';

const tags = ['teams'];
const TeamsQuery = listQuery(teamList, { paging: OffsetOrPageQuery, topLevel: true });
const TeamParams = IdParams('team_id');

export async function teamRoutes(app: App, { teams, idempotent }: { teams: TeamRepository; idempotent: Idempotent }) {
  app.post(
    '/teams',
    {
      config: { auth: {} },
      schema: {
        operationId: 'createTeam',
        tags,
        summary: 'Create a team, with its heroes in the same transaction',
        headers: IdempotencyHeaders,
        body: TeamCreate,
        response: { 201: described(ref(TeamWithHeroes), 'The team, created, with its heroes.'), ...errors(404) },
      },
    },
    async (request, reply) =>
      idempotent(request, reply, async (executor) => {
        const { heroes, ...team } = request.body;
        const created = await teams.create(team, linkedTo('heroes', 'hero_id', heroes), executor);
        if (created === 'missing_link') throw notFound('Hero not found.');
        return { status: 201, body: created };
      }),
  );

  app.get(
    '/teams',
    {
      schema: {
        operationId: 'listTeams',
        tags,
        summary: 'List teams, filtered and sorted',
        querystring: TeamsQuery.schema,
        response: { 200: Type.Array(ref(Team), { description: 'A page of teams.' }) },
      },
    },
    async (request, reply) => {
      const filters = TeamsQuery.parse(request.query);
      return pageBy(request.query, reply, (page) => teams.list(page, filters));
    },
  );

  app.get(
    '/teams/:team_id',
    {
      schema: {
        operationId: 'getTeam',
        tags,
        summary: 'Get a team with its heroes',
        params: TeamParams,
        response: { 200: described(ref(TeamWithHeroes), 'The team, with its heroes.') },
      },
    },
    async (request, reply) => sendJson(reply, found(await teams.json(request.params.team_id), 'Team not found.')),
  );

  app.patch(
    '/teams/:team_id',
    {
      config: { auth: {} },
      schema: {
        operationId: 'updateTeam',
        tags,
        summary: 'Change a team',
        params: TeamParams,
        body: TeamUpdate,
        response: { 200: described(ref(Team), 'The team, changed.') },
      },
    },
    async (request) => found(await teams.update(request.params.team_id, request.body), 'Team not found.'),
  );

  app.delete(
    '/teams/:team_id',
    {
      config: { auth: { admin: true } },
      schema: {
        operationId: 'deleteTeam',
        tags,
        summary: 'Delete a team and its hero links (admins)',
        params: TeamParams,
        response: { 200: described(ref(Message), 'The team was deleted.') },
      },
    },
    async (request) => {
      if (!(await teams.remove(request.params.team_id))) throw notFound('Team not found.');
      return { message: 'Team deleted.' };
    },
  );
}
