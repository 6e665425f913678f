/**
 * Every data-plane call Doorstep makes in Azure, by the identity that makes it, with the
 * permission Azure checks and the resource it is made on. permissions.test.ts proves that
 * each is granted by the stack's role assignments (read from Microsoft's own role
 * definitions, azure-built-in-roles.json) and that nothing more is.
 *
 * Permission names: Storage from "Permissions for calling data operations"
 * (https://learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory#permissions-for-calling-data-operations)
 * and "Create a user delegation SAS" (a SAS grants at most what its signer holds; `c` is
 * blobs/add/action, `w` blobs/write); Service Bus, Key Vault and Azure Monitor from the
 * resource providers' operations lists (https://learn.microsoft.com/azure/role-based-access-control/permissions/);
 * Cosmos DB from its data-plane reference
 * (https://learn.microsoft.com/azure/cosmos-db/nosql/reference-data-plane-security).
 */
import { topology } from '../../shared/messaging/topology.js';
import { documentContainers } from '../../shared/data/blob-containers.js';
import { deadLetterEntities, isReplayable } from '../../shared/operations/dead-letters.js';

/** Who makes the call: the stack's identities (by Pulumi name), the operators' group, a back office. */
export type Caller =
  'id-app' | 'id-web' | 'id-deploy' | 'egt-scan-results' | 'id-iothub' | 'operators' | `partner:${string}`;

export interface DataPlaneCall {
  readonly call: string;
  /** Where the code makes it (file, and the symbol in it); the platform's own calls name it. */
  readonly where: { readonly file: string; readonly symbol: string } | 'platform';
  readonly caller: Caller;
  /** Control-plane actions (e.g. the user delegation key) are checked against `actions`, the rest `dataActions`. */
  readonly permission: { readonly action: string; readonly plane: 'data' | 'control' };
  /** The Pulumi name of the resource the call is made on. */
  readonly on: string;
}

const blob = (verb: string) => `Microsoft.Storage/storageAccounts/blobServices/containers/blobs/${verb}`;
const data = (action: string) => ({ action, plane: 'data' as const });
const sbSend = data('Microsoft.ServiceBus/namespaces/messages/send/action');
// Complete, abandon, dead-letter and peek are settlements on a receive link.
const sbReceive = data('Microsoft.ServiceBus/namespaces/messages/receive/action');
const blobStore = { file: 'shared/uploads/blob-store.ts' };
const quarantine = `st-documents-${documentContainers.quarantine}`;
const documents = `st-documents-${documentContainers.documents}`;

export const dataPlaneCalls: readonly DataPlaneCall[] = [
  // Uploads and documents (shared/uploads).
  {
    call: 'get a user delegation key to sign upload and download links',
    where: { ...blobStore, symbol: 'getUserDelegationKey' },
    caller: 'id-app',
    permission: {
      action: 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
      plane: 'control',
    },
    on: 'st-documents',
  },
  ...[blob('add/action'), blob('write')].map((action) => ({
    call: `a resident's PUT through the create-and-write upload link (${action.split('/blobs/')[1] ?? ''})`,
    where: { ...blobStore, symbol: 'uploadUrl' },
    caller: 'id-app' as const,
    permission: data(action),
    on: quarantine,
  })),
  {
    call: 'read an upload to check it (properties and bytes)',
    where: { ...blobStore, symbol: 'readQuarantine' },
    caller: 'id-app',
    permission: data(blob('read')),
    on: quarantine,
  },
  {
    call: 'delete an upload once handled',
    where: { ...blobStore, symbol: 'deleteQuarantine' },
    caller: 'id-app',
    permission: data(blob('delete')),
    on: quarantine,
  },
  {
    call: 'write the checked, stripped document',
    where: { ...blobStore, symbol: 'putDocument' },
    caller: 'id-app',
    permission: data(blob('write')),
    on: documents,
  },
  {
    call: "a resident's GET through the read-only download link",
    where: { ...blobStore, symbol: 'downloadUrl' },
    caller: 'id-app',
    permission: data(blob('read')),
    on: documents,
  },
  // Legal hold (decision 1071): the records system's hold reaches the blob itself (`BlobClient.setLegalHold`,
  // shared/uploads/legal-hold.ts). Microsoft names two actions for it; the stack must grant both.
  {
    call: 'set or clear a legal hold on a document (Set Blob Legal Hold: the REST permission table)',
    where: { file: 'shared/uploads/legal-hold.ts', symbol: 'legalHold' },
    caller: 'id-app',
    permission: { action: 'Microsoft.Storage/storageAccounts/blobServices/containers/write', plane: 'control' },
    on: documents,
  },
  {
    call: 'set or clear a legal hold on a document (the Storage ABAC reference’s action)',
    where: { file: 'shared/uploads/legal-hold.ts', symbol: 'legalHold' },
    caller: 'id-app',
    permission: data(blob('immutableStorage/runAsSuperUser/action')),
    on: documents,
  },
  // Privacy rights (shared/privacy): erasure deletes documents; exports are written, read through a link, deleted.
  {
    call: "erasure deletes a resident's documents and photos with their snapshots",
    where: { file: 'shared/privacy/store.ts', symbol: 'deleteBlobEverywhere' },
    caller: 'id-app',
    permission: data(blob('delete')),
    on: documents,
  },
  {
    call: 'write a subject access export',
    where: { file: 'shared/privacy/store.ts', symbol: 'putArchive' },
    caller: 'id-app',
    permission: data(blob('write')),
    on: `st-documents-${documentContainers.exports}`,
  },
  {
    call: "a resident's GET of their export through the read-only link",
    where: { file: 'shared/privacy/store.ts', symbol: 'archiveUrl' },
    caller: 'id-app',
    permission: data(blob('read')),
    on: `st-documents-${documentContainers.exports}`,
  },
  {
    call: 'delete an expired export',
    where: { file: 'shared/privacy/store.ts', symbol: 'deleteArchive' },
    caller: 'id-app',
    permission: data(blob('delete')),
    on: `st-documents-${documentContainers.exports}`,
  },
  // Service Bus, as the topology declares the app's own use of each entity.
  ...topology.queues.flatMap((q) =>
    q.appAccess.map((access) => ({
      call: `${access} on queue ${q.name}`,
      // A back office's inbound queue is named by partnerInboundQueue(), not spelled out.
      where: {
        file: 'shared/messaging/topology.ts',
        symbol: q.partnerSends ? 'partnerInboundQueue(id)' : `'${q.name}'`,
      },
      caller: 'id-app' as const,
      permission: access === 'send' ? sbSend : sbReceive,
      on: `sbq-${q.name}`,
    })),
  ),
  ...topology.topics.flatMap((t) => [
    ...(t.appAccess.includes('send')
      ? [
          {
            call: `send to topic ${t.name}`,
            where: { file: 'shared/messaging/topology.ts', symbol: `'${t.name}'` },
            caller: 'id-app' as const,
            permission: sbSend,
            on: `sbt-${t.name}`,
          },
        ]
      : []),
    ...t.subscriptions
      .filter((s) => s.appReceives)
      .map((s) => ({
        call: `receive, complete and dead-letter on ${t.name}/${s.name}`,
        where: { file: 'shared/messaging/topology.ts', symbol: `'${s.name}'` },
        caller: 'id-app' as const,
        permission: sbReceive,
        on: `sbs-${t.name}-${s.name}`,
      })),
  ]),
  // Key Vault references, resolved by the platform with the app's identity.
  {
    call: 'resolve the GOV.UK Pay and Notify keys (Key Vault references)',
    where: { file: 'infra/secrets.ts', symbol: '@Microsoft.KeyVault(' },
    caller: 'id-app',
    permission: data('Microsoft.KeyVault/vaults/secrets/getSecret/action'),
    on: 'kv',
  },
  {
    call: 'publish telemetry and metrics to Application Insights (Entra-authenticated ingestion)',
    where: { file: 'infra/function-app.ts', symbol: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING' },
    caller: 'id-app',
    permission: data('Microsoft.Insights/Telemetry/Write'),
    on: 'appi',
  },
  // The Functions host's own state (AzureWebJobsStorage): leases, timer schedules, keys.
  ...['azure-webjobs-hosts', 'azure-webjobs-secrets'].flatMap((container) =>
    [blob('read'), blob('write'), blob('delete')].map((action) => ({
      call: `the Functions host keeps its state in ${container}`,
      where: 'platform' as const,
      caller: 'id-app' as const,
      permission: data(action),
      on: `st-host-${container}`,
    })),
  ),
  // Flex Consumption's deployment storage, with the deployment identity.
  ...[blob('read'), blob('write')].map((action) => ({
    call: 'Flex Consumption reads the package; config-zip writes it',
    where: 'platform' as const,
    caller: 'id-deploy' as const,
    permission: data(action),
    on: 'st-host-deployment',
  })),
  {
    call: 'Event Grid writes an undeliverable scan result to the dead-letter container',
    where: 'platform',
    caller: 'egt-scan-results',
    permission: data(blob('write')),
    on: 'st-host-scan-results-deadletter',
  },
  // The open data export (shared/open-data/lake.ts) writes and lists its files in the lake's container.
  ...[blob('write'), blob('read')].map((action) => ({
    call: 'the open data export writes Parquet, CSV and datapackage.json, and lists the files',
    where: { file: 'shared/open-data/lake.ts', symbol: 'blobDataLake' },
    caller: 'id-app' as const,
    permission: data(action),
    on: 'st-lake-open-data',
  })),
  // IoT Hub's route to Service Bus (infra/open-data-sensors.ts), with the hub's own identity.
  {
    call: 'IoT Hub routes device messages to the device-readings queue',
    where: 'platform',
    caller: 'id-iothub',
    permission: sbSend,
    on: 'sbq-device-readings',
  },
  // Device identities (decision 1072): the platform team registers and retires them in the hub's registry.
  ...['read', 'write', 'delete'].map((verb) => ({
    call: `register, disable and retire device identities (az iot hub device-identity, devices/${verb})`,
    where: 'platform' as const,
    caller: 'operators' as const,
    permission: data(`Microsoft.Devices/IotHubs/devices/${verb}`),
    on: 'iot-hub',
  })),
  // The resident website (infra/web-app.ts): the platform's needs only, in its own account and vault.
  {
    call: "resolve the website's client secret and session key (Key Vault references)",
    where: { file: 'infra/web-app.ts', symbol: '@Microsoft.KeyVault(' },
    caller: 'id-web',
    permission: data('Microsoft.KeyVault/vaults/secrets/getSecret/action'),
    on: 'kv-web',
  },
  ...['azure-webjobs-hosts', 'azure-webjobs-secrets'].flatMap((container) =>
    [blob('read'), blob('write'), blob('delete')].map((action) => ({
      call: `the website's Functions host keeps its state in ${container}`,
      where: 'platform' as const,
      caller: 'id-web' as const,
      permission: data(action),
      on: `st-web-${container}`,
    })),
  ),
  ...[blob('read'), blob('write')].map((action) => ({
    call: "Flex Consumption reads the website's package; config-zip writes it",
    where: 'platform' as const,
    caller: 'id-deploy' as const,
    permission: data(action),
    on: 'st-web-deployment',
  })),
  {
    call: "resolve the staff pages' client secret (Key Vault reference, when the stack configures them)",
    where: { file: 'infra/web-app.ts', symbol: 'web-staff-oidc-client-secret' },
    caller: 'id-web',
    permission: data('Microsoft.KeyVault/vaults/secrets/getSecret/action'),
    on: 'kv-web',
  },
  {
    call: "set and rotate the website's secrets",
    where: 'platform',
    caller: 'operators',
    permission: data('Microsoft.KeyVault/vaults/secrets/setSecret/action'),
    on: 'kv-web',
  },
  {
    call: "upload the website's package by hand",
    where: 'platform',
    caller: 'operators',
    permission: data(blob('write')),
    on: 'st-web-deployment',
  },
  // The platform team (docs/deploy.md).
  {
    call: 'set and rotate the GOV.UK secrets',
    where: 'platform',
    caller: 'operators',
    permission: data('Microsoft.KeyVault/vaults/secrets/setSecret/action'),
    on: 'kv',
  },
  {
    call: 'upload a package by hand when config-zip cannot reach the host account',
    where: 'platform',
    caller: 'operators',
    permission: data(blob('write')),
    on: 'st-host-deployment',
  },
  // Dead letters (decisions 1002, 1070): the operator API runs as the app; `npm run dlq` as the operators' group.
  // Both read every entity that has a dead-letter queue, and replay only to queues.
  ...(['id-app', 'operators'] as const).flatMap((caller) =>
    deadLetterEntities().flatMap((entity) => {
      const on = entity.includes('/') ? `sbs-${entity.replace('/', '-')}` : `sbq-${entity}`;
      const where = { file: 'shared/operations/dead-letters.ts' };
      return [
        {
          call: `peek, complete and abandon the dead letters of ${entity}`,
          where: { ...where, symbol: 'peekMessages' },
          caller,
          permission: sbReceive,
          on,
        },
        ...(isReplayable(entity)
          ? [
              {
                call: `replay a dead letter to ${entity}`,
                where: { ...where, symbol: 'createSender' },
                caller,
                permission: sbSend,
                on,
              },
            ]
          : []),
      ];
    }),
  ),
];

/** What the app does in Cosmos DB (items, queries, batches, the change feed and its leases), on its database. */
export const cosmosDataActions = [
  'Microsoft.DocumentDB/databaseAccounts/readMetadata',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/replace',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/upsert',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/delete',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery',
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed',
];

/**
 * A back office's calls, once the stack names its principal (Pulumi config `partnerPrincipals`):
 * take its work orders from its subscription, and answer on its own inbound queue
 * (`partner-inbound-<backOfficeId>`, the agreed topology).
 */
export const partnerCalls = (backOffice: string): DataPlaneCall[] => [
  {
    call: `${backOffice} takes its work orders`,
    where: 'platform',
    caller: `partner:${backOffice}`,
    permission: sbReceive,
    on: `sbs-work-orders-${backOffice}`,
  },
  {
    call: `${backOffice} answers on its inbound queue`,
    where: 'platform',
    caller: `partner:${backOffice}`,
    permission: sbSend,
    on: `sbq-partner-inbound-${backOffice}`,
  },
];
