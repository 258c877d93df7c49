import { defineLink } from './link-model.js';

/**
 * items ↔ tags: only an item and a tag of the same store may be linked (migration 001), by the store's
 * owner or an admin.
 */
export const itemsTags = defineLink({
  table: 'items_tags',
  left: { table: 'items', column: 'item_id', name: 'items', singular: 'item' },
  right: { table: 'tags', column: 'tag_id', name: 'tags', singular: 'tag' },
  scope: 'store_id',
  owner: { table: 'stores', column: 'owner_id' },
});
