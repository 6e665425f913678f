/**
 * Least-privilege data-plane roles, in one place. Each assignment names its scope:
 * an entity, a container, a database, a vault — never a resource group or
 * subscription. The ids are checked against Microsoft's published definitions in
 * test/infra/azure-built-in-roles.json.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization/index.js';

/** Built-in Azure role definition ids. */
export const builtInRoles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
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
    /** People are granted through a group; everything else is a managed identity. */
    principalType?: 'ServicePrincipal' | 'Group';
  },
  opts?: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      principalType: args.principalType ?? 'ServicePrincipal',
      roleDefinitionId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles[args.role]}`,
      scope: args.scope,
    },
    opts,
  );
}
