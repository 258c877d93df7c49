import { itemsTags } from '../links/items-tags.js';
import { defineList } from '../lists/list-spec.js';
import { PlainTag } from './plain.js';

/** What lists of tags can be asked: `q`, `store_id`, `items_all`/`_any`/`_none`, `sort`. */
export const tagList = defineList({
  table: 'tags',
  shape: PlainTag,
  equals: ['store_id'],
  links: [{ link: itemsTags, side: 'right' }],
});
