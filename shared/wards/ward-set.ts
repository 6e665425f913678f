/**
 * A set of wards read from GeoJSON (the shape ONS publishes ward boundaries in), and
 * which of them holds a point. Pure: `wards.ts` holds the council's configured set.
 */
import { z } from 'zod';
import { contains, type Boundary, type Position } from '../geo/area.js';

export interface Ward {
  /** The ONS ward code (E05…, W05…), or the council's own code. */
  readonly code: string;
  readonly name: string;
  readonly boundary: Boundary;
}

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const ring = z.array(position).min(4);
const geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
]);
const feature = z.object({
  type: z.literal('Feature'),
  // `code`/`name`, or ONS's `WD24CD`/`WD24NM` (the year changes with each release).
  properties: z.record(z.string(), z.unknown()),
  geometry,
});
const featureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(feature).min(1).max(500),
});

const codeOf = (props: Record<string, unknown>, suffix: 'CD' | 'NM', plain: 'code' | 'name'): string | undefined => {
  const value = props[plain] ?? Object.entries(props).find(([k]) => new RegExp(`^WD\\d{2}${suffix}$`).test(k))?.[1];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/** Parses a ward set; throws naming the first problem (config reports it at start-up). */
export function parseWards(value: string): readonly Ward[] {
  const parsed = featureCollection.safeParse(JSON.parse(value));
  if (!parsed.success)
    throw new Error('must be a GeoJSON FeatureCollection of Polygon/MultiPolygon wards in WGS84 longitude/latitude');
  const wards = parsed.data.features.map((f, i): Ward => {
    const code = codeOf(f.properties, 'CD', 'code');
    const name = codeOf(f.properties, 'NM', 'name');
    if (!code || !/^[A-Za-z0-9-]{1,20}$/.test(code) || !name)
      throw new Error(`feature ${i} needs a code (letters, digits, hyphens) and a name (code/name or WDyyCD/WDyyNM)`);
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    return {
      code,
      name,
      // Outer rings only, as the council boundary: holes in ward boundaries are rare enough to ignore.
      boundary: { rings: polygons.map((p) => (p[0] ?? []).map(([lon, lat]) => [lon, lat] as Position)) },
    };
  });
  const codes = new Set(wards.map((w) => w.code));
  if (codes.size !== wards.length) throw new Error('ward codes must be unique');
  return Object.freeze(wards);
}

/** The ward a point is in; the first one listed where boundaries overlap by a rounding error. */
export const wardIn = (set: readonly Ward[], point: { lat: number; long: number }): Ward | undefined =>
  set.find((w) => contains(w.boundary, [point.long, point.lat]));

/** A ward as the public API shows it: GeoJSON, as it came. */
export const toWardView = (w: Ward) => ({
  code: w.code,
  name: w.name,
  boundary: { type: 'MultiPolygon' as const, coordinates: w.boundary.rings.map((r) => [r]) },
});
