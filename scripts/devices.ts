/**
 * `npm run devices -- simulate [--device <id>] [--values 95,97,20,93] [--count N]`
 * `npm run devices -- list`
 * `npm run devices -- register --id <id> --type <bin-fill|gully-level|damp-humidity> --lat <lat> --long=<long> [--uprn <uprn>] [--asset <ref>] [--hub <IoT Hub name>]`
 * `npm run devices -- retire --id <id>`
 *
 * `register` and `retire` write Doorstep's device registry (decision 1128), over
 * `CosmosDb` (a connection string), `CosmosDb__accountEndpoint` (your Entra login) or
 * the local stack. The device's IoT Hub identity is X.509 with the council's CA, so
 * there is no key to give or print: `register` prints the `az` command that creates
 * the identity with the platform team's own sign-in. A negative longitude is
 * written `--long=-2.59` (a bare `-2.59` reads as an option).
 *
 * Plays sensor readings into the `device-readings` queue over the real Service Bus
 * SDK, shaped as IoT Hub's route delivers them (local/iot-hub.ts: locally the stack
 * stands in for IoT Hub and its routing). Without `--values` each starter device
 * sends a reading over its threshold, then one back to normal. Connects like
 * `npm run dlq`: the local stack, or `ServiceBus` / `ServiceBus__fullyQualifiedNamespace`.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CosmosClient } from '@azure/cosmos';
import { AppError } from '../shared/errors.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deviceRules } from '../shared/sensors/model.js';
import { hubIdentityCommand, registerDevice, retireDevice } from '../shared/sensors/registration.js';
import { cosmosDeviceRegistry } from '../shared/sensors/store.js';
import { starterDevices } from '../shared/sensors/starter-devices.js';
import { routedReading } from '../local/iot-hub.js';
import { connect } from './service-bus-connection.js';

async function simulate(device: string | undefined, values: number[] | undefined, count: number): Promise<void> {
  const client = await connect();
  const sender = client.createSender('device-readings');
  try {
    const devices = starterDevices.filter((d) => (device ? d.id === device : d.status === 'active'));
    if (devices.length === 0)
      throw new Error(`No starter device ${device ?? ''}; known: ${starterDevices.map((d) => d.id).join(', ')}`);
    let sent = 0;
    for (let round = 0; round < count; round++) {
      for (const d of devices) {
        const rule = deviceRules[d.type];
        for (const value of values ?? [rule.raiseAt + 5, rule.normalBelow - 5]) {
          await sender.sendMessages(routedReading({ deviceId: d.id, body: { [rule.metric]: value } }));
          sent++;
          console.log(`${d.id} (${d.type}): ${rule.metric}=${value}`);
        }
      }
    }
    console.log(`Sent ${sent} readings to device-readings.`);
  } finally {
    await sender.close();
    await client.close();
  }
}

/** The device registry (the catalogue container), over the configured or the local stack's Cosmos DB. */
async function registry() {
  const database = process.env.COSMOS_DATABASE ?? 'doorstep';
  let client: CosmosClient;
  const connectionString = process.env.CosmosDb;
  const accountEndpoint = process.env.CosmosDb__accountEndpoint;
  if (accountEndpoint) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    client = new CosmosClient({ endpoint: accountEndpoint, aadCredentials: new DefaultAzureCredential() });
  } else {
    const local = connectionString
      ? undefined
      : (JSON.parse(await readFile(join(import.meta.dirname, '../.local/endpoints.json'), 'utf8')) as {
          cosmos: { connectionString: string };
        });
    const parts = new Map(
      (connectionString ?? local?.cosmos.connectionString ?? '')
        .split(';')
        .filter(Boolean)
        .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const),
    );
    client = new CosmosClient({
      endpoint: parts.get('AccountEndpoint') ?? '',
      key: parts.get('AccountKey') ?? '',
      connectionPolicy: { enableEndpointDiscovery: false },
    });
  }
  return { devices: cosmosDeviceRegistry(client.database(database).container('catalogue')), client };
}

const usage =
  'Usage: npm run devices -- simulate [--device id] [--values 95,20] [--count N] | list | register --id id --type type --lat n --long n [--uprn n] [--asset ref] [--hub name] | retire --id id';

async function main(): Promise<void> {
  // Strict: an option this command does not know (a --key, say) stops it before anything is written or printed.
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      device: { type: 'string' },
      values: { type: 'string' },
      count: { type: 'string' },
      id: { type: 'string' },
      type: { type: 'string' },
      lat: { type: 'string' },
      long: { type: 'string' },
      uprn: { type: 'string' },
      asset: { type: 'string' },
      hub: { type: 'string' },
    },
  });
  const [command] = positionals;
  if (command === 'list') {
    for (const d of starterDevices)
      console.log(`${d.id}\t${d.type}\t${d.status}\t${d.location.lat},${d.location.long}`);
    return;
  }
  if (command === 'register' || command === 'retire') {
    const { devices, client } = await registry();
    try {
      if (command === 'retire') {
        const device = await retireDevice(values.id ?? '', { devices });
        console.log(`Retired ${device.id}: its readings are now dead-lettered RetiredDevice.`);
        return;
      }
      const { device, created } = await registerDevice(
        {
          id: values.id,
          type: values.type,
          location: {
            lat: Number(values.lat),
            long: Number(values.long),
            ...(values.uprn ? { uprn: values.uprn } : {}),
          },
          ...(values.asset ? { asset: values.asset } : {}),
        },
        { devices },
      );
      console.log(
        `${created ? 'Registered' : 'Updated'} ${device.id} (${device.type}) at ${device.location.lat},${device.location.long}.`,
      );
      console.log(
        `Its IoT Hub identity (X.509, signed by the council's device CA; no key):\n  ${hubIdentityCommand(device.id, values.hub ?? process.env.IOT_HUB_NAME ?? '<hub name>')}`,
      );
    } finally {
      client.dispose();
    }
    return;
  }
  if (command !== 'simulate') throw new Error(usage);
  await simulate(values.device, values.values?.split(',').map(Number), Number(values.count ?? 1));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    const fields =
      error instanceof AppError ? error.extras.fieldErrors?.map((f) => `\n  ${f.pointer}: ${f.detail}`) : [];
    console.error(error instanceof Error ? `${error.message}${(fields ?? []).join('')}` : error);
    process.exitCode = 1;
  });
}
