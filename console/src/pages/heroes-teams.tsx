import { useState } from 'preact/hooks';
import { must, paged } from '../api-error.js';
import type { Api, Schemas } from '../api.js';
import { ErrorAlert } from '../components/error-alert.js';
import { MembershipGrid } from '../components/membership-grid.js';
import { Pager } from '../components/pager.js';
import { useAction } from '../use-action.js';
import { useLoad } from '../use-load.js';

const HEROES_PER_PAGE = 10;
const TEAMS_PER_PAGE = 6;

/** Heroes and teams, and who is in which team (and training there), as a grid. */
export function HeroesTeamsPage({ api, me }: { api: Api; me: Schemas['Me'] }) {
  const [heroPage, setHeroPage] = useState(1);
  const [teamPage, setTeamPage] = useState(1);
  const [teamFilter, setTeamFilter] = useState<number>();
  const [trainingOnly, setTrainingOnly] = useState(false);

  const teams = useLoad(() => paged(api.GET('/teams', { params: { query: { page: teamPage, page_size: TEAMS_PER_PAGE } } })), [teamPage]);
  const allTeams = useLoad(() => must(api.GET('/teams', { params: { query: { page_size: 1000 } } })), []);
  const heroes = useLoad(async () => {
    const filters = { ...(teamFilter ? { teams_any: String(teamFilter) } : {}), ...(trainingOnly ? { is_training: true } : {}) };
    const page = await paged(api.GET('/heroes', { params: { query: { page: heroPage, page_size: HEROES_PER_PAGE, ...filters } } }));
    // Each hero's teams: one request each, for the few heroes of a page.
    const rows = await Promise.all(page.rows.map((hero) => must(api.GET('/heroes/{hero_id}', { params: { path: { hero_id: hero.id } } }))));
    return { rows, pagination: page.pagination };
  }, [heroPage, teamFilter, trainingOnly]);

  const [status, setStatus] = useState('');
  const change = useAction({ concurrent: true });
  const addHero = useAction();
  const addTeam = useAction();
  const [hero, setHero] = useState({ name: '', secret_name: '', age: '' });
  const [team, setTeam] = useState({ name: '', headquarters: '' });

  /** Makes a change to a hero's links, then shows the hero as the service now has it. */
  const changeHero = (target: Schemas['HeroWithTeams'], action: () => Promise<string>) =>
    change.run(async () => {
      const message = await action();
      const fresh = await must(api.GET('/heroes/{hero_id}', { params: { path: { hero_id: target.id } } }));
      if (heroes.data) heroes.set({ ...heroes.data, rows: heroes.data.rows.map((row) => (row.id === fresh.id ? fresh : row)) });
      setStatus(message);
    });
  const path = (h: Schemas['HeroWithTeams'], t: Schemas['Team']) => ({ params: { path: { hero_id: h.id, team_id: t.id } } });
  const onMember = (h: Schemas['HeroWithTeams'], t: Schemas['Team'], member: boolean) =>
    void changeHero(h, async () => {
      if (member) await must(api.POST('/heroes/{hero_id}/teams/{team_id}', { ...path(h, t), body: {} }));
      else await must(api.DELETE('/heroes/{hero_id}/teams/{team_id}', path(h, t)));
      return member ? `${h.name} joined ${t.name}.` : `${h.name} left ${t.name}.`;
    });
  const onTraining = (h: Schemas['HeroWithTeams'], t: Schemas['Team'], training: boolean) =>
    void changeHero(h, async () => {
      await must(api.PATCH('/heroes/{hero_id}/teams/{team_id}', { ...path(h, t), body: { is_training: training } }));
      return training ? `${h.name} is training in ${t.name}.` : `${h.name} is no longer training in ${t.name}.`;
    });

  const submitHero = async (event: Event) => {
    event.preventDefault();
    const done = await addHero.run(async () => {
      // An empty age is no age; anything else goes as typed, and the API says what is wrong with it.
      const age = hero.age.trim() === '' ? {} : { age: hero.age.trim() as unknown as number };
      const made = await must(api.POST('/heroes', { body: { name: hero.name, secret_name: hero.secret_name, ...age } }));
      setStatus(`Added the hero ${made.name}.`);
      // The new hero is the last: show the page it is on, unfiltered.
      const last = await paged(api.GET('/heroes', { params: { query: { page_size: HEROES_PER_PAGE } } }));
      setTeamFilter(undefined);
      setTrainingOnly(false);
      setHeroPage(Math.max(1, last.pagination.total_pages));
    });
    if (done) {
      setHero({ name: '', secret_name: '', age: '' });
      heroes.reload();
    }
  };
  const submitTeam = async (event: Event) => {
    event.preventDefault();
    const done = await addTeam.run(async () => {
      const made = await must(api.POST('/teams', { body: team }));
      setStatus(`Added the team ${made.name}.`);
      const last = await paged(api.GET('/teams', { params: { query: { page_size: TEAMS_PER_PAGE } } }));
      setTeamPage(Math.max(1, last.pagination.total_pages));
    });
    if (done) {
      setTeam({ name: '', headquarters: '' });
      teams.reload();
      allTeams.reload();
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Heroes &amp; teams</h1>
      <p role="status" class="status">
        {status}
      </p>
      <div class="forms">
        <section class="card" aria-labelledby="new-hero">
          <h2 id="new-hero">New hero</h2>
          <form class="row-form" onSubmit={submitHero}>
            <label>
              Hero name
              <input value={hero.name} onInput={(e) => setHero({ ...hero, name: e.currentTarget.value })} />
            </label>
            <label>
              Secret name
              <input value={hero.secret_name} onInput={(e) => setHero({ ...hero, secret_name: e.currentTarget.value })} />
            </label>
            <label class="narrow">
              Age
              <input inputMode="numeric" value={hero.age} onInput={(e) => setHero({ ...hero, age: e.currentTarget.value })} />
            </label>
            <button type="submit" class="primary">
              Add hero
            </button>
          </form>
          <ErrorAlert error={addHero.error} labels={{ name: 'Hero name', secret_name: 'Secret name', age: 'Age' }} />
        </section>
        <section class="card" aria-labelledby="new-team">
          <h2 id="new-team">New team</h2>
          <form class="row-form" onSubmit={submitTeam}>
            <label>
              Team name
              <input value={team.name} onInput={(e) => setTeam({ ...team, name: e.currentTarget.value })} />
            </label>
            <label>
              Headquarters
              <input value={team.headquarters} onInput={(e) => setTeam({ ...team, headquarters: e.currentTarget.value })} />
            </label>
            <button type="submit" class="primary">
              Add team
            </button>
          </form>
          <ErrorAlert error={addTeam.error} labels={{ name: 'Team name', headquarters: 'Headquarters' }} />
        </section>
      </div>
      <section class="card" aria-labelledby="membership-heading">
        <h2 id="membership-heading">Membership</h2>
        <div class="filters">
          <label>
            Filter by team
            <select
              value={teamFilter ?? ''}
              onChange={(e) => {
                setTeamFilter(e.currentTarget.value ? Number(e.currentTarget.value) : undefined);
                setHeroPage(1);
              }}
            >
              <option value="">All heroes</option>
              {allTeams.data?.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={trainingOnly}
              onChange={(e) => {
                setTrainingOnly(e.currentTarget.checked);
                setHeroPage(1);
              }}
            />
            In training only
          </label>
        </div>
        {!me.is_admin && <p class="hint">Anyone signed in can add a hero to a team; only admins can take one out.</p>}
        <ErrorAlert error={change.error} />
        <ErrorAlert error={heroes.error ?? teams.error} />
        {heroes.data && teams.data && (
          <MembershipGrid
            heroes={heroes.data.rows}
            teams={teams.data.rows}
            canRemove={me.is_admin}
            onMember={onMember}
            onTraining={onTraining}
          />
        )}
        {heroes.data?.rows.length === 0 && <p class="none">{teamFilter || trainingOnly ? 'No heroes match.' : 'No heroes yet.'}</p>}
        <div class="pagers">
          <Pager of="heroes" page={heroPage} pagination={heroes.data?.pagination} onPage={setHeroPage} />
          <Pager
            of="teams"
            page={teamPage}
            pagination={teams.data?.pagination}
            onPage={setTeamPage}
            previous="Previous teams"
            next="Next teams"
          />
        </div>
      </section>
    </>
  );
}
