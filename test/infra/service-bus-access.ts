/**
 * Who may do what on Service Bus, under Pulumi mocks: the messaging module made for the
 * given partners' principals, and each principal's role assignments by role id and the
 * queue or topic/subscription they scope. Shared by the partners' and the records and
 * care partners' access tests. Role ids: Azure built-in roles "Azure Service Bus Data
 * Sender" and "Azure Service Bus Data Receiver", from Microsoft's built-in roles reference.
 */
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from '../../infra/config.js';
import { allRegistered, recordingMocks, stackConfig, type Recorded } from './synthesize.js';

export const sender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39';
export const receiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0';

export interface ServiceBusAccess {
  readonly resources: Recorded[];
  readonly assignmentsOf: (principalId: string) => { role: string | undefined; target: unknown }[];
}

/** Call in `beforeAll`: Pulumi's mocks are process-wide, one stack name a file. */
export async function serviceBusAccess(
  stackName: string,
  partnerPrincipals: InfraConfig['partnerPrincipals'],
): Promise<ServiceBusAccess> {
  const resources: Recorded[] = [];
  await pulumi.runtime.setMocks(
    recordingMocks(resources, {
      state: (_type, name, inputs) => ({ name: inputs.topicName ?? inputs.queueName ?? name }),
    }),
    'doorstep',
    stackName,
    false,
  );
  const { createMessaging } = await import('../../infra/messaging.js');
  const made = createMessaging({ ...stackConfig('dev'), partnerPrincipals }, 'rg', undefined, {
    principalId: 'app',
    subscriptionId: 'sub',
  });
  await new Promise<void>((resolve) => pulumi.all(made.queues.map((q) => q.id)).apply(() => resolve()));
  await allRegistered(resources);
  return {
    resources,
    assignmentsOf: (principalId) =>
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
        }),
  };
}
