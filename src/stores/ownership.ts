import type { Database } from '../database/connection.js';
import { prepared } from '../database/prepared.js';

/** The owner of a store, or of the store an item or tag belongs to: `undefined` when there is no such row. */
export type Owner = { ownerId: number | null } | undefined;

export type Ownership = ReturnType<typeof ownership>;

export function ownership(database: Database) {
  const { db } = database;
  const ofStore = prepared(database, (id: number) => db.selectFrom('stores').select('owner_id').where('id', '=', id));
  const ofItem = prepared(database, (id: number) =>
    db.selectFrom('items as i').innerJoin('stores as s', 's.id', 'i.store_id').select('s.owner_id').where('i.id', '=', id),
  );
  const ofTag = prepared(database, (id: number) =>
    db.selectFrom('tags as t').innerJoin('stores as s', 's.id', 't.store_id').select('s.owner_id').where('t.id', '=', id),
  );
  const owner = (rows: { owner_id: number | null }[]): Owner => rows[0] && { ownerId: rows[0].owner_id };

  return {
    store: async (id: number) => owner(await ofStore(id)),
    item: async (id: number) => owner(await ofItem(id)),
    tag: async (id: number) => owner(await ofTag(id)),
  };
}
