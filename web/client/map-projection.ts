/**
 * The tile-less maps' one projection (decision 0831): metres east and north of a
 * centre, on a square SVG of `size` units whose inscribed circle is `radius` metres.
 * Equirectangular is exact enough over a few hundred metres.
 */
export const size = 320;
const metresPerDegree = 111_320;

export interface Projection {
  /** SVG units per metre. */
  readonly scale: number;
  readonly x: (long: number) => number;
  readonly y: (lat: number) => number;
  /** The position at an SVG point. */
  readonly at: (x: number, y: number) => { lat: number; long: number };
  /** The position `east` and `north` metres from a position. */
  readonly offset: (from: { lat: number; long: number }, east: number, north: number) => { lat: number; long: number };
  /** Metres east and north of `from` to `to`. */
  readonly metres: (from: { lat: number; long: number }, to: { lat: number; long: number }) => [number, number];
}

export function projection(lat: number, long: number, radius: number): Projection {
  const scale = (size / 2 - 20) / radius;
  const perDegreeLong = metresPerDegree * Math.cos((lat * Math.PI) / 180);
  return {
    scale,
    x: (l) => size / 2 + (l - long) * perDegreeLong * scale,
    y: (l) => size / 2 - (l - lat) * metresPerDegree * scale,
    at: (x, y) => ({
      lat: lat + (size / 2 - y) / scale / metresPerDegree,
      long: long + (x - size / 2) / scale / perDegreeLong,
    }),
    offset: (from, east, north) => ({
      lat: from.lat + north / metresPerDegree,
      long: from.long + east / perDegreeLong,
    }),
    metres: (from, to) => [(to.long - from.long) * perDegreeLong, (to.lat - from.lat) * metresPerDegree],
  };
}
