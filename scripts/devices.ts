/**
 * `npm run devices -- simulate [--device <id>] [--values 95,97,20,93] [--count N]`
 * `npm run devices -- list`
 *
 * Plays sensor readings into the `device-readings` queue over the real Service Bus
 * SDK, shaped as IoT Hub's route delivers them (local/iot-hub.ts: locally the stack
 * stands in for IoT Hub and its routing). Without `--values` each starter device
 * sends a reading over its threshold, then one back to normal. Connects like
 * `npm run dlq`: the local stack, or `ServiceBus` / `ServiceBus__fullyQualifiedNamespace`.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deviceRules } from '../shared/sensors/model.js';
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

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { device: { type: 'string' }, values: { type: 'string' }, count: { type: 'string' } },
  });
  const [command] = positionals;
  if (command === 'list') {
    for (const d of starterDevices)
      console.log(`${d.id}\t${d.type}\t${d.status}\t${d.location.lat},${d.location.long}`);
    return;
  }
  if (command !== 'simulate')
    throw new Error('Usage: npm run devices -- simulate [--device id] [--values 95,20] [--count N] | list');
  await simulate(values.device, values.values?.split(',').map(Number), Number(values.count ?? 1));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
