/**
 * Key Vault (RBAC mode, purge protection) for the GOV.UK Pay and Notify keys. The
 * platform team sets the values out of band (`az keyvault secret set`); the app
 * reads them through Key Vault references, so no secret is ever in app settings,
 * Pulumi config or state.
 */
import * as pulumi from '@pulumi/pulumi';
import * as keyvault from '@pulumi/azure-native/keyvault/index.js';
import type { InfraConfig } from './config.js';
import type { Networking } from './networking.js';
import { grant } from './roles.js';

/** App setting name → Key Vault secret name. */
export const secretSettings = {
  GOVUK_PAY_API_KEY: 'govuk-pay-api-key',
  GOVUK_PAY_WEBHOOK_SIGNING_SECRET: 'govuk-pay-webhook-signing-secret',
  GOVUK_NOTIFY_API_KEY: 'govuk-notify-api-key',
} as const;

/** Secrets the API reads only when a feature is configured: setting → secret name. */
export const optionalSecretSettings = {
  /** With `doorstep:addressLookup` os-places (ADDRESS_LOOKUP=os-places). */
  OS_PLACES_API_KEY: 'os-places-api-key',
} as const;

export function createKeyVault(
  cfg: InfraConfig,
  resourceGroupName: pulumi.Input<string>,
  tenantId: pulumi.Input<string>,
  net: Networking | undefined,
  app: { principalId: pulumi.Input<string>; subscriptionId: pulumi.Input<string> },
) {
  const vault = new keyvault.Vault('kv', {
    resourceGroupName,
    vaultName: `kv-${cfg.prefix}-${cfg.env}`,
    properties: {
      tenantId,
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      // In prod the app reaches the vault through its private endpoint; operators set secrets
      // from the allow-listed ranges only (docs/deploy.md), and nobody else gets through.
      publicNetworkAccess: net && cfg.operatorIps.length === 0 ? 'Disabled' : 'Enabled',
      networkAcls: {
        defaultAction: net ? 'Deny' : 'Allow',
        bypass: 'AzureServices',
        ipRules: net ? cfg.operatorIps.map((value) => ({ value })) : [],
      },
    },
  });
  grant('role-kv-secrets-user', { ...app, role: 'keyVaultSecretsUser', scope: vault.id });
  net?.privateEndpoint('kv', vault.id, 'vault');
  const wanted = {
    ...secretSettings,
    ...(cfg.addressLookup === 'os-places' ? { OS_PLACES_API_KEY: optionalSecretSettings.OS_PLACES_API_KEY } : {}),
  };
  const references = Object.fromEntries(
    Object.entries(wanted).map(([setting, secret]) => [
      setting,
      pulumi.interpolate`@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secret})`,
    ]),
  ) as Record<string, pulumi.Output<string>>;
  return { vault, references };
}
