import type { Database } from '../database/connection.js';
import { Hero } from '../heroes/plain.js';
import { linkEndRepository } from '../links/link-end-repository.js';
import type { LinkService } from '../links/link-service.js';
import { Team, type TeamWithHeroes } from './schemas.js';

export type TeamRepository = ReturnType<typeof teamRepository>;

/** Teams, read with their heroes (and each link's `is_training`) in one statement. */
export const teamRepository = (database: Database, heroesTeams: LinkService) =>
  linkEndRepository<Team, TeamWithHeroes>(database, {
    link: heroesTeams,
    side: 'right',
    shape: Team,
    nested: { key: 'heroes', shape: Hero },
  });
