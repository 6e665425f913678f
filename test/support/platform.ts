/**
 * A private embedded stack and Functions host for one test file: for tests that
 * stop dependencies, load another entry, or change settings.
 */
import { join } from 'node:path';
import { requestDevToken } from '../../local/identity/provider.js';
import { seedLocalData } from '../../local/seed.js';
import { closeTriggerClients, startFunctionsHost, type FunctionsHost } from '../../local/host/functions-host.js';
import { freePorts, startLocalStack, type LocalStack } from '../../local/stack.js';

export interface TestPlatform {
  readonly stack: LocalStack;
  readonly host: FunctionsHost;
  close(): Promise<void>;
}

export async function startTestPlatform(entry: string, settings: Record<string, string> = {}): Promise<TestPlatform> {
  const stack = await startLocalStack({
    ports: freePorts,
    log: () => undefined,
  });
  Object.assign(process.env, stack.appSettings, settings);
  const host = await startFunctionsHost({ entry, port: 0, log: () => undefined });
  return {
    stack,
    host,
    async close() {
      await host.close();
      await closeTriggerClients();
      await stack.close();
    },
  };
}

/** The app itself on a private stack, seeded as `npm start` seeds it, with a token for one resident. */
export async function startSeededApp(
  settings: Record<string, string>,
  resident: string,
): Promise<{ platform: TestPlatform; token: string }> {
  const platform = await startTestPlatform(join(import.meta.dirname, '../../functions/index.ts'), settings);
  await seedLocalData(platform.stack);
  const token = await requestDevToken(platform.stack.endpoints.identity.issuer, resident, ['resident']);
  return { platform, token };
}
