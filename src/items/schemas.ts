import { Type, type Static } from '@sinclair/typebox';
import { Id, Input, Name, ref } from '../http/schemas.js';
import { PlainStore } from '../stores/plain.js';
import { PlainTag } from '../tags/plain.js';
import { PlainItem, Price } from './plain.js';

export const Item = Type.Object({ ...PlainItem.properties, store: ref(PlainStore), tags: Type.Array(ref(PlainTag)) }, { $id: 'Item' });
export type Item = Static<typeof Item>;

export const ItemCreate = Input({ name: Name, price: Price, store_id: Id }, 'ItemCreate');
export type ItemCreate = Static<typeof ItemCreate>;

/** `store_id` is not accepted: an item stays in its store, which keeps its tag links valid. */
export const ItemUpdate = Input({ name: Type.Optional(Name), price: Type.Optional(Price) }, 'ItemUpdate');
export type ItemUpdate = Static<typeof ItemUpdate>;
