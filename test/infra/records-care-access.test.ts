/**
 * The records system's and care partners' own access to Service Bus, under Pulumi mocks
 * (decisions 1100, 1102): each may read only its own subscription, and the records
 * system send only on its own inbound queue. Role ids as in partner-access.test.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRegistered, recordingMocks, stackConfig, type Recorded } from './synthesize.js';

const records = '33333333-3333-4333-8333-333333333333';
const care = '44444444-4444-4444-8444-444444444444';
const sender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39';
const receiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';

let resources: Recorded[];

beforeAll(async () => {
  resources = [];
  await pulumi.runtime.setMocks(
    recordingMocks(resources, {
      state: (_type, name, inputs) => ({ name: inputs.topicName ?? inputs.queueName ?? name }),
    }),
    'doorstep',
    'records-care',
    false,
  );
  const { createMessaging } = await import('../../infra/messaging.js');
  const cfg = {
    ...stackConfig('dev'),
    partnerPrincipals: { 'records-system': records, 'adult-social-care': care },
  };
  const made = createMessaging(cfg, 'rg', undefined, { principalId: 'app', subscriptionId: 'sub' });
  await new Promise<void>((resolve) => pulumi.all(made.queues.map((q) => q.id)).apply(() => resolve()));
  await allRegistered(resources);
}, 240_000);

const assignmentsOf = (principalId: string) =>
  resources
    .filter((r) => r.type === 'azure-native:authorization:RoleAssignment' && r.inputs.principalId === principalId)
    .map((a) => {
      const target = resources.find((r) => r.id === a.inputs.scope);
      return {
        role: String(a.inputs.roleDefinitionId).split('/').pop(),
        target:
          target?.type === 'azure-native:servicebus:Queue'
            ? target.inputs.queueName
            : `${String(target?.inputs.topicName)}/${String(target?.inputs.subscriptionName)}`,
      };
    });

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
