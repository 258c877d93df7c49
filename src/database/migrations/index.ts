import type { Migration } from 'kysely';
import * as m001 from './001_stores_items_tags.js';

/** Every migration, in order. Names are permanent: a released migration is never renamed or edited. */
export const migrations: Record<string, Migration> = {
  '001_stores_items_tags': m001,
};
