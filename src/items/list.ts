import { itemsTags } from '../links/items-tags.js';
import { defineList } from '../lists/list-spec.js';
import { PlainItem } from './plain.js';

/** What lists of items can be asked: `q`, `price_min`/`price_max`, `store_id`, `tags_all`/`_any`/`_none`, `sort`. */
export const itemList = defineList({
  table: 'items',
  shape: PlainItem,
  bounds: ['price'],
  equals: ['store_id'],
  links: [{ link: itemsTags, side: 'left' }],
});
