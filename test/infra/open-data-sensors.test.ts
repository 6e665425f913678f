/** #18 items 2 and 4 in infra/: the open data lake (ADLS Gen2) and the sensors' IoT Hub route to Service Bus. */
import { beforeAll, describe, expect, it } from 'vitest';
import { builtInRoles } from '../../infra/roles.js';
import { mocked, synthesize, type Recorded } from './synthesize.js';

let resources: Recorded[] = [];
const one = (type: string, name: string) => resources.find((r) => r.type === type && r.name === name);

beforeAll(async () => {
  ({ resources } = await synthesize('prod'));
}, 240_000);

describe('open data lake and sensors in infra', () => {
  it('when provisioned, then the lake is its own ADLS Gen2 account with no keys, and the app may write only its open-data container', () => {
    const lake = one('azure-native:storage:StorageAccount', 'st-lake');
    expect(lake?.inputs).toMatchObject({
      isHnsEnabled: true,
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
    });
    const container = one('azure-native:storage:BlobContainer', 'st-lake-open-data');
    expect(container?.inputs).toMatchObject({ containerName: 'open-data', publicAccess: 'None' });
    const role = one('azure-native:authorization:RoleAssignment', 'role-blob-open-data');
    expect(role?.inputs.scope).toBe(container?.id);
    expect(String(role?.inputs.roleDefinitionId)).toContain(builtInRoles.storageBlobDataContributor);
    const site = one('azure-native:web:WebApp', 'func');
    const settings = (site?.inputs.siteConfig as { appSettings?: { name: string; value: string }[] } | undefined)
      ?.appSettings;
    expect(settings?.find((s) => s.name === 'OPEN_DATA_LAKE_URL')?.value).toBe(
      `https://${String(lake?.inputs.accountName)}.blob.core.windows.net/`,
    );
  });

  it('when provisioned, then IoT Hub routes device messages to device-readings with its own identity, which may only send there', () => {
    const hub = one('azure-native:iothub:IotHubResource', 'iot-hub');
    const props = hub?.inputs.properties as {
      disableLocalAuth: boolean;
      routing: {
        endpoints: { serviceBusQueues: { name: string; authenticationType: string; entityPath: string }[] };
        routes: { source: string; endpointNames: string[]; isEnabled: boolean }[];
      };
    };
    expect(props.disableLocalAuth).toBe(true);
    expect(props.routing.endpoints.serviceBusQueues).toEqual([
      expect.objectContaining({
        name: 'device-readings',
        authenticationType: 'identityBased',
        entityPath: 'device-readings',
      }),
    ]);
    expect(props.routing.routes).toEqual([
      expect.objectContaining({ source: 'DeviceMessages', endpointNames: ['device-readings'], isEnabled: true }),
    ]);
    const send = one('azure-native:authorization:RoleAssignment', 'role-sbq-device-readings-iothub-send');
    expect(send?.inputs.principalId).toBe(mocked.principalId('id-iothub'));
    expect(send?.inputs.scope).toBe(one('azure-native:servicebus:Queue', 'sbq-device-readings')?.id);
    expect(String(send?.inputs.roleDefinitionId)).toContain(builtInRoles.serviceBusDataSender);
    expect(hub?.dependsOn).toContain('role-sbq-device-readings-iothub-send');
  });
});
