import { describe, expect, it } from 'vitest';
import { parseNcrontab } from '../../local/host/ncrontab.js';

describe('NCRONTAB schedules', () => {
  it('every five minutes fires on the next multiple of five', () => {
    expect(parseNcrontab('0 */5 * * * *').next(new Date('2026-11-22T10:03:27Z')).toISOString()).toBe(
      '2026-11-22T10:05:00.000Z',
    );
  });

  it('a daily time fires the next day once passed', () => {
    expect(parseNcrontab('0 30 2 * * *').next(new Date('2026-11-22T03:00:00Z')).toISOString()).toBe(
      '2026-11-23T02:30:00.000Z',
    );
  });

  it('weekdays only skips the weekend', () => {
    // 2026-11-21 is a Saturday.
    expect(parseNcrontab('0 0 9 * * 1-5').next(new Date('2026-11-21T12:00:00Z')).toISOString()).toBe(
      '2026-11-23T09:00:00.000Z',
    );
  });

  it('rejects malformed schedules', () => {
    expect(() => parseNcrontab('*/5 * * * *')).toThrow(/six fields/);
    expect(() => parseNcrontab('0 61 * * * *')).toThrow(/Invalid/);
  });
});
