/**
 * The open data lake and the sensors' IoT Hub (decisions 1120 and 1125).
 *
 * - Data lake: its own ADLS Gen2 account (hierarchical namespace), so the published
 *   data set never shares an account, keys or lifecycle with residents' documents;
 *   the app may write only its `open-data` container.
 * - IoT Hub: devices authenticate to the hub with X.509 certificates signed by the council's
 *   device CA, one registered identity per device (decision 1072; no DPS), and one route sends every
 *   device message to the `device-readings` queue with the hub's own identity,
 *   which may send there and nowhere else.
 */
import * as pulumi from '@pulumi/pulumi';
import * as iothub from '@pulumi/azure-native/iothub/index.js';
import * as managedidentity from '@pulumi/azure-native/managedidentity/index.js';
import type * as servicebus from '@pulumi/azure-native/servicebus/index.js';
import * as storage from '@pulumi/azure-native/storage/index.js';
import { dataLakeContainers } from '../shared/data/blob-containers.js';
import { retentionRules } from '../shared/data/retention.js';
import { topology } from '../shared/messaging/topology.js';
import type { InfraConfig } from './config.js';
import { secureAccount } from './data.js';
import { grant } from './roles.js';

const openDataDays = (() => {
  const keep = retentionRules['open-data'].keepFor;
  if (typeof keep === 'string') throw new Error('open-data has no fixed period');
  return keep.days;
})();

export function createDataLake(
  cfg: InfraConfig,
  resourceGroupName: pulumi.Input<string>,
  app: { principalId: pulumi.Input<string>; subscriptionId: pulumi.Input<string> },
) {
  const account = new storage.StorageAccount('st-lake', {
    resourceGroupName,
    accountName: `st${cfg.prefix}lake${cfg.env}`,
    ...secureAccount(cfg),
    // ADLS Gen2: directories Power BI and Fabric read as folders (date=YYYY-MM-DD/).
    isHnsEnabled: true,
    publicNetworkAccess: 'Enabled',
    networkRuleSet: { defaultAction: 'Allow', bypass: 'AzureServices' },
  });
  const container = new storage.BlobContainer('st-lake-open-data', {
    resourceGroupName,
    accountName: account.name,
    containerName: dataLakeContainers.openData,
    publicAccess: 'None',
  });
  new storage.ManagementPolicy('st-lake-lifecycle', {
    resourceGroupName,
    accountName: account.name,
    managementPolicyName: 'default',
    policy: {
      rules: [
        {
          name: 'open-data-6-years',
          enabled: true,
          type: 'Lifecycle',
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: [`${dataLakeContainers.openData}/service-requests/`] },
            actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: openDataDays } } },
          },
        },
      ],
    },
  });
  grant('role-blob-open-data', { ...app, role: 'storageBlobDataContributor', scope: container.id });
  return { account, container, url: account.primaryEndpoints.blob };
}

export function createIotHub(
  cfg: InfraConfig,
  resourceGroupName: pulumi.Input<string>,
  messaging: { namespace: servicebus.Namespace; queues: readonly servicebus.Queue[] },
  subscriptionId: pulumi.Input<string>,
) {
  // A user-assigned identity, so its role on the queue exists before the hub's route is created.
  const identity = new managedidentity.UserAssignedIdentity('id-iothub', {
    resourceGroupName,
    resourceName: `id-${cfg.prefix}-iothub-${cfg.env}`,
  });
  const readings = messaging.queues[topology.queues.findIndex((q) => q.name === 'device-readings')];
  if (!readings) throw new Error('the topology has no device-readings queue');
  const sender = grant('role-sbq-device-readings-iothub-send', {
    principalId: identity.principalId,
    subscriptionId,
    role: 'serviceBusDataSender',
    scope: readings.id,
  });
  const hub = new iothub.IotHubResource(
    'iot-hub',
    {
      resourceGroupName,
      resourceName: `iot-${cfg.prefix}-${cfg.env}`,
      sku: { name: cfg.env === 'prod' ? 'S1' : 'F1', capacity: 1 },
      identity: { type: 'UserAssigned', userAssignedIdentities: [identity.id] },
      properties: {
        // Devices use their own X.509 identities (decision 1072): no hub-wide shared access key can be
        // used, and no device or module symmetric key either, so a leaked key opens nothing.
        disableLocalAuth: true,
        disableDeviceSAS: true,
        disableModuleSAS: true,
        minTlsVersion: '1.2',
        routing: {
          endpoints: {
            serviceBusQueues: [
              {
                name: 'device-readings',
                authenticationType: 'identityBased',
                identity: { userAssignedIdentity: identity.id },
                endpointUri: pulumi.interpolate`sb://${messaging.namespace.name}.servicebus.windows.net`,
                entityPath: 'device-readings',
                resourceGroup: resourceGroupName,
                subscriptionId,
              },
            ],
          },
          routes: [
            {
              name: 'readings-to-service-bus',
              source: 'DeviceMessages',
              condition: 'true',
              endpointNames: ['device-readings'],
              isEnabled: true,
            },
          ],
          // A message no route takes is dropped rather than kept on the built-in endpoint nobody reads.
          fallbackRoute: {
            name: '$fallback',
            source: 'DeviceMessages',
            condition: 'false',
            endpointNames: ['events'],
            isEnabled: false,
          },
        },
      },
    },
    { dependsOn: [sender] },
  );
  // The council's device CA: a device connects with a certificate it signed, named as its registered
  // device id. Only the public certificate is configured; verified on upload, so Azure needs no
  // proof-of-possession round trip (the deployer vouches for it by configuring it).
  if (cfg.deviceCaCertificate)
    new iothub.Certificate('iot-device-ca', {
      resourceGroupName,
      resourceName: hub.name,
      certificateName: 'device-ca',
      properties: { certificate: cfg.deviceCaCertificate, isVerified: true },
    });
  // The platform team registers, disables and retires device identities with their Entra
  // sign-in (`az iot hub device-identity create --am x509_ca --auth-type login`): registry only.
  if (cfg.operatorsGroupObjectId)
    grant('role-ops-iot-registry', {
      principalId: cfg.operatorsGroupObjectId,
      principalType: 'Group',
      subscriptionId,
      role: 'iotHubRegistryContributor',
      scope: hub.id,
    });
  return { hub, identity };
}
