import { Type, type Static } from '@sinclair/typebox';
import { Input, Name, ref } from '../http/schemas.js';
import { Item } from '../items/schemas.js';
import { PlainItem } from '../items/plain.js';
import { PlainStore } from '../stores/plain.js';
import { PlainTag } from './plain.js';

export const Tag = Type.Object({ ...PlainTag.properties, store: ref(PlainStore), items: Type.Array(ref(PlainItem)) }, { $id: 'Tag' });
export type Tag = Static<typeof Tag>;

export const TagCreate = Input({ name: Name }, 'TagCreate');
export type TagCreate = Static<typeof TagCreate>;

export const TagAndItem = Type.Object({ message: Type.String(), item: ref(Item), tag: ref(Tag) }, { $id: 'TagAndItem' });
