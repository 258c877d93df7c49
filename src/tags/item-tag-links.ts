import type { Database } from '../database/connection.js';
import { constraintViolation } from '../database/errors.js';
import { prepared } from '../database/prepared.js';
import { itemsTags } from '../links/items-tags.js';
import { linkRepository } from '../links/link-repository.js';

export type LinkOutcome = 'created' | 'existed' | 'no_item' | 'no_tag' | 'other_store';
export type UnlinkOutcome = 'unlinked' | 'not_linked' | 'no_item' | 'no_tag';

/** Linking and unlinking an item and a tag, with the reason when it cannot be done. */
export function itemTagLinks({ db }: Database) {
  const links = linkRepository(db, itemsTags);
  const itemStore = prepared(db, (id: number) => db.selectFrom('items').select('store_id').where('id', '=', id));
  const tagStore = prepared(db, (id: number) => db.selectFrom('tags').select('store_id').where('id', '=', id));

  const stores = async (itemId: number, tagId: number) => {
    const [[item], [tag]] = await Promise.all([itemStore(itemId), tagStore(tagId)]);
    return { item: item?.store_id, tag: tag?.store_id };
  };

  return {
    async link(itemId: number, tagId: number): Promise<LinkOutcome> {
      const store = await stores(itemId, tagId);
      if (store.item === undefined) return 'no_item';
      if (store.tag === undefined) return 'no_tag';
      if (store.item !== store.tag) return 'other_store';
      try {
        return (await links.link(itemId, tagId, store.item)) ? 'created' : 'existed';
      } catch (error) {
        // The item or tag was deleted since it was read: the foreign keys refused the link.
        if (constraintViolation(error) !== 'foreign_key') throw error;
        const now = await stores(itemId, tagId);
        return now.item === undefined ? 'no_item' : 'no_tag';
      }
    },
    async unlink(itemId: number, tagId: number): Promise<UnlinkOutcome> {
      if (await links.unlink(itemId, tagId)) return 'unlinked';
      const store = await stores(itemId, tagId);
      if (store.item === undefined) return 'no_item';
      if (store.tag === undefined) return 'no_tag';
      return 'not_linked';
    },
  };
}
