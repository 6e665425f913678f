import { describe, expect, it } from 'vitest';
import { contains, parseBoundary } from '../../shared/geo/area.js';
import { localCouncilBoundary } from '../../local/stack.js';
import { call } from '../support/api.js';

interface Found {
  items: { uprn: string; address: string; postcode: string; lat: number; long: number }[];
}

describe('address lookup', () => {
  it('when a resident searches by postcode, however spaced, then the addresses there come back with UPRN and a position inside the council area', async () => {
    const response = await call('GET', '/addresses?q=db1%201ab');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    const { items } = (await response.json()) as Found;
    expect(items.length).toBe(10);
    expect(items[0]).toMatchObject({ address: '11 Mill Lane, Doorstep', postcode: 'DB1 1AB', uprn: '100000000011' });
    const boundary = parseBoundary(localCouncilBoundary);
    for (const a of items) expect(contains(boundary, [a.long, a.lat])).toBe(true);
  });

  it('when a resident searches by street, then at most 50 addresses come back', async () => {
    const { items } = (await (await call('GET', '/addresses?q=station')).json()) as Found;
    expect(items.length).toBe(40);
    expect(items.every((a) => a.address.includes('Station Road'))).toBe(true);
    const { items: all } = (await (await call('GET', '/addresses?q=Doorstep')).json()) as Found;
    expect(all.length).toBe(50);
  });

  it('when the query is missing or too short, then 422 problem+json names it', async () => {
    const response = await call('GET', '/addresses?q=a');
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await call('GET', '/addresses')).status).toBe(422);
  });
});
