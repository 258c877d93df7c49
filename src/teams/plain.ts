import { Type } from '@sinclair/typebox';
import { Id, Text } from '../http/schemas.js';

export const Team = Type.Object({ id: Id, name: Text, headquarters: Text }, { $id: 'Team' });
