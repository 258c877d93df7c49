import { Type } from '@sinclair/typebox';
import { Id, Name } from '../http/schemas.js';

export const PlainTag = Type.Object({ id: Id, name: Name }, { $id: 'PlainTag' });
