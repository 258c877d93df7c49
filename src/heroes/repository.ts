import type { Database } from '../database/connection.js';
import type { heroesTeams } from '../links/heroes-teams.js';
import { linkEndRepository } from '../links/link-end-repository.js';
import type { LinkService } from '../links/link-service.js';
import { Team } from '../teams/plain.js';
import { heroList } from './list.js';
import type { Hero, HeroWithTeams } from './schemas.js';

export type HeroRepository = ReturnType<typeof heroRepository>;

/** Heroes, read with their teams (and each link's `is_training`) in one statement. */
export const heroRepository = (database: Database, links: LinkService<typeof heroesTeams>) =>
  linkEndRepository<Hero, HeroWithTeams, typeof heroesTeams>(database, {
    link: links,
    side: 'left',
    list: heroList,
    nested: { key: 'teams', shape: Team },
  });
