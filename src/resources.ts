import type { revocations } from './auth/revocations.js';
import type { TokenIssuer } from './auth/tokens.js';
import type { Database } from './database/connection.js';
import { heroTeamRoutes } from './heroes/hero-team-routes.js';
import { heroRepository } from './heroes/repository.js';
import { heroRoutes } from './heroes/routes.js';
import type { App } from './http/app-types.js';
import type { Idempotent } from './http/idempotency.js';
import { heroesTeams } from './links/heroes-teams.js';
import { itemsTags } from './links/items-tags.js';
import { linkEnds } from './links/link-ends.js';
import { linkService } from './links/link-service.js';
import { heroList } from './heroes/list.js';
import { itemList } from './items/list.js';
import { tagList } from './tags/list.js';
import { teamList } from './teams/list.js';
import { itemRepository } from './items/repository.js';
import { itemRoutes } from './items/routes.js';
import { ownership } from './stores/ownership.js';
import { storeRepository } from './stores/repository.js';
import { storeRoutes } from './stores/routes.js';
import { itemTagRoutes } from './tags/item-tag-routes.js';
import { tagRepository } from './tags/repository.js';
import { tagRoutes } from './tags/routes.js';
import { teamRepository } from './teams/repository.js';
import { teamRoutes } from './teams/routes.js';
import { userRepository } from './users/repository.js';
import { userRoutes } from './users/routes.js';

export interface ResourceOptions {
  database: Database;
  issuer: TokenIssuer;
  revoked: ReturnType<typeof revocations>;
  authRateLimit: number;
  /** Retry-safe creates: every create's handler runs its work through it. */
  idempotent: Idempotent;
}

/** Every resource of the API: its data module, and its routes over it. */
export async function resources(app: App, { database, issuer, revoked, authRateLimit, idempotent }: ResourceOptions) {
  const owners = ownership(database);
  const stores = storeRepository(database);
  const items = itemRepository(database);
  const tags = tagRepository(database);
  await app.register(userRoutes, { users: userRepository(database), issuer, revoked, authRateLimit, idempotent });
  await app.register(storeRoutes, { stores, owners, idempotent });
  await app.register(itemRoutes, { items, owners, idempotent });
  await app.register(tagRoutes, { tags, owners, idempotent });
  await app.register(itemTagRoutes, {
    links: linkService(database, itemsTags),
    ends: linkEnds(database, itemsTags, { left: itemList, right: tagList }),
    items,
    tags,
    owners,
    idempotent,
  });

  const heroTeamLinks = linkService(database, heroesTeams);
  const heroes = heroRepository(database, heroTeamLinks);
  const teams = teamRepository(database, heroTeamLinks);
  await app.register(heroRoutes, { heroes, idempotent });
  await app.register(teamRoutes, { teams, idempotent });
  await app.register(heroTeamRoutes, {
    links: heroTeamLinks,
    ends: linkEnds(database, heroesTeams, { left: heroList, right: teamList }),
    heroes,
    teams,
    idempotent,
  });
}
