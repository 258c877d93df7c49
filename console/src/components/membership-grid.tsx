import type { Schemas } from '../api.js';

interface MembershipGridProps {
  heroes: Schemas['HeroWithTeams'][];
  teams: Schemas['Team'][];
  /** Only admins take a hero out of a team: for others a member's box cannot be cleared. */
  canRemove: boolean;
  onMember: (hero: Schemas['HeroWithTeams'], team: Schemas['Team'], member: boolean) => void;
  onTraining: (hero: Schemas['HeroWithTeams'], team: Schemas['Team'], training: boolean) => void;
}

/**
 * Heroes as rows, teams as columns: a cell's box is the link, its switch the link's `is_training`.
 * Nothing is disabled while a change is under way, so that the focus stays where the keyboard left it.
 */
export function MembershipGrid({ heroes, teams, canRemove, onMember, onTraining }: MembershipGridProps) {
  return (
    <div class="scroll">
      <table class="grid" aria-labelledby="membership-heading">
        <thead>
          <tr>
            <th scope="col">Hero</th>
            {teams.map((team) => (
              <th key={team.id} scope="col">
                {team.name}
                <span class="meta">{team.headquarters}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {heroes.map((hero) => (
            <tr key={hero.id}>
              <th scope="row">
                {hero.name}
                <span class="meta">
                  {hero.secret_name}
                  {hero.age === null || hero.age === undefined ? '' : `, ${hero.age}`}
                </span>
              </th>
              {teams.map((team) => {
                const link = hero.teams.find((joined) => joined.id === team.id);
                return (
                  <td key={team.id} class={link ? 'member' : undefined}>
                    <div class="cell">
                      <input
                        type="checkbox"
                        aria-label={`${hero.name} in ${team.name}`}
                        checked={link !== undefined}
                        disabled={link !== undefined && !canRemove}
                        onChange={(e) => onMember(hero, team, e.currentTarget.checked)}
                      />
                      {link && (
                        <label class="switch">
                          <input
                            type="checkbox"
                            // biome-ignore lint/a11y/useAriaPropsForRole: a native checkbox's checked state is the switch's; ARIA in HTML says not to add aria-checked
                            role="switch"
                            aria-label={`${hero.name} training in ${team.name}`}
                            checked={link.is_training}
                            onChange={(e) => onTraining(hero, team, e.currentTarget.checked)}
                          />
                          <span aria-hidden="true">training</span>
                        </label>
                      )}
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
