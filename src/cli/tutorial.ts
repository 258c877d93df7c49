import type { Database } from '../database/connection.js';
import { heroRepository } from '../heroes/repository.js';
import type { HeroWithTeams } from '../heroes/schemas.js';
import { heroesTeams } from '../links/heroes-teams.js';
import { linkService } from '../links/link-service.js';
import { noFilters } from '../lists/list-query.js';
import { teamRepository } from '../teams/repository.js';
import type { TeamWithHeroes } from '../teams/schemas.js';
import { model, repr } from './python-repr.js';

type Print = (...parts: string[]) => void;

type HeroLike = { id: number; name: string; secret_name: string; age: number | null };
type TeamLike = { id: number; name: string; headquarters: string };

const hero = (h: HeroLike) => model('Hero', { id: h.id, name: h.name, secret_name: h.secret_name, age: h.age });
const team = (t: TeamLike) => model('Team', { id: t.id, name: t.name, headquarters: t.headquarters });
const link = (hero_id: number, team_id: number, is_training: boolean) => model('HeroTeamLink', { team_id, hero_id, is_training });
const list = (items: string[]) => `[${items.join(', ')}]`;

export class TutorialError extends Error {}

/**
 * The three programs of SQLModel's many-to-many chapters, run through Junction's own data layer:
 * create heroes with their teams; add Spider-Boy to Z-Force and remove him again; the link model with
 * `is_training`, set and updated. Each prints what the chapter's program prints.
 */
export async function runTutorial(database: Database, print: Print): Promise<void> {
  const links = linkService(database, heroesTeams);
  const heroes = heroRepository(database, links);
  const teams = teamRepository(database, links);
  const heroById = async (id: number) => (await heroes.get(id)) as HeroWithTeams;
  const teamById = async (id: number) => (await teams.get(id)) as TeamWithHeroes;
  const newTeam = async (name: string, headquarters: string) => (await teams.create({ name, headquarters }, [])) as TeamWithHeroes;
  const newHero = async (name: string, secret_name: string, age: number | null, teamIds: number[] = []) =>
    (await heroes.create(
      { name, secret_name, age },
      teamIds.map((id) => ({ id, values: {} })),
    )) as HeroWithTeams;

  if (
    (await heroes.list({ limit: 1, offset: 0 }, noFilters())).total + (await teams.list({ limit: 1, offset: 0 }, noFilters())).total >
    0
  ) {
    throw new TutorialError('the tutorial needs a database without heroes or teams; leave DATABASE_URL unset to use a new in-memory one');
  }

  print('\n== Program 1: create heroes with their teams ==');
  let zForce = await newTeam('Z-Force', "Sister Margaret's Bar");
  let preventers = await newTeam('Preventers', 'Sharp Tower');
  const deadpond = await newHero('Deadpond', 'Dive Wilson', null, [zForce.id, preventers.id]);
  const rustyMan = await newHero('Rusty-Man', 'Tommy Sharp', 48, [preventers.id]);
  let spiderBoy = await newHero('Spider-Boy', 'Pedro Parqueador', null, [preventers.id]);
  for (const [label, teamsLabel, h] of [
    ['Deadpond:', 'Deadpond teams:', deadpond],
    ['Rusty-Man:', 'Rusty-Man Teams:', rustyMan],
    ['Spider-Boy:', 'Spider-Boy Teams:', spiderBoy],
  ] as const) {
    print(label, hero(h));
    print(teamsLabel, list(h.teams.map(team)));
  }

  print('\n== Program 2: add Spider-Boy to Z-Force, and remove him again ==');
  await links.link(spiderBoy.id, zForce.id);
  [spiderBoy, zForce] = await Promise.all([heroById(spiderBoy.id), teamById(zForce.id)]);
  print("Updated Spider-Boy's Teams:", list(spiderBoy.teams.map(team)));
  print('Z-Force heroes:', list(zForce.heroes.map(hero)));
  await links.unlink(spiderBoy.id, zForce.id);
  [spiderBoy, zForce] = await Promise.all([heroById(spiderBoy.id), teamById(zForce.id)]);
  print("Reverted Z-Force's heroes:", list(zForce.heroes.map(hero)));
  print("Reverted Spider-Boy's teams:", list(spiderBoy.teams.map(team)));

  print('\n== Program 3: a link model with is_training, set and updated ==');
  print("(each of the chapter's programs starts with a new database: the heroes and teams above are deleted)");
  for (const h of [deadpond, rustyMan, spiderBoy]) await heroes.remove(h.id);
  for (const t of [zForce, preventers]) await teams.remove(t.id);
  zForce = await newTeam('Z-Force', "Sister Margaret's Bar");
  preventers = await newTeam('Preventers', 'Sharp Tower');
  const heroes3 = {
    deadpond: await newHero('Deadpond', 'Dive Wilson', null),
    rustyMan: await newHero('Rusty-Man', 'Tommy Sharp', 48),
    spiderBoy: await newHero('Spider-Boy', 'Pedro Parqueador', null),
  };
  await links.link(heroes3.deadpond.id, zForce.id);
  await links.link(heroes3.deadpond.id, preventers.id, { is_training: true });
  await links.link(heroes3.spiderBoy.id, preventers.id, { is_training: true });
  await links.link(heroes3.rustyMan.id, preventers.id);
  for (const [label, t] of [
    ['Z-Force hero:', zForce],
    ['Preventers hero:', preventers],
  ] as const) {
    for (const member of (await teamById(t.id)).heroes) print(label, hero(member), 'is training:', repr(member.is_training));
  }

  await links.link(heroes3.spiderBoy.id, zForce.id, { is_training: true });
  const spider = await heroById(heroes3.spiderBoy.id);
  print("Updated Spider-Boy's Teams:", list(spider.teams.map((t) => link(spider.id, t.id, t.is_training))));
  const members = (await teamById(zForce.id)).heroes;
  print('Z-Force heroes:', list(members.map((h) => link(h.id, zForce.id, h.is_training))));
  await links.update(heroes3.spiderBoy.id, preventers.id, { is_training: false });
  for (const t of (await heroById(heroes3.spiderBoy.id)).teams) {
    print('Spider-Boy team:', team(t), 'is training:', repr(t.is_training));
  }
}
