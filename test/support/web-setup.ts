/**
 * The browser suite's platform: the embedded stack, the API and the resident
 * website on the local Functions host, on free ports, once for all web tests.
 */
import type { TestProject } from 'vitest/node';
import { closeTriggerClients, startFunctionsHost } from '../../local/host/functions-host.js';
import { seedLocalData } from '../../local/seed.js';
import { freePorts, startLocalStack } from '../../local/stack.js';
import { startWebsite } from '../../local/website.js';
import { findChromium } from './browser.js';

declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string;
    apiUrl: string;
    issuer: string;
    chromium: string;
    /** So that a test can age a session as time would. */
    webSessionKey: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Before anything starts: without a browser the suite cannot run, and says how to get one.
  const chromium = findChromium();
  const quiet = process.env.DOORSTEP_TEST_VERBOSE ? (line: string) => console.log(line) : () => undefined;
  const stack = await startLocalStack({ ports: freePorts, log: quiet });
  Object.assign(process.env, stack.appSettings);
  await seedLocalData(stack);
  const api = await startFunctionsHost({ entry: `${project.config.root}/functions/index.ts`, port: 0, log: quiet });
  stack.setPaymentWebhookTarget(`${api.url}/api/payments/webhook`);
  const web = await startWebsite({
    apiUrl: api.url,
    issuer: stack.endpoints.identity.issuer,
    audience: stack.endpoints.identity.audience,
    blobEndpoint: stack.endpoints.blob.endpoint,
    govukPayUrl: stack.govukPay.url,
    log: quiet,
  });
  project.provide('webUrl', web.url);
  project.provide('apiUrl', api.url);
  project.provide('issuer', stack.endpoints.identity.issuer);
  project.provide('chromium', chromium);
  project.provide('webSessionKey', web.sessionKey);
  return async () => {
    await web.close();
    await api.close();
    await closeTriggerClients();
    await stack.close();
  };
}
