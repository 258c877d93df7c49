import { heroesTeams } from '../links/heroes-teams.js';
import { defineList } from '../lists/list-spec.js';
import { Hero } from './plain.js';

/** What lists of heroes can be asked: `q`, `age_min`/`age_max`, `teams_all`/`_any`/`_none`, `is_training`, `sort`. */
export const heroList = defineList({
  table: 'hero',
  shape: Hero,
  bounds: ['age'],
  links: [{ link: heroesTeams, side: 'left' }],
});
