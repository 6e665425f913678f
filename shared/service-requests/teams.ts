/**
 * Who a request can be assigned to: one of the council's teams (a closed list,
 * configured as `STAFF_TEAMS`) or one officer (a member of staff, by their
 * sign-in id). Stored in the request's `assignedTo` as `team:<code>` or
 * `officer:<sub>`, so one field answers "whose is it?" (decision 1022).
 */
export interface Team {
  readonly code: string;
  readonly name: string;
}

const teamCode = /^[a-z][a-z0-9-]{1,39}$/;

/** `code=Name,code=Name`: the teams, or what is wrong with the setting. */
export function parseTeams(setting: string): Team[] | string {
  const teams: Team[] = [];
  for (const pair of setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    const code = at > 0 ? pair.slice(0, at).trim() : '';
    const name = at > 0 ? pair.slice(at + 1).trim() : '';
    if (!teamCode.test(code) || name.length === 0 || name.length > 100)
      return `"${pair.slice(0, 60)}" is not code=Name (code: lower case letters, digits and hyphens)`;
    if (teams.some((t) => t.code === code)) return `team ${code} is listed twice`;
    teams.push({ code, name });
  }
  return teams.length > 0 ? teams : 'name at least one team';
}

/** The shape an assignment takes on the wire and in the store. */
export const assigneePattern = /^(team:[a-z][a-z0-9-]{1,39}|officer:[A-Za-z0-9._@-]{1,128})$/;

export type Assignee = { readonly team: string } | { readonly officer: string };

/** Reads a stored `assignedTo`; values from before teams existed are neither. */
export function parseAssignee(value: string | null | undefined): Assignee | undefined {
  if (!value || !assigneePattern.test(value)) return undefined;
  const [kind, id] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
  return kind === 'team' ? { team: id } : { officer: id };
}
