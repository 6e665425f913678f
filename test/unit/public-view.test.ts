/**
 * Whether a report may be shown to the public when its service is no longer in the
 * catalogue. GeoReport v2 has no private requests: whatever `GET requests` returns is
 * published (open311/open311.github.io GeoReport_v2/index.md). FixMyStreet, importing
 * a council's requests, keeps a report private only when the request says
 * `non_public` or its category is a known non-public contact; an unknown service
 * code becomes category "Other" and is public unless `non_public` is set
 * (mysociety/fixmystreet perllib/Open311/GetServiceRequests.pm @0cf8c039,
 * `$non_public = $request->{non_public} ? 1 : 0; $non_public ||= $contacts[0] ? ... : 0`).
 * So a server that cannot tell whether a service was public must say it was not.
 */
import { describe, expect, it } from 'vitest';
import type { StoredService } from '../../shared/catalogue/catalogue.js';
import { listRequests, toOpen311Request, type Open311Deps } from '../../shared/open311/open311.js';
import { isPublicService } from '../../shared/open311/public-view.js';
import type { ServiceRequestDoc } from '../../shared/service-requests/model.js';

const id = '0b7c1a52-8f3e-4d55-9a0e-3c2b1d4e5f60';
/** A missed bin reported at a home, whose service has since been taken out of the catalogue. */
const atAHome = {
  id,
  pk: id,
  type: 'request',
  serviceCode: 'garden-waste-missed',
  serviceName: 'Garden waste collection missed',
  serviceGroup: 'waste',
  status: 'submitted',
  description: 'Missed again at number 12',
  attributes: {},
  location: { lat: 51.454512, long: -2.587923, uprn: '100012345678', address: '12 Acacia Avenue' },
  photos: [],
  residentId: 'open311:client-1',
  source: 'open311',
  timeline: [{ id: 'u0', at: '2026-11-02T09:00:00.000Z', kind: 'submitted', status: 'submitted', by: 'resident' }],
  createdAt: '2026-11-02T09:00:00.000Z',
  updatedAt: '2026-11-02T09:00:00.000Z',
} as unknown as ServiceRequestDoc;

const deps = {
  catalogue: { list: () => Promise.resolve([{ code: 'pothole', public: true }] as StoredService[]) },
  requests: { get: (wanted: string) => Promise.resolve(wanted === id ? atAHome : undefined) },
  dispatches: { get: () => Promise.resolve(undefined) },
  now: () => new Date('2026-11-23T12:00:00.000Z'),
} as unknown as Open311Deps;

describe('a service no longer in the catalogue is not public (Open311 semantics)', () => {
  it('when the service is unknown, then it is not public; a stored service is public unless it says public: false', () => {
    expect(isPublicService(undefined)).toBe(false);
    expect(isPublicService({ public: true })).toBe(true);
    expect(isPublicService({ public: false })).toBe(false);
  });

  it('when its own client reads a request of an unknown service, then non_public is true, so FixMyStreet imports it as private', () => {
    const view = toOpen311Request(atAHome, 'https://api.example.gov.uk/api', 'own', undefined);
    expect(view.non_public).toBe(true);
  });

  it('when the public asks for a request of an unknown service by id, then it is not returned', async () => {
    const found = await listRequests(
      new URLSearchParams({ service_request_id: id }),
      { kind: 'public' },
      Date.now() + 5_000,
      deps,
    );
    expect(found).toEqual([]);
  });
});
