/**
 * The website reads the API's answers with schemas: they must accept every status
 * the API can answer (shared/service-requests/status.ts), or a report that moved on
 * breaks the resident's page.
 */
import { describe, expect, it } from 'vitest';
import { statuses } from '../../shared/service-requests/status.js';
import { myRequestsView, requestView, statusNames } from '../../web/api/views.js';

describe("the website's views of the API's answers", () => {
  it.each(statuses)('when a report is %s, then its page and My Account read it and name it', (status) => {
    const request = {
      id: 'r1',
      serviceCode: 'pothole',
      serviceName: 'Pothole',
      status,
      open: true,
      location: { lat: 51.45, long: -2.58 },
      timeline: [{ at: '2026-11-29T10:00:00Z', kind: 'status', status }],
      createdAt: '2026-11-29T10:00:00Z',
      updatedAt: '2026-11-29T10:00:00Z',
    };
    expect(requestView.parse(request).status).toBe(status);
    const mine = { id: 'r1', reportedAt: '', serviceCode: 'pothole', serviceName: 'Pothole', status, updatedAt: '' };
    expect(myRequestsView.parse({ items: [mine] }).items[0]?.status).toBe(status);
    expect((statusNames as Record<string, string | undefined>)[status]).toBeTruthy();
  });
});
