import { describe, expect, it } from 'vitest';
import { anonymisePayment, anonymiseRequest, belongsTo } from '../../shared/privacy/erasure.js';
import type { PaymentDoc } from '../../shared/payments/model.js';
import type { ServiceRequestDoc } from '../../shared/service-requests/model.js';

const at = '2026-11-29T12:00:00.000Z';
const request: ServiceRequestDoc = {
  id: 'r1',
  pk: 'r1',
  type: 'request',
  serviceCode: 'pothole',
  serviceName: 'Pothole',
  serviceGroup: 'roads',
  status: 'investigating',
  description: 'Outside number 14, I am Ezra',
  attributes: { size: 'medium', depth: 12, notes: 'Ring Ezra on 07700900123' },
  location: { lat: 51.45451234, long: -2.58791234, uprn: '100010101011', address: '14 Acacia Avenue' },
  photos: ['d1'],
  residentId: 'ezra',
  source: 'api',
  reporter: { name: 'Ezra', email: 'ezra@example.com', client: 'fms' },
  mediaUrls: ['https://fms.example/p.jpg'],
  moderation: { description: { text: 'Outside number 14' }, photos: 'shown' },
  timeline: [
    { at, kind: 'submitted', status: 'submitted', by: 'resident' },
    { at, kind: 'update', text: 'It is getting worse, Ezra', by: 'resident' },
    { at, kind: 'status', status: 'investigating', text: 'We will look next week', by: 'council' },
  ],
  internalNotes: [{ at, by: 'sam', text: 'Ezra phoned' }],
  createdAt: at,
  updatedAt: at,
};

describe('anonymising a request on erasure', () => {
  it('when the reporter is erased, then the request keeps the problem and loses the person', () => {
    const out = anonymiseRequest(request, { residentId: 'ezra' }, at);
    const text = JSON.stringify(out);
    for (const gone of ['Ezra', 'ezra', '07700900123', '14 Acacia', '100010101011', 'fms.example', 'd1'])
      expect(text).not.toContain(gone);
    expect(out).toMatchObject({
      residentId: 'erased',
      serviceCode: 'pothole',
      status: 'investigating',
      attributes: { size: 'medium', depth: 12 },
      location: { lat: 51.455, long: -2.588 },
      photos: [],
    });
    expect(out.timeline[2]?.text).toBe('We will look next week');
  });

  it('when an Open311 client reported it, then the request stays the client’s and only the reporter goes', () => {
    const viaClient = { ...request, residentId: 'open311:fms' };
    expect(belongsTo(viaClient, { residentId: 'ezra', email: 'EZRA@example.com' }, false)).toBe(false);
    expect(belongsTo(viaClient, { residentId: 'ezra', email: 'EZRA@example.com' }, true)).toBe(true);
    const out = anonymiseRequest(viaClient, { residentId: 'ezra' }, at);
    expect(out.residentId).toBe('open311:fms');
    expect(out.reporter).toBeUndefined();
  });

  it('when a payment is erased, then it stays a financial record without its payer', () => {
    const payment = {
      id: 'p1',
      ownerId: 'ezra',
      amount: 5000,
      refunds: [{ id: 'f1', amount: 100, by: 'fin' }],
      audit: [
        { at, by: 'ezra', action: 'created' },
        { at, by: 'fin', action: 'refund' },
      ],
    } as unknown as PaymentDoc;
    const out = anonymisePayment(payment, 'ezra');
    expect(JSON.stringify(out)).not.toContain('ezra');
    expect(out).toMatchObject({ ownerId: 'erased', amount: 5000, audit: [{ by: 'erased' }, { by: 'fin' }] });
  });
});
