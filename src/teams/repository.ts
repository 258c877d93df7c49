import type { Database } from '../database/connection.js';
import { Hero } from '../heroes/plain.js';
import type { heroesTeams } from '../links/heroes-teams.js';
import { linkEndRepository } from '../links/link-end-repository.js';
import type { LinkService } from '../links/link-service.js';
import { teamList } from './list.js';
import type { Team, TeamWithHeroes } from './schemas.js';

export type TeamRepository = ReturnType<typeof teamRepository>;

/** Teams, read with their heroes (and each link's `is_training`) in one statement. */
export const teamRepository = (database: Database, links: LinkService<typeof heroesTeams>) =>
  linkEndRepository<Team, TeamWithHeroes, typeof heroesTeams>(database, {
    link: links,
    side: 'right',
    list: teamList,
    nested: { key: 'heroes', shape: Hero },
  });
