import { defineList } from '../lists/list-spec.js';
import { PlainStore } from './plain.js';

/** What lists of stores can be asked: `q`, `owner_id`, `sort`. */
export const storeList = defineList({ table: 'stores', shape: PlainStore, equals: ['owner_id'] });
