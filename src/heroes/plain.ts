import { Type, type Static } from '@sinclair/typebox';
import { Id, MAX_ID, Text } from '../http/schemas.js';

export const Age = Type.Union([Type.Integer({ minimum: 0, maximum: MAX_ID }), Type.Null()]);

export const Hero = Type.Object({ id: Id, name: Text, secret_name: Text, age: Age }, { $id: 'Hero' });
export type Hero = Static<typeof Hero>;
