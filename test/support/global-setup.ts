/**
 * Starts the embedded stack and the local Functions host on free ports, once for
 * all integration tests, with the app loaded from its TypeScript source.
 */
import type { TestProject } from 'vitest/node';
import { joinSharedPlatform } from './shared-platform.js';

declare module 'vitest' {
  export interface ProvidedContext {
    hostUrl: string;
    govukPayUrl: string;
    govukNotifyUrl: string;
    appSettings: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { stack, api, release } = await joinSharedPlatform(project.config.root);
  project.provide('hostUrl', api.url);
  project.provide('govukPayUrl', stack.govukPay.url);
  project.provide('govukNotifyUrl', stack.govukNotify.url);
  project.provide('appSettings', { ...stack.appSettings });
  return release;
}
