import { Type, type Static } from '@sinclair/typebox';
import { Input, Name, ref } from '../http/schemas.js';
import { PlainItem } from '../items/plain.js';
import { PlainTag } from '../tags/plain.js';
import { PlainStore } from './plain.js';

export const Store = Type.Object(
  { ...PlainStore.properties, items: Type.Array(ref(PlainItem)), tags: Type.Array(ref(PlainTag)) },
  { $id: 'Store' },
);
export type Store = Static<typeof Store>;

export const StoreCreate = Input({ name: Name }, 'StoreCreate');
export type StoreCreate = Static<typeof StoreCreate>;
