/**
 * The embedded stack and the API's Functions host that the integration and web projects
 * share. Vitest runs every project's global setup in its one main process, and both
 * the app's configuration and the local Functions registry are process-wide: two stacks
 * there would fight over `process.env` and register the API twice. So the first setup
 * starts them, later ones join, and the last teardown stops them. The state lives on
 * globalThis because each project loads its setup through its own module runner.
 */
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { closeTriggerClients, startFunctionsHost, type FunctionsHost } from '../../local/host/functions-host.js';
import { seedLocalData } from '../../local/seed.js';
import { freePorts, startLocalStack, type LocalStack } from '../../local/stack.js';

export interface SharedPlatform {
  readonly stack: LocalStack;
  readonly api: FunctionsHost;
  /**
   * The port the website will listen on (test/support/web-setup.ts), chosen before the API
   * starts: the API's PAYMENT_RETURN_URL points at that site, as it points at the council's
   * site in Azure, so GOV.UK Pay's pages send residents back to it.
   */
  readonly webPort: number;
}

async function reservePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface State {
  started?: Promise<SharedPlatform>;
  users: number;
}

const key = Symbol.for('doorstep.test.shared-platform');
const state: State = ((globalThis as Record<symbol, unknown>)[key] as State | undefined) ?? { users: 0 };
(globalThis as Record<symbol, unknown>)[key] = state;

export const quietLog = process.env.DOORSTEP_TEST_VERBOSE ? (line: string) => console.log(line) : () => undefined;

async function start(root: string): Promise<SharedPlatform> {
  const webPort = await reservePort();
  // The test site's origin may PUT to upload links (the documents account's CORS, as in Azure): without it every
  // browser PUT is refused at its preflight, and the enhancement script quietly falls back to the plain form.
  const stack = await startLocalStack({
    ports: freePorts,
    log: quietLog,
    webOrigins: [`http://127.0.0.1:${webPort}`, 'http://127.0.0.1:3000', 'http://localhost:3000'],
  });
  Object.assign(stack.appSettings, {
    PAYMENT_RETURN_URL: `http://127.0.0.1:${webPort}/pay/return`,
  });
  Object.assign(process.env, stack.appSettings);
  await seedLocalData(stack);
  const api = await startFunctionsHost({ entry: join(root, 'functions/index.ts'), port: 0, log: quietLog });
  stack.setPaymentWebhookTarget(`${api.url}/api/payments/webhook`);
  return { stack, api, webPort };
}

/** The shared platform, started on first use; call the returned release when done with it. */
export async function joinSharedPlatform(root: string): Promise<SharedPlatform & { release: () => Promise<void> }> {
  state.users += 1;
  state.started ??= start(root);
  const platform = await state.started;
  return {
    ...platform,
    release: async () => {
      state.users -= 1;
      if (state.users > 0) return;
      state.started = undefined;
      await platform.api.close();
      await closeTriggerClients();
      await platform.stack.close();
    },
  };
}
