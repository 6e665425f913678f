/**
 * The function app: Flex Consumption, Node 22, deployed from the package that
 * `npm run build` produces, every connection identity-based (no connection
 * strings), secrets as Key Vault references, basic publishing credentials off.
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventgrid from '@pulumi/azure-native/eventgrid/index.js';
import * as web from '@pulumi/azure-native/web/index.js';
import { blobEventSubscriptions } from '../shared/events/event-subscriptions.js';
import type { InfraConfig } from './config.js';
import type { Networking } from './networking.js';

export interface AppInputs {
  readonly identity: { id: pulumi.Input<string>; clientId: pulumi.Input<string> };
  readonly hostAccountName: pulumi.Input<string>;
  readonly hostBlobEndpoint: pulumi.Input<string>;
  readonly cosmosEndpoint: pulumi.Input<string>;
  readonly cosmosDatabase: string;
  readonly serviceBusNamespace: pulumi.Input<string>;
  readonly documentsBlobEndpoint: pulumi.Input<string>;
  readonly appInsightsConnectionString: pulumi.Input<string>;
  readonly secretReferences: Readonly<Record<string, pulumi.Input<string>>>;
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
    GOVUK_PAY_BASE_URL: cfg.govukPayBaseUrl,
    PAYMENT_RETURN_URL: cfg.paymentReturnUrl,
    MY_ACCOUNT_URL: cfg.myAccountUrl,
    GOVUK_NOTIFY_TEMPLATES: cfg.notifyTemplates,
    OIDC_ISSUER: cfg.oidcIssuer,
    OIDC_AUDIENCE: cfg.oidcAudience,
    COUNCIL_NAME: cfg.councilName,
    COUNCIL_BOUNDARY: cfg.councilBoundary,
    ...i.secretReferences,
  };
}

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
  const app = new web.WebApp('func', {
    resourceGroupName,
    name: `func-${cfg.prefix}-${cfg.env}`,
    kind: 'functionapp,linux',
    serverFarmId: plan.id,
    httpsOnly: true,
    clientCertEnabled: false,
    identity: { type: 'UserAssigned', userAssignedIdentities: [inputs.identity.id] },
    keyVaultReferenceIdentity: inputs.identity.id,
    ...(net ? { virtualNetworkSubnetId: net.appSubnetId, vnetRouteAllEnabled: true } : {}),
    functionAppConfig: {
      runtime: { name: 'node', version: '22' },
      deployment: {
        storage: {
          type: 'blobContainer',
          value: pulumi.interpolate`${inputs.hostBlobEndpoint}deployment`,
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: inputs.identity.id },
        },
      },
      scaleAndConcurrency: {
        maximumInstanceCount: cfg.maximumInstanceCount,
        instanceMemoryMB: cfg.instanceMemoryMB,
        alwaysReady: cfg.alwaysReadyHttp > 0 ? [{ name: 'http', instanceCount: cfg.alwaysReadyHttp }] : [],
      },
    },
    siteConfig: {
      minTlsVersion: '1.2',
      ftpsState: 'Disabled',
      http20Enabled: true,
      // Front ends call the API from their own origins; none is allowed until configured.
      cors: { allowedOrigins: [] },
      appSettings: Object.entries(settings).map(([name, value]) => ({ name, value })),
    },
  });
  // Deployments go through Entra-authenticated publishing; basic (username/password) auth is off.
  new web.WebAppFtpAllowed('func-ftp-off', { resourceGroupName, name: app.name, allow: false });
  new web.WebAppScmAllowed('func-scm-basic-off', { resourceGroupName, name: app.name, allow: false });
  return { plan, app, settings };
}

/** Blob-created in quarantine → the upload scan function (deploy the code first: Event Grid validates the endpoint). */
export function createUploadEvents(
  cfg: InfraConfig,
  resourceGroupName: pulumi.Input<string>,
  documentsAccountId: pulumi.Input<string>,
  appId: pulumi.Input<string>,
) {
  const topic = new eventgrid.SystemTopic('egst-documents', {
    resourceGroupName,
    systemTopicName: `egst-${cfg.prefix}-documents-${cfg.env}`,
    source: documentsAccountId,
    topicType: 'Microsoft.Storage.StorageAccounts',
    location: cfg.location,
  });
  for (const s of blobEventSubscriptions) {
    new eventgrid.SystemTopicEventSubscription(`egsub-${s.name}`, {
      resourceGroupName,
      systemTopicName: topic.name,
      eventSubscriptionName: s.name,
      destination: {
        endpointType: 'AzureFunction',
        resourceId: pulumi.interpolate`${appId}/functions/${s.functionName}`,
        maxEventsPerBatch: 1,
      },
      filter: {
        includedEventTypes: [...s.eventTypes],
        subjectBeginsWith: `/blobServices/default/containers/${s.container}/`,
      },
      retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
    });
  }
  return topic;
}
