import { heroesTeams } from '../links/heroes-teams.js';
import { defineList } from '../lists/list-spec.js';
import { Team } from './plain.js';

/** What lists of teams can be asked: `q`, `heroes_all`/`_any`/`_none`, `is_training`, `sort`. */
export const teamList = defineList({ table: 'team', shape: Team, links: [{ link: heroesTeams, side: 'right' }] });
