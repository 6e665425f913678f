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
import { lifecycleRules } from '../shared/data/retention.js';
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
  const containers = (cosmosContainers as readonly ContainerDefinition[]).map(
    (c) =>
      new cosmosdb.SqlResourceSqlContainer(`cosmos-${c.name}`, {
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
  );
  net?.privateEndpoint('cosmos', account.id, 'Sql');
  return { account, database, containers };
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

const secureAccount = (cfg: InfraConfig, net: Networking | undefined) =>
  ({
    kind: 'StorageV2',
    sku: { name: cfg.env === 'prod' ? 'Standard_ZRS' : 'Standard_LRS' },
    allowSharedKeyAccess: false,
    allowBlobPublicAccess: false,
    minimumTlsVersion: 'TLS1_2',
    enableHttpsTrafficOnly: true,
    defaultToOAuthAuthentication: true,
    allowCrossTenantReplication: false,
    publicNetworkAccess: net ? 'Disabled' : 'Enabled',
    networkRuleSet: { defaultAction: net ? 'Deny' : 'Allow', bypass: 'AzureServices' },
  }) satisfies Partial<storage.StorageAccountArgs>;

export function createStorage(cfg: InfraConfig, resourceGroupName: pulumi.Input<string>, net: Networking | undefined) {
  const documentsAccount = new storage.StorageAccount('st-documents', {
    resourceGroupName,
    accountName: `st${cfg.prefix}docs${cfg.env}`,
    ...secureAccount(cfg, net),
  });
  new storage.BlobServiceProperties('st-documents-blob-service', {
    resourceGroupName,
    accountName: documentsAccount.name,
    blobServicesName: 'default',
    isVersioningEnabled: true,
    deleteRetentionPolicy: { enabled: true, days: 14 },
    containerDeleteRetentionPolicy: { enabled: true, days: 14 },
  });
  const containers = Object.fromEntries(
    Object.values(documentContainers).map((name) => [
      name,
      new storage.BlobContainer(`st-documents-${name}`, {
        resourceGroupName,
        accountName: documentsAccount.name,
        containerName: name,
        publicAccess: 'None',
      }),
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
            baseBlob: { delete: { daysAfterCreationGreaterThan: r.deleteAfterDays } },
            version: { delete: { daysAfterCreationGreaterThan: r.deleteAfterDays } },
          },
        },
      })),
    },
  });
  // Defender scans every upload on arrival; the scan function reads the result.
  new security.DefenderForStorage('st-documents-defender', {
    resourceId: documentsAccount.id,
    settingName: 'current',
    properties: {
      isEnabled: true,
      malwareScanning: { onUpload: { isEnabled: true, capGBPerMonth: cfg.env === 'prod' ? 5000 : 100 } },
      sensitiveDataDiscovery: { isEnabled: false },
      overrideSubscriptionLevelSettings: true,
    },
  });

  const hostAccount = new storage.StorageAccount('st-host', {
    resourceGroupName,
    accountName: `st${cfg.prefix}host${cfg.env}`,
    ...secureAccount(cfg, net),
  });
  const deploymentContainer = new storage.BlobContainer('st-host-deployment', {
    resourceGroupName,
    accountName: hostAccount.name,
    containerName: 'deployment',
    publicAccess: 'None',
  });
  if (net) {
    net.privateEndpoint('st-documents', documentsAccount.id, 'blob');
    net.privateEndpoint('st-host', hostAccount.id, 'blob');
  }
  return { documentsAccount, containers, hostAccount, deploymentContainer };
}
