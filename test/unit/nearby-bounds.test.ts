/**
 * #13 item 1: `GET /api/requests/nearby?lat=90&long=0&radius=10` never answered (the
 * grid loop divided by cos 90° ≈ 0 and ran one query per cell). The work per call
 * must be bounded by construction, whatever the caller sends. These count cells and
 * queries rather than run the old loop, which would exhaust memory.
 */
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  cellsAround,
  countCellsAround,
  maxNearbyCells,
  parseBoundary,
  TooManyCellsError,
  withinMargin,
} from '../../shared/geo/area.js';
import { AppError } from '../../shared/errors.js';
import { nearbyQuery } from '../../shared/service-requests/schemas.js';
import { findNearby, maxPinsPerCell } from '../../shared/service-requests/service-requests.js';
import type { RequestStore } from '../../shared/service-requests/store.js';

const bristol = parseBoundary('-2.72,51.40,-2.50,51.54');

/** A store that records the queries it is asked to run (pure logic: no Cosmos DB needed). */
function countingStore() {
  const calls: { cells: readonly string[]; perCell: number }[] = [];
  const store = {
    pins: (cells: readonly string[], _service: string | undefined, perCell: number) => {
      calls.push({ cells, perCell });
      return Promise.resolve([]);
    },
  } as unknown as RequestStore;
  return { store, calls };
}

describe('nearby: work per call bounded by construction', () => {
  it('when the point is at a pole, then the cell count is unbounded and cellsAround refuses before enumerating', () => {
    expect(countCellsAround([0, 90], 10)).toBe(Number.POSITIVE_INFINITY);
    expect(() => cellsAround([0, 90], 10)).toThrow(TooManyCellsError);
    // 89.9° with 2 km used to be ~4,000 queries.
    expect(countCellsAround([0, 89.9], 2000)).toBeGreaterThan(maxNearbyCells);
    expect(() => cellsAround([0, 89.9], 2000)).toThrow(TooManyCellsError);
  });

  it('when any accepted radius is searched anywhere in Great Britain (49.8°N to 61°N), then it touches at most the cap', () => {
    const radius = nearbyQuery.shape.radius.unwrap().maxValue ?? Number.POSITIVE_INFINITY;
    expect(radius).toBeLessThanOrEqual(1000);
    for (let lat = 49.8; lat <= 61; lat += 0.173)
      for (let lon = -8; lon <= 2; lon += 0.377) {
        const cells = cellsAround([lon, lat], radius);
        expect(cells.length).toBeLessThanOrEqual(maxNearbyCells);
      }
  });

  it('when the point is outside the council area plus the margin, then it is refused with 422 and no query runs', async () => {
    const { store, calls } = countingStore();
    for (const [lat, long] of [
      [90, 0],
      [-90, 0],
      [89.9, 0],
      [0, 180],
      [0, -180],
      [51.47, 0],
    ] as const) {
      const refused = await findNearby({ lat, long, radius: 10 }, { requests: store, boundary: bristol }).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).status).toBe(422);
    }
    expect(calls).toEqual([]);
  });

  it('when the point is in the area or just over its edge, then at most the cap of cells is queried, each with a row limit', async () => {
    const { store, calls } = countingStore();
    await findNearby({ lat: 51.46, long: -2.6, radius: 1000 }, { requests: store, boundary: bristol });
    // 1 km outside the eastern edge: a resident over the border may still look.
    await findNearby({ lat: 51.46, long: -2.486, radius: 250 }, { requests: store, boundary: bristol });
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.cells.length).toBeGreaterThan(0);
      expect(call.cells.length).toBeLessThanOrEqual(maxNearbyCells);
      expect(call.perCell).toBe(maxPinsPerCell);
    }
  });

  it('when the margin is measured, then 1 km outside a polygon edge is in and 3 km is out', () => {
    const polygon = parseBoundary(
      '{"type":"Polygon","coordinates":[[[-2.72,51.40],[-2.50,51.40],[-2.60,51.54],[-2.72,51.40]]]}',
    );
    expect(withinMargin(polygon, [-2.6, 51.42])).toBe(true);
    expect(withinMargin(polygon, [-2.6, 51.4 - 1000 / 111_320])).toBe(true);
    expect(withinMargin(polygon, [-2.6, 51.4 - 3000 / 111_320])).toBe(false);
    expect(withinMargin(polygon, [Number.NaN, 51.42])).toBe(false);
  });

  it('when the query carries numeric extremes, then the schema refuses them before any work', () => {
    for (const q of [
      { lat: 'NaN', long: '0' },
      { lat: '1e308', long: '0' },
      { lat: '51.4', long: '-Infinity' },
      { lat: '51.4', long: '-2.6', radius: '1e308' },
      { lat: '51.4', long: '-2.6', radius: '2000' },
    ]) {
      const result = nearbyQuery.safeParse(q);
      expect(result.success).toBe(false);
      expect(result.error).toBeInstanceOf(ZodError);
    }
  });
});
