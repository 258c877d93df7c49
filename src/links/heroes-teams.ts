import { Type } from '@sinclair/typebox';
import { Id, Input } from '../http/schemas.js';
import { defineLink } from './link-model.js';

/** The link's own fields: SQLModel's `HeroTeamLink.is_training`. */
export const HeroTeamFields = Type.Object({ is_training: Type.Boolean({ default: false }) });

/** heroes ↔ teams through `heroteamlink` (migration 002), a link that carries `is_training`. */
export const heroesTeams = defineLink({
  table: 'heroteamlink',
  left: { table: 'hero', column: 'hero_id', name: 'heroes', singular: 'hero' },
  right: { table: 'team', column: 'team_id', name: 'teams', singular: 'team' },
  fields: HeroTeamFields,
});

/** A hero-team link as the API shows it. */
export const Link = Type.Object(
  { hero_id: Id, team_id: Id, is_training: Type.Boolean() },
  { $id: 'Link', description: 'A hero in a team, and whether the hero is still training there.' },
);

/** One entry of a hero's `teams` (or a team's `heroes`) when creating it with its links. */
export const LinkTo = <K extends string>(key: K) =>
  Input({ ...({ [key]: Id } as Record<K, typeof Id>), is_training: Type.Optional(Type.Boolean()) });
