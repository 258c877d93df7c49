import type { App } from '../http/app-types.js';
import { Message, ref } from '../http/schemas.js';
import { heroesTeams, Link } from '../links/heroes-teams.js';
import { linkFieldsInput } from '../links/link-model.js';
import { linkRoutes } from '../links/link-routes.js';
import type { LinkService } from '../links/link-service.js';

const Fields = linkFieldsInput(heroesTeams);

/** One link, seen from both ends: `/heroes/{hero_id}/teams/{team_id}` and `/teams/{team_id}/heroes/{hero_id}`. */
export async function heroTeamRoutes(app: App, { links }: { links: LinkService }) {
  const asLink = (_ids: unknown, row: unknown) => row;
  await linkRoutes(app, {
    service: links,
    spec: {
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
