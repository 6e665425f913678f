/**
 * The function app: Flex Consumption, Node 22, deployed from the package that
 * `npm run build` produces, every connection identity-based (no connection
 * strings), secrets as Key Vault references, basic publishing credentials off.
 */
import * as pulumi from '@pulumi/pulumi';
import * as web from '@pulumi/azure-native/web/index.js';
import { recordsSystemId } from '../shared/catalogue/partners.js';
import type { InfraConfig } from './config.js';
import type { Networking } from './networking.js';
import { packagedWardFile } from './wards.js';

export interface AppInputs {
  readonly identity: { id: pulumi.Input<string>; clientId: pulumi.Input<string> };
  /** Reads and writes the deployment package; the app's own identity has no right on it. */
  readonly deploymentIdentityId: pulumi.Input<string>;
  readonly hostAccountName: pulumi.Input<string>;
  readonly hostBlobEndpoint: pulumi.Input<string>;
  readonly cosmosEndpoint: pulumi.Input<string>;
  readonly cosmosDatabase: string;
  readonly serviceBusNamespace: pulumi.Input<string>;
  readonly documentsBlobEndpoint: pulumi.Input<string>;
  readonly appInsightsConnectionString: pulumi.Input<string>;
  readonly secretReferences: Readonly<Record<string, pulumi.Input<string>>>;
  /** The open data lake's blob endpoint (infra/open-data-sensors.ts). */
  readonly openDataLakeUrl?: pulumi.Input<string>;
}

/** The app settings, by name: what `shared/config.ts` and the host read. */
export function appSettings(cfg: InfraConfig, i: AppInputs): Record<string, pulumi.Input<string>> {
  const viaIdentity = (name: string) => ({
    [`${name}__credential`]: 'managedidentity',
    [`${name}__clientId`]: i.identity.clientId,
  });
  return {
    AzureWebJobsStorage__accountName: i.hostAccountName,
    ...viaIdentity('AzureWebJobsStorage'),
    CosmosDb__accountEndpoint: i.cosmosEndpoint,
    ...viaIdentity('CosmosDb'),
    COSMOS_DATABASE: i.cosmosDatabase,
    ServiceBus__fullyQualifiedNamespace: pulumi.interpolate`${i.serviceBusNamespace}.servicebus.windows.net`,
    ...viaIdentity('ServiceBus'),
    Storage__blobServiceUri: i.documentsBlobEndpoint,
    ...viaIdentity('Storage'),
    AZURE_CLIENT_ID: i.identity.clientId,
    APPLICATIONINSIGHTS_CONNECTION_STRING: i.appInsightsConnectionString,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: pulumi.interpolate`ClientId=${i.identity.clientId};Authorization=AAD`,
    UPLOAD_SCANNER: 'defender',
    ...(i.openDataLakeUrl ? { OPEN_DATA_LAKE_URL: i.openDataLakeUrl } : {}),
    GOVUK_PAY_BASE_URL: cfg.govukPayBaseUrl,
    PAYMENT_RETURN_URL: cfg.paymentReturnUrl,
    MY_ACCOUNT_URL: cfg.myAccountUrl,
    GOVUK_NOTIFY_TEMPLATES: cfg.notifyTemplates,
    OIDC_ISSUER: cfg.oidcIssuer,
    OIDC_AUDIENCE: cfg.oidcAudience,
    ...(cfg.workforceOidcIssuer && cfg.workforceOidcAudience && cfg.workforceTenantId
      ? {
          WORKFORCE_OIDC_ISSUER: cfg.workforceOidcIssuer,
          WORKFORCE_OIDC_AUDIENCE: cfg.workforceOidcAudience,
          WORKFORCE_OIDC_TENANT_ID: cfg.workforceTenantId,
        }
      : {}),
    COUNCIL_NAME: cfg.councilName,
    COUNCIL_BOUNDARY: cfg.councilBoundary,
    ADDRESS_LOOKUP: cfg.addressLookup,
    // The records system's identity is its service principal, the one infra grants its Service Bus rights (decision 1100).
    ...(cfg.partnerPrincipals[recordsSystemId]
      ? { RECORDS_SYSTEM_PRINCIPAL: cfg.partnerPrincipals[recordsSystemId] }
      : {}),
    ...(cfg.caseworkMailbox ? { CASEWORK_MAILBOX: cfg.caseworkMailbox } : {}),
    ...(cfg.enquiryResponseWorkingDays !== undefined
      ? { ENQUIRY_RESPONSE_WORKING_DAYS: String(cfg.enquiryResponseWorkingDays) }
      : {}),
    ...(cfg.enquiryReminderWorkingDays !== undefined
      ? { ENQUIRY_REMINDER_WORKING_DAYS: String(cfg.enquiryReminderWorkingDays) }
      : {}),
    ...(cfg.staffTeams ? { STAFF_TEAMS: cfg.staffTeams } : {}),
    // Where in the package the build put the stack's wards (decision 1074); the data itself is too big for a setting.
    ...(cfg.wardBoundariesFile ? { WARD_BOUNDARIES_FILE: packagedWardFile } : {}),
    ...i.secretReferences,
  };
}

/**
 * The azure-native SDK fills `siteConfig.netFrameworkVersion` with "v4.6" when it is unset,
 * and Flex Consumption refuses the property (pulumi/pulumi-azure-native#4168): take it out
 * after the SDK's defaults, before the request is made.
 */
export const withoutNetFrameworkDefault: pulumi.ResourceTransformation = ({ props, opts }) => ({
  props: {
    ...props,
    siteConfig: pulumi.output(props.siteConfig as pulumi.Input<Record<string, unknown>>).apply((siteConfig) => {
      const { netFrameworkVersion: _ignored, ...rest } = siteConfig;
      return rest;
    }),
  },
  opts,
});

export function createFunctionApp(
  cfg: InfraConfig,
  resourceGroupName: pulumi.Input<string>,
  net: Networking | undefined,
  inputs: AppInputs,
) {
  const plan = new web.AppServicePlan('plan', {
    resourceGroupName,
    name: `plan-${cfg.prefix}-${cfg.env}`,
    kind: 'functionapp',
    sku: { name: 'FC1', tier: 'FlexConsumption' },
    reserved: true,
  });
  const settings = appSettings(cfg, inputs);
  const app = new web.WebApp(
    'func',
    {
      resourceGroupName,
      name: `func-${cfg.prefix}-${cfg.env}`,
      kind: 'functionapp,linux',
      serverFarmId: plan.id,
      httpsOnly: true,
      clientCertEnabled: false,
      identity: { type: 'UserAssigned', userAssignedIdentities: [inputs.identity.id, inputs.deploymentIdentityId] },
      keyVaultReferenceIdentity: inputs.identity.id,
      ...(net ? { virtualNetworkSubnetId: net.appSubnetId, vnetRouteAllEnabled: true } : {}),
      functionAppConfig: {
        runtime: { name: 'node', version: '22' },
        deployment: {
          storage: {
            type: 'blobContainer',
            value: pulumi.interpolate`${inputs.hostBlobEndpoint}deployment`,
            authentication: {
              type: 'UserAssignedIdentity',
              userAssignedIdentityResourceId: inputs.deploymentIdentityId,
            },
          },
        },
        scaleAndConcurrency: {
          maximumInstanceCount: cfg.maximumInstanceCount,
          instanceMemoryMB: cfg.instanceMemoryMB,
          alwaysReady: cfg.alwaysReadyHttp > 0 ? [{ name: 'http', instanceCount: cfg.alwaysReadyHttp }] : [],
        },
      },
      // Only what Flex Consumption accepts: it refuses ftpsState and the other settings in
      // test/infra/platform-constraints.ts (FTP is turned off below through basic publishing credentials).
      siteConfig: {
        minTlsVersion: '1.2',
        http20Enabled: true,
        // The council's front ends call the API from exactly these origins.
        cors: { allowedOrigins: [...cfg.webOrigins], supportCredentials: false },
        appSettings: Object.entries(settings).map(([name, value]) => ({ name, value })),
      },
    },
    { transformations: [withoutNetFrameworkDefault] },
  );
  // Deployments go through Entra-authenticated publishing; basic (username/password) auth is off.
  new web.WebAppFtpAllowed('func-ftp-off', { resourceGroupName, name: app.name, allow: false });
  new web.WebAppScmAllowed('func-scm-basic-off', { resourceGroupName, name: app.name, allow: false });
  return { plan, app, settings };
}
