import { describe, expect, it } from 'vitest';
import { isOverdue } from '../../shared/service-requests/overdue.js';

const created = '2026-11-01T09:00:00.000Z';
const at = (iso: string) => new Date(iso);

describe('isOverdue', () => {
  it('when an open request is older than its service expects, then it is overdue', () => {
    expect(
      isOverdue({ status: 'investigating', createdAt: created }, { expectedDays: 5 }, at('2026-11-06T09:00:01Z')),
    ).toBe(true);
  });

  it('when an open request is exactly at its expected time, then it is not yet overdue', () => {
    expect(
      isOverdue({ status: 'submitted', createdAt: created }, { expectedDays: 5 }, at('2026-11-06T09:00:00Z')),
    ).toBe(false);
  });

  it('when a request is closed, then it is never overdue however old', () => {
    expect(isOverdue({ status: 'fixed', createdAt: created }, { expectedDays: 1 }, at('2027-11-01T00:00:00Z'))).toBe(
      false,
    );
  });

  it('when the service sets no expected days, then no request of it is overdue', () => {
    expect(isOverdue({ status: 'submitted', createdAt: created }, {}, at('2027-11-01T00:00:00Z'))).toBe(false);
  });
});
