import { Type, type Static } from '@sinclair/typebox';
import { Id, Text } from '../http/schemas.js';

export const Team = Type.Object({ id: Id, name: Text, headquarters: Text }, { $id: 'Team' });
export type Team = Static<typeof Team>;
