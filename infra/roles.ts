/**
 * Least-privilege data-plane roles, in one place. Each assignment names its scope:
 * an entity, a container, a database, a vault — never a resource group or
 * subscription. The ids are checked against Microsoft's published definitions in
 * test/infra/azure-built-in-roles.json.
 */
import * as pulumi from '@pulumi/pulumi';
import { createHash } from 'node:crypto';
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
  iotHubRegistryContributor: '4ea46cd5-c1b2-4a8e-910b-273211f9ce47',
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

/**
 * Roles the project defines where no built-in role is narrow enough. A custom role's id and
 * name are unique across the tenant, so each stack derives its own (two stacks of one council
 * share a tenant); the id is stable across runs.
 */
export const customRoles = {
  /**
   * Set and clear a legal hold on a blob version (decision 1071). Microsoft documents the Set Blob
   * Legal Hold operation under two actions: `containers/write` (the REST reference's permission
   * table, which Storage Blob Data Contributor on the container grants) and this data action (the
   * "Write Blob legal hold and immutability policy" action of the Storage ABAC reference, in no
   * built-in role but Storage Blob Data Owner). Granting this one alone covers both readings
   * without Owner's tags, version deletion and ownership rights.
   */
  legalHoldWriter: {
    description: 'Set and clear legal holds on blob versions; nothing else.',
    dataActions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/immutableStorage/runAsSuperUser/action',
    ],
  },
} as const;

export type CustomRole = keyof typeof customRoles;

/** A stack's id for a custom role: a name-based UUID (RFC 9562 version 5 layout) of prefix, env and role. */
export function customRoleId(stack: { prefix: string; env: string }, role: CustomRole): string {
  const hash = createHash('sha1').update(`doorstep:${stack.prefix}:${stack.env}:${role}`).digest('hex');
  const variant = ((parseInt(hash.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${variant}${hash.slice(18, 20)}-${hash.slice(20, 32)}`;
}

/** Defines a custom role, assignable within the stack's resource group only. */
export function defineCustomRole(
  stack: { prefix: string; env: string },
  role: CustomRole,
  resourceGroupId: pulumi.Input<string>,
): authorization.RoleDefinition {
  return new authorization.RoleDefinition(`role-def-${role}`, {
    roleDefinitionId: customRoleId(stack, role),
    roleName: `Doorstep ${role} (${stack.prefix}-${stack.env})`,
    description: customRoles[role].description,
    scope: resourceGroupId,
    assignableScopes: [resourceGroupId],
    permissions: [{ actions: [], notActions: [], dataActions: [...customRoles[role].dataActions], notDataActions: [] }],
  });
}

/** Assigns a custom role defined by defineCustomRole, at one resource's scope. */
export function grantCustom(
  name: string,
  args: {
    definition: authorization.RoleDefinition;
    stack: { prefix: string; env: string };
    role: CustomRole;
    scope: pulumi.Input<string>;
    principalId: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
  },
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      principalType: 'ServicePrincipal',
      roleDefinitionId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${customRoleId(args.stack, args.role)}`,
      scope: args.scope,
    },
    { dependsOn: [args.definition] },
  );
}
