import { describe, expect, it } from 'vitest';
import { isOverdue } from '../../shared/service-requests/overdue.js';
import { parseAssignee, parseTeams } from '../../shared/service-requests/teams.js';

const now = new Date('2026-11-30T12:00:00Z');

describe('isOverdue', () => {
  it('when an open request is past the deadline it was given, then it is overdue; a moment before, not', () => {
    const made = { status: 'submitted' as const, createdAt: '2026-11-01T12:00:00Z' };
    expect(isOverdue({ ...made, expectedAt: '2026-11-30T11:59:59Z' }, { expectedDays: 28 }, now)).toBe(true);
    expect(isOverdue({ ...made, expectedAt: '2026-11-30T12:00:01Z' }, { expectedDays: 28 }, now)).toBe(false);
  });

  it('when a request is closed or its service expects no time, then it is never overdue', () => {
    expect(
      isOverdue(
        { status: 'fixed', createdAt: '2020-01-01T00:00:00Z', expectedAt: '2020-01-05T00:00:00Z' },
        { expectedDays: 4 },
        now,
      ),
    ).toBe(false);
    expect(isOverdue({ status: 'in-progress', createdAt: '2020-01-01T00:00:00Z' }, {}, now)).toBe(false);
    expect(isOverdue({ status: 'in-progress', createdAt: '2020-01-01T00:00:00Z' }, undefined, now)).toBe(false);
  });

  it('when a request was stored without a deadline, then the service’s expected time counts from when it was made', () => {
    expect(isOverdue({ status: 'investigating', createdAt: '2026-11-20T12:00:00Z' }, { expectedDays: 5 }, now)).toBe(
      true,
    );
    expect(isOverdue({ status: 'investigating', createdAt: '2026-11-28T12:00:00Z' }, { expectedDays: 5 }, now)).toBe(
      false,
    );
  });
});

describe('teams', () => {
  it('when STAFF_TEAMS is code=Name pairs, then those are the teams; a malformed or repeated pair is refused', () => {
    expect(parseTeams('highways=Highways, waste=Waste and recycling')).toEqual([
      { code: 'highways', name: 'Highways' },
      { code: 'waste', name: 'Waste and recycling' },
    ]);
    expect(parseTeams('Highways')).toMatch(/not code=Name/);
    expect(parseTeams('a=A')).toMatch(/not code=Name/);
    expect(parseTeams('parks=Parks,parks=Parks again')).toMatch(/twice/);
    expect(parseTeams('')).toMatch(/at least one/);
  });

  it('when an assignment is read, then it is a team or an officer; an old free-text value is neither', () => {
    expect(parseAssignee('team:highways')).toEqual({ team: 'highways' });
    expect(parseAssignee('officer:sam')).toEqual({ officer: 'sam' });
    expect(parseAssignee('highways-team')).toBeUndefined();
    expect(parseAssignee(null)).toBeUndefined();
  });
});
