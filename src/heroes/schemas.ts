import { Type, type Static } from '@sinclair/typebox';
import { Input, Text } from '../http/schemas.js';
import { LinkTo } from '../links/heroes-teams.js';
import { Team } from '../teams/plain.js';
import { Age, Hero } from './plain.js';

export { Hero };

export const HeroWithTeams = Type.Object(
  {
    ...Hero.properties,
    teams: Type.Array(Type.Object({ ...Team.properties, is_training: Type.Boolean() })),
  },
  { $id: 'HeroWithTeams' },
);
export type HeroWithTeams = Static<typeof HeroWithTeams>;

export const HeroCreate = Input(
  {
    name: Text,
    secret_name: Text,
    age: Type.Optional(Age),
    teams: Type.Optional(Type.Array(LinkTo('team_id'), { maxItems: 100 })),
  },
  'HeroCreate',
);
export type HeroCreate = Static<typeof HeroCreate>;

export const HeroUpdate = Input({ name: Type.Optional(Text), secret_name: Type.Optional(Text), age: Type.Optional(Age) }, 'HeroUpdate');
export type HeroUpdate = Static<typeof HeroUpdate>;
