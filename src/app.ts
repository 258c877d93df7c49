import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Database } from './database/connection.js';
import type { App } from './http/app-types.js';
import { bodyHook } from './http/body-hook.js';
import { docs } from './http/docs.js';
import { documentErrors } from './http/error-responses.js';
import { errorHandling } from './http/error-handler.js';
import { health } from './http/health.js';
import { BODY_LIMIT, jsonBodyParser } from './http/json-body.js';
import { trackMethods } from './http/method-not-allowed.js';
import { ErrorEnvelope, Message } from './http/schemas.js';
import { validatorCompilers } from './http/validators.js';
import { PlainItem } from './items/plain.js';
import { itemRepository } from './items/repository.js';
import { itemRoutes } from './items/routes.js';
import { Item } from './items/schemas.js';
import { PlainStore } from './stores/plain.js';
import { storeRepository } from './stores/repository.js';
import { storeRoutes } from './stores/routes.js';
import { Store } from './stores/schemas.js';
import { itemTagRoutes } from './tags/item-tag-routes.js';
import { itemsTags } from './links/items-tags.js';
import { heroesTeams, Link } from './links/heroes-teams.js';
import { heroRepository } from './heroes/repository.js';
import { heroRoutes } from './heroes/routes.js';
import { heroTeamRoutes } from './heroes/hero-team-routes.js';
import { Hero, HeroWithTeams } from './heroes/schemas.js';
import { teamRepository } from './teams/repository.js';
import { teamRoutes } from './teams/routes.js';
import { Team, TeamWithHeroes } from './teams/schemas.js';
import { linkService } from './links/link-service.js';
import { PlainTag } from './tags/plain.js';
import { tagRepository } from './tags/repository.js';
import { tagRoutes } from './tags/routes.js';
import { Tag, TagAndItem } from './tags/schemas.js';

export interface AppOptions {
  database: Database;
  logger?: FastifyServerOptions['loggerInstance'];
}

/** The named shapes: shared by the routes through `$ref`, and the OpenAPI document's components. */
const SHAPES = [
  ...[ErrorEnvelope, Message, PlainStore, PlainItem, PlainTag, Store, Item, Tag, TagAndItem],
  ...[Hero, Team, HeroWithTeams, TeamWithHeroes, Link],
];

/** Builds the HTTP application on an open, migrated database. Tests build exactly this. */
export async function buildApp({ database, logger }: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    schemaController: validatorCompilers(),
    // While shutting down, requests on open connections are still served (Fastify's 503 has no envelope).
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  for (const shape of SHAPES) app.addSchema(shape);
  errorHandling(app);
  jsonBodyParser(app);
  bodyHook(app);
  documentErrors(app);
  const answerOtherMethods = trackMethods(app);
  await docs(app);

  const stores = storeRepository(database);
  const items = itemRepository(database);
  const tags = tagRepository(database);
  health(app, database);
  await app.register(storeRoutes, { stores });
  await app.register(itemRoutes, { items });
  await app.register(tagRoutes, { tags, stores });
  await app.register(itemTagRoutes, { links: linkService(database, itemsTags), items, tags });

  const heroTeamLinks = linkService(database, heroesTeams);
  await app.register(heroRoutes, { heroes: heroRepository(database, heroTeamLinks) });
  await app.register(teamRoutes, { teams: teamRepository(database, heroTeamLinks) });
  await app.register(heroTeamRoutes, { links: heroTeamLinks });

  answerOtherMethods();
  return app;
}
