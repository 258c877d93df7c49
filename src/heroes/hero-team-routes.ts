import type { App } from '../http/app-types.js';
import type { Idempotent } from '../http/idempotency.js';
import { forbidden, found } from '../http/http-error.js';
import { OffsetOrPageQuery } from '../http/offset-pagination.js';
import { Message, ref } from '../http/schemas.js';
import type { Principal } from '../auth/authenticate.js';
import { heroesTeams, Link } from '../links/heroes-teams.js';
import type { LinkEnds } from '../links/link-ends.js';
import { linkFieldsInput } from '../links/link-model.js';
import { linkRoutes } from '../links/link-routes.js';
import type { LinkChange } from '../links/link-set.js';
import type { LinkService } from '../links/link-service.js';
import type { HeroRepository } from './repository.js';
import { HeroWithTeams } from './schemas.js';
import type { TeamRepository } from '../teams/repository.js';
import { TeamWithHeroes } from '../teams/schemas.js';

const Fields = linkFieldsInput(heroesTeams);

interface Deps {
  links: LinkService<typeof heroesTeams>;
  ends: LinkEnds;
  heroes: HeroRepository;
  teams: TeamRepository;
  idempotent: Idempotent;
}

/** Any signed-in user may link; only admins unlink, so a set that removes a link is theirs. */
function mayUnlink(caller: Principal, change: LinkChange) {
  if (change.removed.length > 0 && !caller.isAdmin) throw forbidden('Admin privilege required.');
}

/**
 * One link, seen from both ends: `/heroes/{hero_id}/teams/{team_id}` and `/teams/{team_id}/heroes/{hero_id}`;
 * and each end's collection of the other, listed and set whole (`/heroes/{id}/teams`, `/teams/{id}/heroes`).
 */
export async function heroTeamRoutes(app: App, { links, ends, heroes, teams, idempotent }: Deps) {
  const asLink = (_ids: unknown, row: unknown) => row;
  await linkRoutes(app, {
    service: links,
    ends,
    idempotent,
    spec: {
      paging: OffsetOrPageQuery,
      ends: {
        left: {
          path: '/heroes/:hero_id/teams',
          set: {
            response: ref(HeroWithTeams),
            send: async (id) => found(await heroes.json(id), 'Hero not found.'),
            auth: {},
            allow: mayUnlink,
          },
        },
        right: {
          path: '/teams/:team_id/heroes',
          set: {
            response: ref(TeamWithHeroes),
            send: async (id) => found(await teams.json(id), 'Team not found.'),
            auth: {},
            allow: mayUnlink,
          },
        },
      },
      paths: ['/heroes/:hero_id/teams/:team_id', '/teams/:team_id/heroes/:hero_id'],
      tags: ['hero-team links'],
      refusals: { no_left: 'Hero not found.', no_right: 'Team not found.', not_linked: 'Hero is not in that team.' },
      link: {
        summary: 'Put a hero in a team (201 when made; 200, unchanged, when it existed)',
        body: Fields,
        response: ref(Link),
        send: asLink,
        auth: {},
      },
      read: { summary: "A hero's place in a team", response: ref(Link), send: asLink },
      update: {
        summary: 'Change whether the hero is training in the team',
        body: Fields,
        response: ref(Link),
        send: asLink,
        auth: {},
      },
      unlink: {
        summary: 'Take a hero out of a team (admins)',
        response: ref(Message),
        send: () => ({ message: 'Hero removed from team.' }),
        auth: { admin: true },
      },
    },
  });
}
