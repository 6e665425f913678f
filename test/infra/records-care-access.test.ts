/**
 * The records system's and care partners' own access to Service Bus, under Pulumi mocks
 * (decisions 1100, 1102): each may read only its own subscription, and the records
 * system send only on its own inbound queue. Role ids in service-bus-access.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { receiver, sender, serviceBusAccess, type ServiceBusAccess } from './service-bus-access.js';

const records = '33333333-3333-4333-8333-333333333333';
const care = '44444444-4444-4444-8444-444444444444';

let assignmentsOf: ServiceBusAccess['assignmentsOf'];

beforeAll(async () => {
  ({ assignmentsOf } = await serviceBusAccess('records-care', {
    'records-system': records,
    'adult-social-care': care,
  }));
}, 240_000);

describe('the records system and care partners on Service Bus', () => {
  it('when the records system has a principal, then it may read only document events and send only on its own queue', () => {
    expect(assignmentsOf(records)).toEqual([
      { role: sender, target: 'partner-inbound-records-system' },
      { role: receiver, target: 'events/records-system' },
    ]);
  });

  it('when a care partner has a principal, then it may read only its own care-events subscription', () => {
    expect(assignmentsOf(care)).toEqual([{ role: receiver, target: 'care-events/adult-social-care' }]);
  });
});
