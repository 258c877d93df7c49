import { Type } from '@sinclair/typebox';
import { Id, Name } from '../http/schemas.js';

export const Price = Type.Number({ description: 'A number; a numeric string such as "9.99" is accepted.' });

export const PlainItem = Type.Object({ id: Id, name: Name, price: Price }, { $id: 'PlainItem' });
