/**
 * The request changes the open data export takes (as the `requests` change feed delivers them), for
 * the compaction tests over the in-memory lake (unit) and over Azurite (integration) alike.
 */

/** A catalogue in which every service is public and expected in 28 days. */
export const publicCatalogue = { get: () => Promise.resolve({ public: true, expectedDays: 28 }) } as never;

/** A pothole request as it stood at `at`, with `status`. */
export const requestChange = (id: string, at: string, status = 'submitted') => ({
  id,
  type: 'request',
  serviceCode: 'pothole',
  serviceName: 'Pothole',
  serviceGroup: 'roads',
  status,
  location: { lat: 51.45, long: -2.59 },
  timeline: [{ at: '2026-11-02T09:00:00.000Z', status: 'submitted' }],
  createdAt: '2026-11-02T09:00:00.000Z',
  updatedAt: at,
});
