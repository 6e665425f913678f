/**
 * The resident website (web/): its own Flex Consumption function app with its own
 * user-assigned identity, which holds no role on any service with residents' data
 * (Cosmos DB, the documents account, Service Bus, the API's vault). The only rights
 * it has are what the Functions platform itself needs: the host's two containers in
 * the site's own host account, and reading its own two secrets (the sign-in client
 * secret and the session-sealing key) in the site's own vault, for Key Vault
 * references. Decision 0840 says why a client secret and not a federated credential.
 */
import * as pulumi from '@pulumi/pulumi';
import * as keyvault from '@pulumi/azure-native/keyvault/index.js';
import * as managedidentity from '@pulumi/azure-native/managedidentity/index.js';
import * as storage from '@pulumi/azure-native/storage/index.js';
import * as web from '@pulumi/azure-native/web/index.js';
import type { InfraConfig } from './config.js';
import { hostContainers, secureAccount } from './data.js';
import { withoutNetFrameworkDefault } from './function-app.js';
import { grant } from './roles.js';

/** The site's app setting name → its Key Vault secret name (in the site's own vault). */
export const webSecretSettings = {
  WEB_OIDC_CLIENT_SECRET: 'web-oidc-client-secret',
  WEB_SESSION_KEY: 'web-session-key',
} as const;

/** The staff pages' client secret (workforce directory), when the stack configures them (decision 1073). */
export const webStaffSecretSettings = {
  WEB_STAFF_OIDC_CLIENT_SECRET: 'web-staff-oidc-client-secret',
} as const;

/**
 * The staff pages' sign-in (web/config.ts `WEB_STAFF_OIDC_*`): the workforce issuer, the staff
 * app registration and the API's workforce audience. All or nothing: with any of them missing
 * the site leaves /staff off rather than start half-configured.
 */
export function staffSignIn(cfg: InfraConfig): { issuer: string; clientId: string; audience: string } | undefined {
  const { workforceOidcIssuer: issuer, workforceOidcAudience: audience, staffWebClientId: clientId } = cfg;
  return issuer && audience && cfg.workforceTenantId && clientId ? { issuer, clientId, audience } : undefined;
}

/** The most the Functions host lets through to the site: the host's default, 100 MB. */
export const webRequestBodyLimitBytes = 100 * 1024 * 1024;

/** GOV.UK Pay's hosted card pages: the payment forms post there (CSP form-action). */
export const govukPayCardOrigin = 'https://card.payments.service.gov.uk';

/** The site's origin: the council's custom domain when configured, else the app's own host name. */
export const webSiteOrigin = (cfg: InfraConfig) =>
  cfg.webOrigin ?? `https://func-${cfg.prefix}-web-${cfg.env}.azurewebsites.net`;

export interface WebAppInputs {
  readonly subscriptionId: pulumi.Input<string>;
  readonly tenantId: pulumi.Input<string>;
  /** Uploads the package to the site's deployment container, as for the API. */
  readonly deploymentIdentity: { id: pulumi.Input<string>; principalId: pulumi.Input<string> };
  /** The API as the site calls it: through the gateway, so residents' limits apply. */
  readonly apiBaseUrl: pulumi.Input<string>;
  /** The documents account's blob endpoint: browsers PUT photos straight there. */
  readonly documentsBlobEndpoint: pulumi.Input<string>;
}

export function createWebApp(cfg: InfraConfig, resourceGroupName: pulumi.Input<string>, i: WebAppInputs) {
  const identity = new managedidentity.UserAssignedIdentity('id-web', {
    resourceGroupName,
    resourceName: `id-${cfg.prefix}-web-${cfg.env}`,
  });
  const site = { principalId: identity.principalId, subscriptionId: i.subscriptionId };

  // Its own host account: the host's keys and leases never sit beside the API's.
  const hostAccount = new storage.StorageAccount('st-web', {
    resourceGroupName,
    accountName: `st${cfg.prefix}web${cfg.env}`,
    ...secureAccount(cfg),
    publicNetworkAccess: 'Enabled',
    networkRuleSet: { defaultAction: 'Allow', bypass: 'AzureServices' },
  });
  const container = (name: string) =>
    new storage.BlobContainer(`st-web-${name}`, {
      resourceGroupName,
      accountName: hostAccount.name,
      containerName: name,
      publicAccess: 'None',
    });
  const deploymentContainer = container('deployment');
  hostContainers.forEach((name, n) =>
    grant(`role-web-host-runtime-${n}`, { ...site, role: 'storageBlobDataContributor', scope: container(name).id }),
  );
  grant('role-web-deploy-package', {
    principalId: i.deploymentIdentity.principalId,
    subscriptionId: i.subscriptionId,
    role: 'storageBlobDataContributor',
    scope: deploymentContainer.id,
  });

  // Its own vault, holding only its two secrets, so that reading them reads nothing else.
  const vault = new keyvault.Vault('kv-web', {
    resourceGroupName,
    vaultName: `kv-${cfg.prefix}-web-${cfg.env}`,
    properties: {
      tenantId: i.tenantId,
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      publicNetworkAccess: 'Enabled',
      networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' },
    },
  });
  grant('role-web-kv-secrets-user', { ...site, role: 'keyVaultSecretsUser', scope: vault.id });
  const staff = staffSignIn(cfg);
  const references = Object.fromEntries(
    Object.entries({ ...webSecretSettings, ...(staff ? webStaffSecretSettings : {}) }).map(([setting, secret]) => [
      setting,
      pulumi.interpolate`@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secret})`,
    ]),
  );

  const origin = webSiteOrigin(cfg);
  const settings: Record<string, pulumi.Input<string>> = {
    AzureWebJobsStorage__accountName: hostAccount.name,
    AzureWebJobsStorage__credential: 'managedidentity',
    AzureWebJobsStorage__clientId: identity.clientId,
    AZURE_CLIENT_ID: identity.clientId,
    WEB_API_BASE_URL: i.apiBaseUrl,
    WEB_ORIGIN: origin,
    OIDC_ISSUER: cfg.oidcIssuer,
    OIDC_AUDIENCE: cfg.oidcAudience,
    WEB_OIDC_CLIENT_ID: cfg.webClientId,
    // Entra names the API in a scope; the RFC 8707 `resource` parameter it refuses (AADSTS901002)
    // stays off (WEB_OIDC_RESOURCE_INDICATOR unset).
    WEB_OIDC_SCOPES: `openid profile email ${cfg.webApiScope}`,
    ...(staff
      ? {
          WEB_STAFF_OIDC_ISSUER: staff.issuer,
          WEB_STAFF_OIDC_CLIENT_ID: staff.clientId,
          WEB_STAFF_OIDC_AUDIENCE: staff.audience,
          // The workforce API registration's Application ID URI is `api://<its client id>` (deploy.md 12).
          WEB_STAFF_OIDC_SCOPES: `openid profile api://${staff.audience}/access_as_user`,
        }
      : {}),
    COUNCIL_NAME: cfg.councilName,
    WEB_CONTACT_EMAIL: cfg.webContactEmail,
    WEB_UPLOAD_ORIGINS: pulumi.output(i.documentsBlobEndpoint).apply((u) => new URL(u).origin),
    WEB_FORM_ACTION_ORIGINS: govukPayCardOrigin,
    // Requests reach the site as streams (app.setup in web/index.ts): files are not held whole (decision 0851).
    WEB_HTTP_STREAM: 'true',
    // The host's own limit (its default, said out loud): a body over it is refused by the host, bare, before
    // the site can say why; up to it, the site refuses an over-size file unread, with a message (20 MB at most).
    FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(webRequestBodyLimitBytes),
    ...references,
  };

  const plan = new web.AppServicePlan('plan-web', {
    resourceGroupName,
    name: `plan-${cfg.prefix}-web-${cfg.env}`,
    kind: 'functionapp',
    sku: { name: 'FC1', tier: 'FlexConsumption' },
    reserved: true,
  });
  const app = new web.WebApp(
    'func-web',
    {
      resourceGroupName,
      name: `func-${cfg.prefix}-web-${cfg.env}`,
      kind: 'functionapp,linux',
      serverFarmId: plan.id,
      httpsOnly: true,
      clientCertEnabled: false,
      identity: { type: 'UserAssigned', userAssignedIdentities: [identity.id, i.deploymentIdentity.id] },
      keyVaultReferenceIdentity: identity.id,
      functionAppConfig: {
        runtime: { name: 'node', version: '22' },
        deployment: {
          storage: {
            type: 'blobContainer',
            value: pulumi.interpolate`${hostAccount.primaryEndpoints.blob}deployment`,
            authentication: {
              type: 'UserAssignedIdentity',
              userAssignedIdentityResourceId: i.deploymentIdentity.id,
            },
          },
        },
        scaleAndConcurrency: {
          maximumInstanceCount: cfg.maximumInstanceCount,
          instanceMemoryMB: 512,
          alwaysReady: cfg.alwaysReadyHttp > 0 ? [{ name: 'http', instanceCount: 1 }] : [],
        },
      },
      siteConfig: {
        minTlsVersion: '1.2',
        http20Enabled: true,
        appSettings: Object.entries(settings).map(([name, value]) => ({ name, value })),
      },
    },
    { transformations: [withoutNetFrameworkDefault] },
  );
  new web.WebAppFtpAllowed('func-web-ftp-off', { resourceGroupName, name: app.name, allow: false });
  new web.WebAppScmAllowed('func-web-scm-basic-off', { resourceGroupName, name: app.name, allow: false });
  return { identity, app, plan, vault, hostAccount, deploymentContainer, settings, origin };
}
