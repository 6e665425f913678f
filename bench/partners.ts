/**
 * `npm run bench:partners`: partner messages applied per second, end to end, next
 * to what the Service Bus SDK itself does against the same local emulator.
 *
 * 1. Raw SDK: BENCH_RAW (default 3000) messages sent in batches of 100 to
 *    the highways contractor's queue `partner-inbound-highways-contractor`, then received and completed (batches of 100), before the
 *    app is started, so nothing else consumes them.
 * 2. End to end: BENCH_REQUESTS (default 250) reports made over HTTP and
 *    dispatched; then a contractor's four messages each (acknowledge, scheduled,
 *    started, completed: the `npm run partner -- simulate` sequence) are sent, and
 *    the partner-inbound function drains them through the use cases (Cosmos
 *    reads, transactional batches with outbox events, projections). The clock runs
 *    from the first send to the last request fixed. The drain is invoked
 *    back to back through the admin endpoint, as if the queue were never idle.
 * Afterwards it checks each request holds exactly three partner updates and the
 * dead-letter queue is empty.
 */
import { CosmosClient } from '@azure/cosmos';
import { ServiceBusClient, type ServiceBusMessage } from '@azure/service-bus';
import { emulatorKey } from '../local/cosmos.js';
import { requestDevToken } from '../local/identity/provider.js';
import { closeBench, rawServiceBusPhase, startBenchHost, startBenchStack } from './platform.js';
import { partnerMessage } from '../scripts/partner.js';
import { partnerInboundQueue } from '../shared/messaging/topology.js';

const rawCount = Number(process.env.BENCH_RAW ?? 3000);
const requestCount = Number(process.env.BENCH_REQUESTS ?? 250);

const stack = await startBenchStack();
const bus = new ServiceBusClient(stack.appSettings.ServiceBus ?? '');
const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(0);

// 1. The SDK alone.
// The highways contractor's own queue: the queue is the sender.
const queue = partnerInboundQueue('highways-contractor');
const { sender, rawSendMs, rawReceiveMs, received } = await rawServiceBusPhase(bus, queue, rawCount);

// 2. End to end through the app.
const host = await startBenchHost(stack);
const { api } = host;
const tokens = await Promise.all(
  Array.from({ length: 20 }, (_, i) => requestDevToken(stack.endpoints.identity.issuer, `bench-${i}`, ['resident'])),
);
const ids: string[] = [];
await Promise.all(
  Array.from({ length: 16 }, async (_, worker) => {
    for (let n = worker; n < requestCount; n += 16) {
      const response = await fetch(`${api}/requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[n % tokens.length] ?? ''}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          serviceCode: 'pothole',
          description: 'Benchmark pothole',
          location: { lat: 51.42 + Math.random() * 0.1, long: -2.7 + Math.random() * 0.18 },
          attributes: { where: 'road', size: 'small' },
        }),
      });
      if (response.status === 201) ids.push(((await response.json()) as { id: string }).id);
    }
  }),
);
const cosmos = new CosmosClient({
  endpoint: stack.endpoints.cosmos.endpoint,
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
const requests = cosmos.database(stack.endpoints.cosmos.database).container('requests');
let benchOps = 0; // the bench's own polling, kept out of the app's operations per message
const count = async (where: string) => {
  const before = stack.cosmos.operations();
  const n =
    (await requests.items.query<number>(`SELECT VALUE COUNT(1) FROM c WHERE ${where}`).fetchAll()).resources[0] ?? 0;
  benchOps += stack.cosmos.operations() - before;
  return n;
};
const appOps = () => stack.cosmos.operations() - stack.cosmos.operationsByKind().host - benchOps;
const waitFor = async (what: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await what()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
};
await waitFor(async () => (await count("c.type = 'dispatch' AND c.state = 'sent'")) >= ids.length, 60_000);

const messages: ServiceBusMessage[] = ids.flatMap((id) => {
  const ref = `HW-${id.slice(0, 8)}`;
  return [
    partnerMessage(id, { kind: 'acknowledged', partnerReference: ref }),
    partnerMessage(ref, {
      kind: 'status-change',
      status: 'action-scheduled',
      publicUpdate: 'Booked.',
      updateId: `${ref}/1`,
    }),
    partnerMessage(ref, { kind: 'status-change', status: 'in-progress', updateId: `${ref}/2` }),
    partnerMessage(ref, { kind: 'completion', notes: 'Repaired.', updateId: `${ref}/3` }),
  ];
});
const drain = () => fetch(`${host.url}/admin/functions/partner-inbound`, { method: 'POST', body: '{}' });
const opsBefore = appOps();
let t = performance.now();
for (let i = 0; i < messages.length; i += 100) await sender.sendMessages(messages.slice(i, i + 100));
let fixed = 0;
const deadline = Date.now() + 300_000;
while (fixed < ids.length && Date.now() < deadline) {
  await drain();
  fixed = await count("c.type = 'request' AND c.status = 'fixed'");
}
const e2eMs = performance.now() - t;
const opsPerMessage = (appOps() - opsBefore) / messages.length;

// The floor's Cosmos part: point reads and upserts through the SDK, 16 at a time, as fast as the emulator goes.
const floorOps = 2000;
t = performance.now();
await Promise.all(
  Array.from({ length: 16 }, async (_, worker) => {
    for (let n = worker; n < floorOps; n += 32) {
      const id = ids[n % ids.length] ?? '';
      await requests.item(id, id).read();
      await requests.items.upsert({ id: `floor:${n}`, pk: `floor:${n}`, type: 'floor', padding: 'x'.repeat(1000) });
    }
  }),
);
const cosmosOpsPerSecond = floorOps / ((performance.now() - t) / 1000);
const receivePerSecond = received / (rawReceiveMs / 1000);
const floorPerSecond = 1 / (1 / receivePerSecond + opsPerMessage / cosmosOpsPerSecond);

const partnerUpdates = (
  await requests.items
    .query<{ timeline: { by: string }[] }>("SELECT c.timeline FROM c WHERE c.type = 'request'")
    .fetchAll()
).resources.map((r) => r.timeline.filter((e) => e.by === 'partner').length);
const dead = await bus.createReceiver(queue, { subQueueType: 'deadLetter' }).peekMessages(100);

console.log(`\nPartner messages: local Service Bus emulator, node ${process.version}\n`);
console.log('  path                                            messages      ms   msg/s');
console.log(
  `  SDK send (batches of 100)                       ${String(rawCount).padStart(8)} ${rawSendMs.toFixed(0).padStart(7)} ${rate(rawCount, rawSendMs).padStart(7)}`,
);
console.log(
  `  SDK receive + complete (batches of 100)         ${String(received).padStart(8)} ${rawReceiveMs.toFixed(0).padStart(7)} ${rate(received, rawReceiveMs).padStart(7)}`,
);
console.log(
  `  End to end: sent → validated → applied → fixed  ${String(messages.length).padStart(8)} ${e2eMs.toFixed(0).padStart(7)} ${rate(messages.length, e2eMs).padStart(7)}`,
);
console.log(
  `  Floor: SDK receive + complete, then ${opsPerMessage.toFixed(1)} Cosmos ops/message at ${cosmosOpsPerSecond.toFixed(0)} ops/s (SDK direct)            ${floorPerSecond.toFixed(0).padStart(7)}`,
);
console.log(
  `  End to end as a share of the floor: ${((messages.length / (e2eMs / 1000) / floorPerSecond) * 100).toFixed(0)}%`,
);
console.log(
  `\n  ${fixed}/${ids.length} requests fixed; partner updates per request: ${[...new Set(partnerUpdates)].join(', ')} (3 expected, each applied once); dead-lettered: ${dead.length}`,
);
console.log('  In Azure the drain runs every 10 s (timer), so a lone message waits up to 10 s before it is applied.\n');

await sender.close();
await bus.close();
await closeBench(stack, host);
