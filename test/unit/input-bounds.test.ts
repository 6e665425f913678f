/**
 * #13 item 1, "the same review of every other input that sizes a loop, a fan-out or a
 * page" (Open311 and payments are reviewed by their own suites): every query that
 * sizes work refuses numeric extremes before any work is done.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { dispatchListQuery } from '../../shared/dispatch/model.js';
import { listMineQuery, nearbyQuery, staffListQuery } from '../../shared/service-requests/schemas.js';

const extremes = ['NaN', 'Infinity', '-Infinity', '1e308', '-1e308', '1e400', '0x7fffffff', '-1', '0', '101', '1.5'];

const schemas: [string, z.ZodType, Record<string, string>, readonly string[]][] = [
  ['listMineQuery (me/requests, me/documents)', listMineQuery, {}, ['pageSize']],
  ['staffListQuery', staffListQuery, {}, ['pageSize']],
  ['dispatchListQuery', dispatchListQuery, {}, ['pageSize']],
  ['nearbyQuery', nearbyQuery, { lat: '51.46', long: '-2.6' }, ['radius']],
];

describe('inputs that size work are bounded at the edge', () => {
  for (const [name, schema, base, sizers] of schemas) {
    it(`${name}: when a sizing parameter is extreme, then it is refused; a page is never more than 100`, () => {
      for (const param of sizers)
        for (const value of extremes) {
          const result = schema.safeParse({ ...base, [param]: value });
          if (result.success) {
            const size = (result.data as Record<string, number>)[param] ?? 0;
            expect(size, `${param}=${value}`).toBeGreaterThanOrEqual(1);
            expect(size, `${param}=${value}`).toBeLessThanOrEqual(param === 'radius' ? 1000 : 100);
          }
        }
      const continuation = schema.safeParse({ ...base, continuation: 'x'.repeat(5000) });
      if ('continuation' in (schema as z.ZodObject).shape) expect(continuation.success).toBe(false);
    });
  }

  it('when lat/long are extreme, then nearby refuses them', () => {
    for (const value of [...extremes, '90.0001', '-180.5'])
      for (const param of ['lat', 'long']) {
        const result = nearbyQuery.safeParse({ lat: '51.46', long: '-2.6', [param]: value });
        if (result.success) expect(Math.abs(result.data[param as 'lat' | 'long'])).toBeLessThanOrEqual(180);
        if (['NaN', 'Infinity', '1e308', '1e400', '0x7fffffff'].includes(value)) expect(result.success).toBe(false);
      }
  });

  it('when a staff bbox is out of range, inverted or overlong, then it is refused', () => {
    for (const bbox of ['-2.7,51.4,-2.5,51.5']) expect(staffListQuery.safeParse({ bbox }).success, bbox).toBe(true);
    for (const bbox of [`1${'0'.repeat(400)},0,1,1`, '-200,0,1,1', '0,-91,1,1', '1,1,0,0', `${'1'.repeat(101)},0,1,1`])
      expect(staffListQuery.safeParse({ bbox }).success, bbox.slice(0, 20)).toBe(false);
  });
});
