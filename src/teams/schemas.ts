import { Type, type Static } from '@sinclair/typebox';
import { Hero } from '../heroes/plain.js';
import { Input, Text } from '../http/schemas.js';
import { LinkTo } from '../links/heroes-teams.js';
import { Team } from './plain.js';

export { Team };

export const TeamWithHeroes = Type.Object(
  {
    ...Team.properties,
    heroes: Type.Array(Type.Object({ ...Hero.properties, is_training: Type.Boolean() })),
  },
  { $id: 'TeamWithHeroes' },
);
export type TeamWithHeroes = Static<typeof TeamWithHeroes>;

export const TeamCreate = Input(
  {
    name: Text,
    headquarters: Text,
    heroes: Type.Optional(Type.Array(LinkTo('hero_id'), { maxItems: 100 })),
  },
  'TeamCreate',
);
export type TeamCreate = Static<typeof TeamCreate>;

export const TeamUpdate = Input({ name: Type.Optional(Text), headquarters: Type.Optional(Text) }, 'TeamUpdate');
export type TeamUpdate = Static<typeof TeamUpdate>;
