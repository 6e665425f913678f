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

/** Every cell a circle of `radiusM` around the point touches. */
export function cellsAround([lon, lat]: Position, radiusM: number): string[] {
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.cos(rad(lat)));
  const cells: string[] = [];
  for (let y = Math.floor((lat - dLat) / cellDegrees); y <= Math.floor((lat + dLat) / cellDegrees); y++) {
    for (let x = Math.floor((lon - dLon) / cellDegrees); x <= Math.floor((lon + dLon) / cellDegrees); x++)
      cells.push(`cell:${y}:${x}`);
  }
  return cells;
}
