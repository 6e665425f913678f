/**
 * The platform team's rights, granted to its Entra group (`doorstep:operatorsGroupObjectId`)
 * and nothing wider than the job needs: set and rotate the GOV.UK keys, upload a package
 * when the platform cannot, and inspect and replay dead letters (`npm run dlq`) on exactly the entities that have them. Partners'
 * rights are per entity, in messaging.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config.js';
import { grantDeadLetterWork } from './messaging.js';
import { grant } from './roles.js';

export function grantOperators(
  cfg: InfraConfig,
  subscriptionId: pulumi.Input<string>,
  scopes: {
    vaultId: pulumi.Input<string>;
    deploymentContainerId: pulumi.Input<string>;
    /** Absent for the website, which has no Service Bus. */
    messaging?: Parameters<typeof grantDeadLetterWork>[0];
    /** Names the website's grants apart from the API's. */
    name?: string;
  },
): void {
  const group = cfg.operatorsGroupObjectId;
  if (!group) return;
  const who = { principalId: group, principalType: 'Group' as const, subscriptionId };
  const suffix = scopes.name ? `-${scopes.name}` : '';
  grant(`role-ops-kv-secrets${suffix}`, { ...who, role: 'keyVaultSecretsOfficer', scope: scopes.vaultId });
  grant(`role-ops-deployment${suffix}`, {
    ...who,
    role: 'storageBlobDataContributor',
    scope: scopes.deploymentContainerId,
  });
  if (!scopes.messaging) return;
  // `npm run dlq` from an operator's terminal: per entity, as for the app (decision 1070), never
  // namespace-wide, which would also let the group send to `events` and `work-orders` as Doorstep.
  grantDeadLetterWork(scopes.messaging, { name: 'ops', ...who });
}
