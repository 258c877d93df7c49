import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { finished, runTs } from '../helpers/process.js';

const tutorial = (args: string[], env: Record<string, string> = {}) =>
  finished(runTs('src/cli/main.ts', ['tutorial', ...args], { DATABASE_URL: '', ...env }));

/** The lines the chapter's programs print, in order (the SQL echo left out). */
const EXPECTED = [
  "Deadpond: Hero(id=1, name='Deadpond', secret_name='Dive Wilson', age=None)",
  `Deadpond teams: [Team(id=1, name='Z-Force', headquarters="Sister Margaret's Bar"), Team(id=2, name='Preventers', headquarters='Sharp Tower')]`,
  "Rusty-Man: Hero(id=2, name='Rusty-Man', secret_name='Tommy Sharp', age=48)",
  "Rusty-Man Teams: [Team(id=2, name='Preventers', headquarters='Sharp Tower')]",
  "Spider-Boy: Hero(id=3, name='Spider-Boy', secret_name='Pedro Parqueador', age=None)",
  "Spider-Boy Teams: [Team(id=2, name='Preventers', headquarters='Sharp Tower')]",
  `Updated Spider-Boy's Teams: [Team(id=1, name='Z-Force', headquarters="Sister Margaret's Bar"), Team(id=2, name='Preventers', headquarters='Sharp Tower')]`,
  "Z-Force heroes: [Hero(id=1, name='Deadpond', secret_name='Dive Wilson', age=None), Hero(id=3, name='Spider-Boy', secret_name='Pedro Parqueador', age=None)]",
  "Reverted Z-Force's heroes: [Hero(id=1, name='Deadpond', secret_name='Dive Wilson', age=None)]",
  "Reverted Spider-Boy's teams: [Team(id=2, name='Preventers', headquarters='Sharp Tower')]",
  "Z-Force hero: Hero(id=4, name='Deadpond', secret_name='Dive Wilson', age=None) is training: False",
  "Preventers hero: Hero(id=4, name='Deadpond', secret_name='Dive Wilson', age=None) is training: True",
  "Preventers hero: Hero(id=5, name='Rusty-Man', secret_name='Tommy Sharp', age=48) is training: False",
  "Preventers hero: Hero(id=6, name='Spider-Boy', secret_name='Pedro Parqueador', age=None) is training: True",
  "Updated Spider-Boy's Teams: [HeroTeamLink(team_id=3, hero_id=6, is_training=True), HeroTeamLink(team_id=4, hero_id=6, is_training=True)]",
  'Z-Force heroes: [HeroTeamLink(team_id=3, hero_id=4, is_training=False), HeroTeamLink(team_id=3, hero_id=6, is_training=True)]',
  `Spider-Boy team: Team(id=3, name='Z-Force', headquarters="Sister Margaret's Bar") is training: True`,
  "Spider-Boy team: Team(id=4, name='Preventers', headquarters='Sharp Tower') is training: False",
];

const printedSteps = (stdout: string) => stdout.split('\n').filter((line) => /^[A-Z][\w' -]+: (Hero|Team|\[)/.test(line));

describe('junction tutorial', () => {
  it('creates the tables with SQL echo on, then prints each step of the three programs', async () => {
    const { code, stdout, stderr } = await tutorial([]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('CREATE TABLE heroteamlink (');
    expect(stdout).toContain('PRIMARY KEY (team_id, hero_id)');
    expect(stdout).toContain('FOREIGN KEY(team_id) REFERENCES team (id)');
    expect(stdout).toContain('FOREIGN KEY(hero_id) REFERENCES hero (id)');
    expect(stdout).toMatch(/CREATE TABLE team \(\n\tid INTEGER[^\n]*,\n\tname VARCHAR NOT NULL,\n\theadquarters VARCHAR NOT NULL/);
    expect(stdout).toMatch(/INFO Engine insert into "hero"/i);
    expect(stdout).toMatch(/INFO Engine \[\d+\.\d{5}s\] \('Deadpond', 'Dive Wilson', None\)/);
    expect(printedSteps(stdout)).toEqual(EXPECTED);
    const programs = stdout.indexOf('Program 1') < stdout.indexOf('Program 2') && stdout.indexOf('Program 2') < stdout.indexOf('Program 3');
    expect(programs).toBe(true);
  });

  it('hides the SQL with --no-echo', async () => {
    const { code, stdout } = await tutorial(['--no-echo']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('INFO Engine');
    expect(stdout).not.toContain('CREATE TABLE');
    expect(printedSteps(stdout)).toEqual(EXPECTED);
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await tutorial(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--no-echo');
  });
});

describe.each(BACKENDS)('junction tutorial with DATABASE_URL on %s', (backend) => {
  let testDatabase: TestDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(backend);
  });
  afterAll(() => testDatabase.drop());

  it('runs on that database, and refuses one that already has heroes or teams', async () => {
    const first = await tutorial(['--no-echo'], { DATABASE_URL: testDatabase.url });
    expect(first.code, first.stderr).toBe(0);
    expect(printedSteps(first.stdout)).toEqual(EXPECTED);

    const second = await tutorial(['--no-echo'], { DATABASE_URL: testDatabase.url });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('needs a database without heroes or teams');
  });
});
