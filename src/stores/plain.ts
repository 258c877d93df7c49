import { Type } from '@sinclair/typebox';
import { Id, Name } from '../http/schemas.js';

export const PlainStore = Type.Object({ id: Id, name: Name }, { $id: 'PlainStore' });
