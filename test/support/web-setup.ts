/**
 * The browser suite's platform: the embedded stack, the API and the resident
 * website on the local Functions host, on free ports, once for all web tests.
 */
import type { TestProject } from 'vitest/node';
import { startWebsite } from '../../local/website.js';
import { findChromium, launchShared } from './browser.js';
import { joinSharedPlatform, quietLog as quiet } from './shared-platform.js';

declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string;
    apiUrl: string;
    issuer: string;
    chromium: string;
    /** The one Chromium every web file connects to (`launch` in browser.ts); absent, a file starts its own. */
    browserEndpoint?: string;
    /** So that a test can age a session as time would. */
    webSessionKey: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Before anything starts: without a browser the suite cannot run, and says how to get one.
  const chromium = findChromium();
  const { stack, api, webPort, release } = await joinSharedPlatform(project.config.root);
  const web = await startWebsite({
    apiUrl: api.url,
    issuer: stack.endpoints.identity.issuer,
    audience: stack.endpoints.identity.audience,
    staff: stack.endpoints.workforceIdentity,
    blobEndpoint: stack.endpoints.blob.endpoint,
    govukPayUrl: stack.govukPay.url,
    port: webPort,
    log: quiet,
  });
  project.provide('webUrl', web.url);
  project.provide('apiUrl', api.url);
  project.provide('issuer', stack.endpoints.identity.issuer);
  project.provide('chromium', chromium);
  const browser = await launchShared(chromium);
  project.provide('browserEndpoint', browser.wsEndpoint());
  project.provide('webSessionKey', web.sessionKey);
  // The contact pages' tests read security codes where Notify's stand-in recorded them.
  project.provide('govukNotifyUrl', stack.govukNotify.url);
  project.provide('appSettings', { ...stack.appSettings });
  return async () => {
    await browser.close();
    await web.close();
    await release();
  };
}
