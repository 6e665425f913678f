/**
 * The whole platform in one place: each concern is built by its own module, and
 * this function wires them in the order Azure needs. Tests call it under mocks.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization/index.js';
import * as cosmosdb from '@pulumi/azure-native/cosmosdb/index.js';
import * as managedidentity from '@pulumi/azure-native/managedidentity/index.js';
import * as resources from '@pulumi/azure-native/resources/index.js';
import { documentContainers } from '../shared/data/blob-containers.js';
import type { InfraConfig } from './config.js';
import { createApiManagement } from './api-management.js';
import { createCosmos, createStorage, databaseName, legalHoldContainer } from './data.js';
import { createFunctionApp } from './function-app.js';
import { appHolds, createMessaging, grantDeadLetterWork } from './messaging.js';
import { createMonitoring } from './monitoring.js';
import { createNetworking } from './networking.js';
import { grantOperators } from './operators.js';
import { defineCustomRole, grant, grantCustom } from './roles.js';
import { createScanResultsTopic, subscribeScanUpload } from './scan-events.js';
import { createKeyVault } from './secrets.js';
import { createWebApp, webSiteOrigin } from './web-app.js';
import { createDataLake, createIotHub } from './open-data-sensors.js';

/** Cosmos DB Built-in Data Contributor (data plane: items, queries, change feed; no account control). */
export const cosmosDataContributor = '00000000-0000-0000-0000-000000000002';

/** The custom role on `audit` (a fixed GUID, so the definition is stable across runs). */
export const auditAppenderRoleId = 'd0025e1a-a0d1-4c5e-9a11-000000000913';
export const auditAppenderActions = [
  'Microsoft.DocumentDB/databaseAccounts/readMetadata',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery',
] as const;

export function createPlatform(stackConfig: InfraConfig) {
  // The resident website calls the API and sends photos to the documents account from its own origin.
  const cfg: InfraConfig = {
    ...stackConfig,
    webOrigins: [...new Set([...stackConfig.webOrigins, webSiteOrigin(stackConfig)])],
  };
  const client = authorization.getClientConfigOutput();
  const group = new resources.ResourceGroup('rg', {
    resourceGroupName: `rg-${cfg.prefix}-${cfg.env}`,
    location: cfg.location,
  });
  const rg = group.name;

  // Identity: one user-assigned identity for the app, granted data-plane roles only.
  const identity = new managedidentity.UserAssignedIdentity('id-app', {
    resourceGroupName: rg,
    resourceName: `id-${cfg.prefix}-app-${cfg.env}`,
  });
  const app = { principalId: identity.principalId, subscriptionId: client.subscriptionId };
  // Flex Consumption reads (and `config-zip` writes) the package with this identity, so the
  // app's own identity cannot rewrite the code it runs.
  const deployIdentity = new managedidentity.UserAssignedIdentity('id-deploy', {
    resourceGroupName: rg,
    resourceName: `id-${cfg.prefix}-deploy-${cfg.env}`,
  });

  const monitoring = createMonitoring(cfg, rg);
  const net = createNetworking(cfg, rg);
  const cosmos = createCosmos(cfg, rg, net);
  const scanResults = createScanResultsTopic(cfg, rg);
  const store = createStorage(cfg, rg, net, scanResults.id);
  const messaging = createMessaging(cfg, rg, net, app);
  const kv = createKeyVault(cfg, rg, client.tenantId, net, app);
  // Open data lake and sensors' IoT Hub (decisions 1120, 1125).
  const lake = createDataLake(cfg, rg, app);
  createIotHub(cfg, rg, messaging, client.subscriptionId);

  // Every container but `audit`: Data Contributor, one assignment per container. Cosmos DB's
  // data-plane RBAC has no notDataActions and assignments add up, so a database-wide grant
  // would also let the app replace and delete audit entries (decision 0913).
  for (const c of cosmos.containers) {
    if (c === cosmos.audit) continue;
    new cosmosdb.SqlResourceSqlRoleAssignment(
      `role-cosmos-data-${c.containerName}`,
      {
        resourceGroupName: rg,
        accountName: cosmos.account.name,
        principalId: identity.principalId,
        roleDefinitionId: pulumi.interpolate`${cosmos.account.id}/sqlRoleDefinitions/${cosmosDataContributor}`,
        scope: pulumi.interpolate`${cosmos.account.id}/dbs/${databaseName}/colls/${c.containerName}`,
      },
      { dependsOn: [c.resource] },
    );
  }
  // The access audit is append-only for the app: create, point read and query, nothing else.
  const auditAppender = new cosmosdb.SqlResourceSqlRoleDefinition('role-def-audit-appender', {
    resourceGroupName: rg,
    accountName: cosmos.account.name,
    roleDefinitionId: auditAppenderRoleId,
    roleName: 'Doorstep audit appender',
    type: 'CustomRole',
    assignableScopes: [pulumi.interpolate`${cosmos.account.id}/dbs/${databaseName}`],
    permissions: [{ dataActions: [...auditAppenderActions] }],
  });
  new cosmosdb.SqlResourceSqlRoleAssignment(
    'role-cosmos-audit',
    {
      resourceGroupName: rg,
      accountName: cosmos.account.name,
      principalId: identity.principalId,
      roleDefinitionId: auditAppender.id,
      scope: pulumi.interpolate`${cosmos.account.id}/dbs/${databaseName}/colls/audit`,
    },
    { dependsOn: [cosmos.audit.resource] },
  );
  for (const [name, container] of Object.entries(store.containers)) {
    grant(`role-blob-${name}`, { ...app, role: 'storageBlobDataContributor', scope: container.id });
  }
  // Legal holds on documents (decision 1071): only the hold action, only on the documents container.
  grantCustom('role-blob-legal-hold', {
    definition: defineCustomRole(cfg, 'legalHoldWriter', group.id),
    stack: cfg,
    role: 'legalHoldWriter',
    scope: store.containers[legalHoldContainer].id,
    ...app,
  });
  // User delegation SAS for uploads: the delegation key is account-level by design.
  grant('role-blob-delegator', { ...app, role: 'storageBlobDelegator', scope: store.documentsAccount.id });
  // The Functions host's leases, timer state and keys: its two containers, not the account
  // (Blob Data Owner there would also let the app rewrite its own deployment package).
  store.runtimeContainers.forEach((container, i) =>
    grant(`role-host-runtime-${i}`, { ...app, role: 'storageBlobDataContributor', scope: container.id }),
  );
  grant('role-deploy-package', {
    principalId: deployIdentity.principalId,
    subscriptionId: client.subscriptionId,
    role: 'storageBlobDataContributor',
    scope: store.deploymentContainer.id,
  });
  grant('role-scan-deadletter', {
    principalId: scanResults.identity.apply((i) => i?.principalId ?? ''),
    subscriptionId: client.subscriptionId,
    role: 'storageBlobDataContributor',
    scope: store.deadLetterContainer.id,
  });
  grant('role-appi-publish', { ...app, role: 'monitoringMetricsPublisher', scope: monitoring.appInsights.id });
  grantOperators(cfg, client.subscriptionId, {
    vaultId: kv.vault.id,
    deploymentContainerId: store.deploymentContainer.id,
    messaging,
  });
  // The operator API (decision 1002) runs as the app: it reads every entity's dead letters and
  // replays to queues, including partners' inbound queues (the trade-off in decision 1070).
  grantDeadLetterWork(messaging, { name: 'app', ...app, holds: appHolds });

  const functions = createFunctionApp(cfg, rg, net, {
    identity: { id: identity.id, clientId: identity.clientId },
    deploymentIdentityId: deployIdentity.id,
    hostAccountName: store.hostAccount.name,
    hostBlobEndpoint: store.hostAccount.primaryEndpoints.blob,
    cosmosEndpoint: cosmos.account.documentEndpoint,
    cosmosDatabase: databaseName,
    serviceBusNamespace: messaging.namespace.name,
    documentsBlobEndpoint: store.documentsAccount.primaryEndpoints.blob,
    appInsightsConnectionString: monitoring.appInsights.connectionString,
    secretReferences: kv.references,
    openDataLakeUrl: lake.url,
  });
  if (cfg.uploadEvents)
    subscribeScanUpload(rg, {
      topicName: scanResults.name,
      appId: functions.app.id,
      quarantineUrl: pulumi.interpolate`${store.documentsAccount.primaryEndpoints.blob}${documentContainers.quarantine}/`,
      deadLetterAccountId: store.hostAccount.id,
    });
  // Per-caller limits (shared/http/rate-limits.ts) at the gateway residents and Open311 clients call.
  const gateway = createApiManagement(cfg, rg, functions.app.defaultHostName);
  // The resident website: its own app and identity, no role on residents' data (decision 0840).
  const website = createWebApp(cfg, rg, {
    subscriptionId: client.subscriptionId,
    tenantId: client.tenantId,
    deploymentIdentity: { id: deployIdentity.id, principalId: deployIdentity.principalId },
    apiBaseUrl: gateway.gatewayUrl,
    documentsBlobEndpoint: store.documentsAccount.primaryEndpoints.blob,
  });
  grantOperators(cfg, client.subscriptionId, {
    vaultId: website.vault.id,
    deploymentContainerId: website.deploymentContainer.id,
    name: 'web',
  });

  // Every data service reports to Log Analytics.
  monitoring.diagnostics('cosmos', 'Microsoft.DocumentDB/databaseAccounts', cosmos.account.id);
  monitoring.diagnostics(
    'st-documents-blob',
    'Microsoft.Storage/storageAccounts/blobServices',
    pulumi.interpolate`${store.documentsAccount.id}/blobServices/default`,
  );
  monitoring.diagnostics('sb', 'Microsoft.ServiceBus/namespaces', messaging.namespace.id);
  monitoring.diagnostics(
    'st-lake-blob',
    'Microsoft.Storage/storageAccounts/blobServices',
    pulumi.interpolate`${lake.account.id}/blobServices/default`,
  );
  monitoring.diagnostics('kv', 'Microsoft.KeyVault/vaults', kv.vault.id);
  monitoring.diagnostics('func', 'Microsoft.Web/sites', functions.app.id);
  monitoring.diagnostics('func-web', 'Microsoft.Web/sites', website.app.id);
  monitoring.metricAlert(
    'dead-letters',
    'Messages are dead-lettering: a partner message or event could not be processed.',
    messaging.namespace.id,
    {
      namespace: 'Microsoft.ServiceBus/namespaces',
      name: 'DeadletteredMessages',
      aggregation: 'Maximum',
      operator: 'GreaterThan',
      threshold: 0,
    },
  );
  monitoring.metricAlert(
    'http-5xx',
    'The API is returning server errors.',
    functions.app.id,
    {
      namespace: 'Microsoft.Web/sites',
      name: 'Http5xx',
      aggregation: 'Total',
      operator: 'GreaterThan',
      threshold: 10,
    },
    'PT5M',
  );
  monitoring.paymentFailures();
  monitoring.budget(group.id);

  return {
    resourceGroupName: rg,
    functionAppName: functions.app.name,
    apiUrl: pulumi.interpolate`https://${functions.app.defaultHostName}/api`,
    gatewayUrl: gateway.gatewayUrl,
    deploymentContainer: pulumi.interpolate`${store.hostAccount.primaryEndpoints.blob}deployment`,
    keyVaultName: kv.vault.name,
    identityClientId: identity.clientId,
    scanResultsTopicName: scanResults.name,
    egressIp: net?.egressIp,
    appSettingNames: Object.keys(functions.settings),
    webUrl: website.origin,
    webAppName: website.app.name,
    webDeploymentContainer: pulumi.interpolate`${website.hostAccount.primaryEndpoints.blob}deployment`,
    webKeyVaultName: website.vault.name,
    webAppDefaultHostName: website.app.defaultHostName,
  };
}
