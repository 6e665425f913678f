/**
 * What every benchmark starts: the embedded stack on free ports (the app's
 * configuration in the environment, as in Azure), then the local Functions host with
 * the app from source. Quiet, and without the TTL sweeper, so only the app works.
 */
import { join } from 'node:path';
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
