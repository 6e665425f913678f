/**
 * #13 item 1 over HTTP: the calls that hung the host (lat=90) or ran thousands of
 * queries (lat=89.9, radius=2000) are refused at once with a clear 422, and the
 * host stays responsive.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../support/api.js';

describe('GET /api/requests/nearby bounds', () => {
  it('when the point is a pole or far outside the council area, then 422 names the field and health still answers', async () => {
    for (const query of [
      'lat=90&long=0&radius=10',
      'lat=-90&long=180&radius=10',
      'lat=89.9&long=0&radius=1000',
      'lat=0&long=0',
      'lat=55.95&long=-3.19',
    ]) {
      const response = await call('GET', `requests/nearby?${query}`);
      expect(response.status, query).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as { errors?: { pointer: string }[] };
      expect(body.errors?.map((e) => e.pointer)).toContain('/lat');
    }
    expect((await call('GET', 'health')).status).toBe(200);
  });

  it('when the radius is beyond 1 km, then 422; within the area it answers', async () => {
    expect((await call('GET', 'requests/nearby?lat=51.46&long=-2.6&radius=2000')).status).toBe(422);
    expect((await call('GET', 'requests/nearby?lat=51.46&long=-2.6&radius=1000')).status).toBe(200);
  });
});
