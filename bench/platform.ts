/**
 * What every benchmark starts: the embedded stack on free ports (the app's
 * configuration in the environment, as in Azure), then the local Functions host with
 * the app from source. Quiet, and without the TTL sweeper, so only the app works.
 */
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { requestDevToken } from '../local/identity/provider.js';
import { startWebsite } from '../local/website.js';
import { closeTriggerClients, startFunctionsHost, type FunctionsHost } from '../local/host/functions-host.js';
import { seedLocalData } from '../local/seed.js';
import { freePorts, startLocalStack, type LocalStack } from '../local/stack.js';

export async function startBenchStack(options: { seed?: boolean } = {}): Promise<LocalStack> {
  const stack = await startLocalStack({ ports: freePorts, log: () => undefined, sweepTtl: false });
  // Benchmarks measure throughput, not the per-caller limits.
  Object.assign(process.env, stack.appSettings, { RATE_LIMITS: 'off' });
  if (options.seed !== false) await seedLocalData(stack);
  return stack;
}

/** The host, with its triggers unless `triggers: false`; GOV.UK Pay's webhooks go to it. */
export async function startBenchHost(
  stack: LocalStack,
  options: { triggers?: boolean } = {},
): Promise<FunctionsHost & { readonly api: string }> {
  const host = await startFunctionsHost({
    entry: join(import.meta.dirname, '../functions/index.ts'),
    port: 0,
    log: () => undefined,
    ...(options.triggers === false ? { enableTriggers: false } : {}),
  });
  stack.setPaymentWebhookTarget(`${host.url}/api/payments/webhook`);
  return Object.assign(host, { api: `${host.url}/api` });
}

export async function closeBench(stack: LocalStack, host: FunctionsHost): Promise<void> {
  await host.close();
  await closeTriggerClients();
  await stack.close();
}

/**
 * What the Service Bus SDK alone does against the emulator, for a benchmark to set its app figures
 * beside: `count` messages sent to `queue` in batches of 100, then received and completed in batches
 * of 100. Run before the app starts, so nothing else consumes them. The sender stays open for the
 * benchmark's own sends.
 */
export async function rawServiceBusPhase(
  bus: ServiceBusClient,
  queue: string,
  count: number,
): Promise<{ sender: ServiceBusSender; rawSendMs: number; rawReceiveMs: number; received: number }> {
  const sender = bus.createSender(queue);
  const body = { kind: 'noise', padding: 'x'.repeat(300) };
  let t = performance.now();
  for (let i = 0; i < count; i += 100) {
    await sender.sendMessages(
      Array.from({ length: Math.min(100, count - i) }, () => ({ messageId: randomUUID(), body })),
    );
  }
  const rawSendMs = performance.now() - t;
  const receiver = bus.createReceiver(queue);
  t = performance.now();
  let received = 0;
  while (received < count) {
    const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 1000 });
    if (batch.length === 0) break;
    await Promise.all(batch.map((m) => receiver.completeMessage(m)));
    received += batch.length;
  }
  const rawReceiveMs = performance.now() - t;
  await receiver.close();
  return { sender, rawSendMs, rawReceiveMs, received };
}

/** The resident website on the local Functions host, beside the bench's API and stack (as `npm start`). */
export function startBenchWebsite(stack: LocalStack, api: FunctionsHost, entry: string) {
  return startWebsite({
    apiUrl: api.url,
    issuer: stack.endpoints.identity.issuer,
    audience: stack.endpoints.identity.audience,
    staff: stack.endpoints.workforceIdentity,
    blobEndpoint: stack.endpoints.blob.endpoint,
    govukPayUrl: stack.govukPay.url,
    entry,
    log: () => undefined,
  });
}

/** A resident signed in as `sub` with one pothole reported through the API, and the first address of DB1 1AB. */
export async function benchResidentWithReport(
  stack: LocalStack,
  api: string,
  sub: string,
): Promise<{ token: string; created: { id: string }; address: unknown }> {
  const token = await requestDevToken(stack.endpoints.identity.issuer, sub, ['resident']);
  const asResident = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const address = (
    (await (await fetch(`${api}/addresses?q=DB1%201AB`, { headers: asResident })).json()) as { items: unknown[] }
  ).items[0];
  const created = (await (
    await fetch(`${api}/requests`, {
      method: 'POST',
      headers: asResident,
      body: JSON.stringify({
        serviceCode: 'pothole',
        description: 'Deep pothole outside the bakery',
        location: { lat: 51.4545, long: -2.5879 },
        attributes: { where: 'road', size: 'medium' },
      }),
    })
  ).json()) as { id: string };
  return { token, created, address };
}
