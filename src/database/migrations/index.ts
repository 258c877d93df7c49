import type { Migration } from 'kysely';
import * as m001 from './001_stores_items_tags.js';
import * as m002 from './002_heroes_teams.js';
import * as m003 from './003_users.js';
import * as m004 from './004_list_filters.js';
import * as m005 from './005_idempotency_keys.js';
import * as m006 from './006_rate_limits.js';

/** Every migration, in order. Names are permanent: a released migration is never renamed or edited. */
export const migrations: Record<string, Migration> = {
  '001_stores_items_tags': m001,
  '002_heroes_teams': m002,
  '003_users': m003,
  '004_list_filters': m004,
  '005_idempotency_keys': m005,
  '006_rate_limits': m006,
};
