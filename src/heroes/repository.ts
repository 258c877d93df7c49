import type { Database } from '../database/connection.js';
import { linkEndRepository } from '../links/link-end-repository.js';
import type { LinkService } from '../links/link-service.js';
import { Team } from '../teams/plain.js';
import { Hero, type HeroWithTeams } from './schemas.js';

export type HeroRepository = ReturnType<typeof heroRepository>;

/** Heroes, read with their teams (and each link's `is_training`) in one statement. */
export const heroRepository = (database: Database, heroesTeams: LinkService) =>
  linkEndRepository<Hero, HeroWithTeams>(database, {
    link: heroesTeams,
    side: 'left',
    shape: Hero,
    nested: { key: 'teams', shape: Team },
  });
