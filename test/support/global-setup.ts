/**
 * Starts the embedded stack and the local Functions host on free ports, once for
 * all integration tests, with the app loaded from its TypeScript source.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { closeTriggerClients, startFunctionsHost } from '../../local/host/functions-host.js';
import { seedLocalData } from '../../local/seed.js';
import { freePorts, startLocalStack } from '../../local/stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    hostUrl: string;
    govukPayUrl: string;
    govukNotifyUrl: string;
    appSettings: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const quiet = process.env.DOORSTEP_TEST_VERBOSE ? (line: string) => console.log(line) : () => undefined;
  const stack = await startLocalStack({
    ports: freePorts,
    log: quiet,
  });
  Object.assign(process.env, stack.appSettings);
  await seedLocalData(stack);
  const host = await startFunctionsHost({
    entry: join(project.config.root, 'functions/index.ts'),
    port: 0,
    log: quiet,
  });
  stack.setPaymentWebhookTarget(`${host.url}/api/payments/webhook`);
  project.provide('hostUrl', host.url);
  project.provide('govukPayUrl', stack.govukPay.url);
  project.provide('govukNotifyUrl', stack.govukNotify.url);
  project.provide('appSettings', { ...stack.appSettings });
  return async () => {
    await host.close();
    await closeTriggerClients();
    await stack.close();
  };
}
