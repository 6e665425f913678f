/**
 * Cosmos DB for NoSQL (serverless or autoscale by config) with exactly the
 * containers the code uses, and the Storage accounts: `documents` (residents'
 * uploads: quarantine and documents containers) and `host` (the Functions host's
 * own state and the deployment package), so the app's broad host rights never
 * reach residents' documents.
 */
import * as pulumi from '@pulumi/pulumi';
import * as cosmosdb from '@pulumi/azure-native/cosmosdb/index.js';
import * as security from '@pulumi/azure-native/security/index.js';
import * as storage from '@pulumi/azure-native/storage/index.js';
import { cosmosContainers, type ContainerDefinition } from '../shared/data/cosmos-containers.js';
import { documentContainers } from '../shared/data/blob-containers.js';
import { lifecycleRules, previousVersionDeleteAfterDays } from '../shared/data/retention.js';
import type { InfraConfig } from './config.js';
import type { Networking } from './networking.js';

export const databaseName = 'doorstep';

export function createCosmos(cfg: InfraConfig, resourceGroupName: pulumi.Input<string>, net: Networking | undefined) {
  const account = new cosmosdb.DatabaseAccount('cosmos', {
    resourceGroupName,
    accountName: `cosmos-${cfg.prefix}-${cfg.env}`,
    databaseAccountOfferType: 'Standard',
    kind: 'GlobalDocumentDB',
    locations: [{ locationName: cfg.location, failoverPriority: 0, isZoneRedundant: cfg.env === 'prod' }],
    consistencyPolicy: { defaultConsistencyLevel: 'Session' },
    capabilities: cfg.cosmosMode === 'serverless' ? [{ name: 'EnableServerless' }] : [],
    // Entra ID only: account keys cannot be used at all.
    disableLocalAuth: true,
    disableKeyBasedMetadataWriteAccess: true,
    minimalTlsVersion: 'Tls12',
    backupPolicy: {
      type: 'Continuous',
      continuousModeProperties: { tier: cfg.env === 'prod' ? 'Continuous30Days' : 'Continuous7Days' },
    },
    publicNetworkAccess: net ? 'Disabled' : 'Enabled',
  });
  const database = new cosmosdb.SqlResourceSqlDatabase('cosmos-db', {
    resourceGroupName,
    accountName: account.name,
    databaseName,
    resource: { id: databaseName },
    options: cfg.cosmosMode === 'autoscale' ? { autoscaleSettings: { maxThroughput: cfg.cosmosMaxThroughput } } : {},
  });
  const containers = (cosmosContainers as readonly ContainerDefinition[]).map((c) => ({
    containerName: c.name,
    resource: new cosmosdb.SqlResourceSqlContainer(`cosmos-${c.name}`, {
      resourceGroupName,
      accountName: account.name,
      databaseName: database.name,
      containerName: c.name,
      resource: {
        id: c.name,
        partitionKey: { paths: [c.partitionKeyPath], kind: 'Hash' },
        ...(c.defaultTtlSeconds !== undefined ? { defaultTtl: c.defaultTtlSeconds } : {}),
        indexingPolicy: indexingPolicy(c),
      },
    }),
  }));
  net?.privateEndpoint('cosmos', account.id, 'Sql');
  const audit = containers.find((c) => c.containerName === 'audit');
  if (!audit) throw new Error('the audit container is not defined');
  return { account, database, containers, audit };
}

/** Index what is queried: a container that excludes `/*` indexes nothing at all. */
export function indexingPolicy(c: ContainerDefinition) {
  const indexAll = !c.excludedPaths.includes('/*');
  return {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: indexAll ? [{ path: '/*' }] : [],
    excludedPaths: indexAll ? [...c.excludedPaths.map((path) => ({ path })), { path: '/"_etag"/?' }] : [{ path: '/*' }],
    compositeIndexes: c.compositeIndexes.map((index) => index.map((p) => ({ path: p.path, order: p.order }))),
  };
}

export const secureAccount = (cfg: InfraConfig) =>
  ({
    kind: 'StorageV2',
    sku: { name: cfg.env === 'prod' ? 'Standard_ZRS' : 'Standard_LRS' },
    // No account key works, so the only SAS that can exist is a user delegation SAS.
    allowSharedKeyAccess: false,
    allowBlobPublicAccess: false,
    minimumTlsVersion: 'TLS1_2',
    enableHttpsTrafficOnly: true,
    defaultToOAuthAuthentication: true,
    allowCrossTenantReplication: false,
  }) satisfies Partial<storage.StorageAccountArgs>;

/** The headers a browser sends with a PUT of a block blob to an upload link, and what it may read back. */
export const documentsCors = (origins: readonly string[]) => ({
  allowedOrigins: [...origins],
  allowedMethods: ['PUT', 'GET', 'HEAD', 'OPTIONS'],
  allowedHeaders: ['content-type', 'if-none-match', 'if-match', 'x-ms-*'],
  exposedHeaders: ['etag', 'content-type', 'content-length', 'content-disposition', 'x-ms-*'],
  maxAgeInSeconds: 3600,
});

/** The container whose blobs the records system may hold (version-level immutability, decision 1071). */
export const legalHoldContainer = documentContainers.documents;

/** Containers the Functions host itself keeps in its account: leases and timer state, and function keys. */
export const hostContainers = ['azure-webjobs-hosts', 'azure-webjobs-secrets'] as const;
/** Where Event Grid puts scan-result events it could not deliver to `scan-upload`. */
export const scanDeadLetterContainer = 'scan-results-deadletter';

export function createStorage(
  cfg: InfraConfig,
  resourceGroupName: pulumi.Input<string>,
  net: Networking | undefined,
  scanResultsTopicId: pulumi.Input<string>,
) {
  // Residents' devices PUT to upload links and follow download links from anywhere, and
  // Defender's malware scanning needs public network access: this account stays public,
  // reachable only with a user delegation SAS or Entra ID (docs/decisions/0201).
  const documentsAccount = new storage.StorageAccount('st-documents', {
    resourceGroupName,
    accountName: `st${cfg.prefix}docs${cfg.env}`,
    ...secureAccount(cfg),
    publicNetworkAccess: 'Enabled',
    networkRuleSet: { defaultAction: 'Allow', bypass: 'AzureServices' },
  });
  new storage.BlobServiceProperties('st-documents-blob-service', {
    resourceGroupName,
    accountName: documentsAccount.name,
    blobServicesName: 'default',
    isVersioningEnabled: true,
    deleteRetentionPolicy: { enabled: true, days: 14 },
    containerDeleteRetentionPolicy: { enabled: true, days: 14 },
    cors: { corsRules: [documentsCors(cfg.webOrigins)] },
  });
  const containers = Object.fromEntries(
    Object.values(documentContainers).map((name) => [
      name,
      new storage.BlobContainer(
        `st-documents-${name}`,
        {
          resourceGroupName,
          accountName: documentsAccount.name,
          containerName: name,
          publicAccess: 'None',
          // A legal hold from the records system holds the blob itself (decision 1071): only a container
          // created with version-level immutability takes one. Azure takes it at creation only: an existing
          // container is migrated in place (docs/deploy.md), so the program never sends a change to it.
          ...(name === legalHoldContainer ? { immutableStorageWithVersioning: { enabled: true } } : {}),
        },
        name === legalHoldContainer ? { ignoreChanges: ['immutableStorageWithVersioning'] } : {},
      ),
    ]),
  ) as Record<(typeof documentContainers)[keyof typeof documentContainers], storage.BlobContainer>;
  new storage.ManagementPolicy('st-documents-lifecycle', {
    resourceGroupName,
    accountName: documentsAccount.name,
    managementPolicyName: 'default',
    policy: {
      rules: lifecycleRules.map((r) => ({
        name: r.name,
        enabled: true,
        type: 'Lifecycle',
        definition: {
          filters: { blobTypes: ['blockBlob'], prefixMatch: [r.prefix] },
          actions: {
            // null: the retention timer deletes these blobs, honouring legal hold (shared/data/retention.ts).
            ...(r.deleteAfterDays === null
              ? {}
              : { baseBlob: { delete: { daysAfterCreationGreaterThan: r.deleteAfterDays } } }),
            version: {
              delete: {
                daysAfterCreationGreaterThan: Math.min(
                  previousVersionDeleteAfterDays,
                  r.deleteAfterDays ?? previousVersionDeleteAfterDays,
                ),
              },
            },
          },
        },
      })),
    },
  });
  // Defender scans every upload on arrival and publishes its verdict to our custom topic
  // (its own system topic on this account is Defender's, never ours: one per source).
  new security.DefenderForStorage('st-documents-defender', {
    resourceId: documentsAccount.id,
    settingName: 'current',
    properties: {
      isEnabled: true,
      malwareScanning: {
        onUpload: { isEnabled: true, capGBPerMonth: cfg.env === 'prod' ? 5000 : 100 },
        scanResultsEventGridTopicResourceId: scanResultsTopicId,
      },
      sensitiveDataDiscovery: { isEnabled: false },
      overrideSubscriptionLevelSettings: true,
    },
  });

  const hostAccount = new storage.StorageAccount('st-host', {
    resourceGroupName,
    accountName: `st${cfg.prefix}host${cfg.env}`,
    ...secureAccount(cfg),
    publicNetworkAccess: net ? 'Disabled' : 'Enabled',
    networkRuleSet: { defaultAction: net ? 'Deny' : 'Allow', bypass: 'AzureServices' },
  });
  const hostContainer = (name: string) =>
    new storage.BlobContainer(`st-host-${name}`, {
      resourceGroupName,
      accountName: hostAccount.name,
      containerName: name,
      publicAccess: 'None',
    });
  // Created here so that each identity can be granted one container, not the account.
  const deploymentContainer = hostContainer('deployment');
  const runtimeContainers = hostContainers.map(hostContainer);
  const deadLetterContainer = hostContainer(scanDeadLetterContainer);
  if (net) {
    // The app's own traffic to documents stays on the VNet; residents use the public endpoint.
    net.privateEndpoint('st-documents', documentsAccount.id, 'blob');
    // Blob only: the host keeps leases, timer state and keys in blobs, and no trigger uses queues or tables.
    net.privateEndpoint('st-host', hostAccount.id, 'blob');
  }
  return { documentsAccount, containers, hostAccount, deploymentContainer, runtimeContainers, deadLetterContainer };
}
