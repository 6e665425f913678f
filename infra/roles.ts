/**
 * Least-privilege data-plane roles for the app's managed identity, in one place.
 * Each assignment names its scope: an entity, a container, a database — never a
 * resource group or subscription.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization/index.js';

/** Built-in Azure role definition ids. */
export const builtInRoles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2552ae39',
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

export type BuiltInRole = keyof typeof builtInRoles;

export function grant(
  name: string,
  args: {
    role: BuiltInRole;
    scope: pulumi.Input<string>;
    principalId: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
  },
  opts?: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      principalType: 'ServicePrincipal',
      roleDefinitionId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles[args.role]}`,
      scope: args.scope,
    },
    opts,
  );
}
