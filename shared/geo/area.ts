/**
 * Where the council is responsible: its boundary (a GeoJSON polygon, or a bounding
 * box), point-in-polygon, distances, and the grid cells the "nearby" index uses.
 */

export type Position = readonly [longitude: number, latitude: number];

/** Outer rings of the boundary's polygons (holes are not modelled). */
export interface Boundary {
  readonly rings: readonly (readonly Position[])[];
}

export function parseBoundary(value: string): Boundary {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    const geo = JSON.parse(trimmed) as { type?: string; coordinates?: unknown };
    if (geo.type === 'Polygon') return { rings: [(geo.coordinates as Position[][])[0] ?? []] };
    if (geo.type === 'MultiPolygon') return { rings: (geo.coordinates as Position[][][]).map((p) => p[0] ?? []) };
    throw new Error('COUNCIL_BOUNDARY must be a GeoJSON Polygon or MultiPolygon, or "minLon,minLat,maxLon,maxLat"');
  }
  const parts = trimmed.split(',').map(Number);
  const [minLon, minLat, maxLon, maxLat] = parts;
  if (
    parts.length !== 4 ||
    parts.some((n) => !Number.isFinite(n)) ||
    minLon === undefined ||
    minLat === undefined ||
    maxLon === undefined ||
    maxLat === undefined ||
    minLon >= maxLon ||
    minLat >= maxLat
  ) {
    throw new Error('COUNCIL_BOUNDARY must be a GeoJSON Polygon or MultiPolygon, or "minLon,minLat,maxLon,maxLat"');
  }
  return {
    rings: [
      [
        [minLon, minLat],
        [maxLon, minLat],
        [maxLon, maxLat],
        [minLon, maxLat],
        [minLon, minLat],
      ],
    ],
  };
}

/** Ray casting: is the point inside any ring? */
export function contains(boundary: Boundary, [lon, lat]: Position): boolean {
  return boundary.rings.some((ring) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as Position;
      const [xj, yj] = ring[j] as Position;
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  });
}

const earthRadiusM = 6_371_000;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres. */
export function distanceM([lon1, lat1]: Position, [lon2, lat2]: Position): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * earthRadiusM * Math.asin(Math.sqrt(a));
}

/**
 * A fixed grid of cells about 1.1 km tall (0.01° of latitude) and 0.01° of
 * longitude wide (≈ 0.7 km in England): the partitions of the nearby index.
 */
const cellDegrees = 0.01;
export const cellOf = ([lon, lat]: Position): string =>
  `cell:${Math.floor(lat / cellDegrees)}:${Math.floor(lon / cellDegrees)}`;

/**
 * The most cells (so queries) one nearby call may touch. A UK council at ≤ 1 km
 * needs at most 3 × 5 = 15 (at 61°N a cell is ~0.5 km wide); the cap makes the
 * work per call a constant whatever the caller sends, instead of a function of
 * latitude (at the pole `cos` is 0 and the old loop never ended).
 */
export const maxNearbyCells = 25;

/** A circle that would touch more than `maxNearbyCells` cells: the caller must narrow it. */
export class TooManyCellsError extends RangeError {
  constructor(readonly cells: number) {
    super(`A circle this size touches ${cells} grid cells here (at most ${maxNearbyCells}).`);
    this.name = 'TooManyCellsError';
  }
}

/** How many cells `cellsAround` would return, computed without enumerating them. */
export function countCellsAround([lon, lat]: Position, radiusM: number): number {
  const dLat = radiusM / 111_320;
  const cos = Math.cos(rad(lat));
  // Near a pole a circle spans every longitude: treat it as unbounded rather than dividing by ~0.
  if (!(cos > 1e-6) || !Number.isFinite(radiusM) || radiusM < 0) return Number.POSITIVE_INFINITY;
  const dLon = radiusM / (111_320 * cos);
  const rows = Math.floor((lat + dLat) / cellDegrees) - Math.floor((lat - dLat) / cellDegrees) + 1;
  const columns = Math.floor((lon + dLon) / cellDegrees) - Math.floor((lon - dLon) / cellDegrees) + 1;
  return rows * columns;
}

/**
 * Every cell a circle of `radiusM` around the point touches; at most
 * `maxNearbyCells`, counted before any is enumerated (TooManyCellsError beyond).
 */
export function cellsAround([lon, lat]: Position, radiusM: number): string[] {
  const count = countCellsAround([lon, lat], radiusM);
  if (!(count <= maxNearbyCells)) throw new TooManyCellsError(count);
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.cos(rad(lat)));
  const cells: string[] = [];
  for (let y = Math.floor((lat - dLat) / cellDegrees); y <= Math.floor((lat + dLat) / cellDegrees); y++) {
    for (let x = Math.floor((lon - dLon) / cellDegrees); x <= Math.floor((lon + dLon) / cellDegrees); x++)
      cells.push(`cell:${y}:${x}`);
  }
  return cells;
}

/** How far outside the boundary a "nearby" search may start (a resident just over the border). */
export const boundaryMarginM = 2_000;

/**
 * Is the point inside the boundary or within `marginM` of it? The bounding box
 * (grown by the margin) answers most calls; otherwise the distance to each edge,
 * on a local flat projection, which is accurate to metres at council scale.
 */
export function withinMargin(boundary: Boundary, point: Position, marginM = boundaryMarginM): boolean {
  const [lon, lat] = point;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return false;
  const mLat = 111_320;
  const mLon = 111_320 * Math.cos(rad(lat));
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const ring of boundary.rings)
    for (const [x, y] of ring) {
      minLon = Math.min(minLon, x);
      maxLon = Math.max(maxLon, x);
      minLat = Math.min(minLat, y);
      maxLat = Math.max(maxLat, y);
    }
  const dLat = marginM / mLat;
  const dLon = mLon > 1 ? marginM / mLon : 360;
  if (lon < minLon - dLon || lon > maxLon + dLon || lat < minLat - dLat || lat > maxLat + dLat) return false;
  if (contains(boundary, point)) return true;
  return boundary.rings.some((ring) => {
    for (let i = 1; i < ring.length; i++) {
      const [ax, ay] = ring[i - 1] as Position;
      const [bx, by] = ring[i] as Position;
      // Metres on a plane centred on the point.
      const [x1, y1, x2, y2] = [(ax - lon) * mLon, (ay - lat) * mLat, (bx - lon) * mLon, (by - lat) * mLat];
      const length2 = (x2 - x1) ** 2 + (y2 - y1) ** 2;
      const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, -(x1 * (x2 - x1) + y1 * (y2 - y1)) / length2));
      if (Math.hypot(x1 + t * (x2 - x1), y1 + t * (y2 - y1)) <= marginM) return true;
    }
    return false;
  });
}
