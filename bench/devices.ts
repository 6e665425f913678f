/**
 * `npm run bench:devices`: sensor readings applied per second, end to end, next to
 * what the Service Bus SDK itself does against the same local emulator.
 *
 * 1. Raw SDK: BENCH_RAW (default 3000) messages sent in batches of 100 to the
 *    `device-readings` queue, then received and completed (batches of 100), before
 *    the app is started, so nothing else consumes them.
 * 2. End to end: BENCH_READINGS (default 1000) readings from the seeded active
 *    devices (shared/sensors/starter-devices.ts), round robin, shaped as IoT Hub's
 *    route delivers them (local/iot-hub.ts, as `npm run devices -- simulate` sends
 *    them), in batches of 100. Mostly normal readings; every BENCH_INCIDENT_EVERY
 *    (default 50) readings of a device, an incident: one reading over the threshold
 *    for a bin or gully, two over it 6 hours apart for a damp sensor (its rule wants
 *    the humidity held). The reading after it is normal again, which re-arms the
 *    device. IoT Hub's enqueue time is simulated (10 minutes between readings of a
 *    device), so hours of readings play at once. Then the `sensor-readings` drain
 *    (registry read, state read, conditional state write; the raise through the
 *    same use case residents use) is invoked back to back through the admin
 *    endpoint, as if the queue were never idle, until the queue is empty. The clock
 *    runs from the first send until then (after one warm-up run on the empty queue,
 *    so loading the function and its clients is left out; each run ends on a 0.5 s
 *    receive that finds nothing, which is in). The host's own triggers are off, so no
 *    timer drain competes with the driven one (a second receiver could apply one
 *    device's readings out of order) and nothing else uses the machine.
 * Afterwards it checks the requests raised by sensors equal the incidents sent
 * (failing loudly if not) and counts the dead-letter queue. Only three devices are
 * seeded and a device's readings are applied in order, so the drain applies at most
 * three readings at a time: the figure is per three devices, not per fleet.
 */
import { CosmosClient } from '@azure/cosmos';
import { ServiceBusClient, type ServiceBusMessage } from '@azure/service-bus';
import { emulatorKey } from '../local/cosmos.js';
import { routedReading } from '../local/iot-hub.js';
import { closeBench, rawServiceBusPhase, startBenchHost, startBenchStack } from './platform.js';
import { deviceRules, type Device } from '../shared/sensors/model.js';
import { starterDevices } from '../shared/sensors/starter-devices.js';

const rawCount = Number(process.env.BENCH_RAW ?? 3000);
const readingCount = Number(process.env.BENCH_READINGS ?? 1000);
const incidentEvery = Number(process.env.BENCH_INCIDENT_EVERY ?? 50);
const queue = 'device-readings';

const stack = await startBenchStack();
const bus = new ServiceBusClient(stack.appSettings.ServiceBus ?? '');
const rate = (n: number, ms: number) => n / (ms / 1000);

// 1. The SDK alone.
const { sender, rawSendMs, rawReceiveMs, received } = await rawServiceBusPhase(bus, queue, rawCount);

// 2. End to end through the app.
const active = starterDevices.filter((d) => d.status === 'active');
let incidentsSent = 0;
/** One device's readings: normal, but for an incident every `incidentEvery` readings. */
function readingsOf(device: Device, length: number, start: number): ServiceBusMessage[] {
  const rule = deviceRules[device.type];
  const out: ServiceBusMessage[] = [];
  let at = start;
  const send = (value: number) => {
    out.push(routedReading({ deviceId: device.id, body: { [rule.metric]: value }, at: new Date(at) }));
    at += 10 * 60_000;
  };
  while (out.length < length) {
    const room = length - out.length;
    const high = rule.raiseAt + 5;
    // An incident needs a normal reading before it (so the device is armed) and must fit.
    const held = rule.sustainMinutes > 0;
    if ((out.length + 1) % incidentEvery === 0 && room >= (held ? 2 : 1)) {
      send(high);
      if (held) {
        at += rule.sustainMinutes * 60_000;
        send(high);
      }
      incidentsSent++;
    } else {
      // Somewhere below the level that re-arms the device.
      send(Math.round(rule.normalBelow * (0.3 + Math.random() * 0.6)));
    }
  }
  return out;
}
const start = Date.now() - 365 * 24 * 3_600_000;
const perDevice = active.map((d, i) =>
  readingsOf(d, Math.floor(readingCount / active.length) + (i < readingCount % active.length ? 1 : 0), start),
);
const messages: ServiceBusMessage[] = [];
for (let i = 0; messages.length < readingCount; i++)
  for (const readings of perDevice) {
    const m = readings[i];
    if (m) messages.push(m);
  }

const host = await startBenchHost(stack, { triggers: false });
const drain = () => fetch(`${host.url}/admin/functions/sensor-readings`, { method: 'POST', body: '{}' });
const queueEmpty = async () => {
  // A fresh receiver each time: a receiver's peeks go on from where its last one stopped.
  const peeker = bus.createReceiver(queue);
  const left = await peeker.peekMessages(1);
  await peeker.close();
  return left.length === 0;
};
// One run on the empty queue first, so the clock leaves out loading the function and its clients.
await drain();
const t = performance.now();
for (let i = 0; i < messages.length; i += 100) await sender.sendMessages(messages.slice(i, i + 100));
const sendMs = performance.now() - t;
let drains = 0;
const deadline = Date.now() + 300_000;
do {
  await drain();
  drains++;
} while (!(await queueEmpty()) && Date.now() < deadline);
const e2eMs = performance.now() - t;

const cosmos = new CosmosClient({
  endpoint: stack.endpoints.cosmos.endpoint,
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
const raised =
  (
    await cosmos
      .database(stack.endpoints.cosmos.database)
      .container('requests')
      .items.query<number>("SELECT VALUE COUNT(1) FROM c WHERE c.type = 'request' AND c.source = 'sensor'")
      .fetchAll()
  ).resources[0] ?? 0;
const deadLetters = bus.createReceiver(queue, { subQueueType: 'deadLetter' });
let dead = 0;
for (let page = await deadLetters.peekMessages(100); page.length > 0; page = await deadLetters.peekMessages(100))
  dead += page.length;
await deadLetters.close();
const left = !(await queueEmpty());

const receivePerSecond = rate(received, rawReceiveMs);
const e2ePerSecond = rate(messages.length, e2eMs);
const row = (label: string, n: number, ms: number) =>
  console.log(
    `  ${label.padEnd(48)}${String(n).padStart(8)} ${ms.toFixed(0).padStart(7)} ${rate(n, ms).toFixed(0).padStart(7)}`,
  );
console.log(`\nSensor readings: local Service Bus emulator, node ${process.version}\n`);
console.log('  path                                            messages      ms   msg/s');
row('SDK send (batches of 100)', rawCount, rawSendMs);
row('SDK receive + complete (batches of 100)', received, rawReceiveMs);
row('Readings sent (batches of 100)', messages.length, sendMs);
row(`End to end: sent → applied (${active.length} devices)`, messages.length, e2eMs);
console.log(
  `  End to end as a share of the SDK's receive rate: ${((e2ePerSecond / receivePerSecond) * 100).toFixed(0)}% (1 : ${(receivePerSecond / e2ePerSecond).toFixed(1)})`,
);
console.log(
  `\n  ${drains} drain run(s); incidents sent: ${incidentsSent}; requests raised: ${raised}; dead-lettered: ${dead}${left ? '; readings LEFT on the queue (deadline)' : ''}`,
);
console.log('  In Azure the drain runs every 5 s (timer), so a lone reading waits up to 5 s before it is applied.\n');

await sender.close();
await bus.close();
cosmos.dispose();
await closeBench(stack, host);

if (raised !== incidentsSent || left) {
  console.error(
    `FAILED: ${raised} requests raised for ${incidentsSent} incidents sent${left ? ', and readings were left on the queue' : ''}.`,
  );
  process.exitCode = 1;
}
