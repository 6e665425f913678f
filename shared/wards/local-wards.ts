/**
 * Made-up wards for the local stack: six rectangles tiling the local council boundary
 * (`localCouncilBoundary`, -2.72,51.40 to -2.50,51.54). The codes are in an ONS range no
 * real ward uses (E059…), so they can never be mistaken for a council's data.
 */
const columns = [-2.72, -2.645, -2.575, -2.5] as const;
const rows = [51.4, 51.47, 51.54] as const;
const names = [
  ['Abbey', 'Brookside', 'Castle'],
  ['Dene', 'Elmhurst', 'Fordham'],
] as const;

const box = (west: number, south: number, east: number, north: number) => [
  [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ],
];

export const localWards = {
  type: 'FeatureCollection',
  features: rows.slice(0, -1).flatMap((south, r) =>
    columns.slice(0, -1).map((west, c) => ({
      type: 'Feature',
      properties: { WD24CD: `E0590000${r * 3 + c + 1}`, WD24NM: names[r]?.[c] ?? 'Ward' },
      geometry: { type: 'Polygon', coordinates: box(west, south, columns[c + 1] ?? west, rows[r + 1] ?? south) },
    })),
  ),
};
