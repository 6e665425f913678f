/**
 * What a browser test of the website with a look into its data needs: a browser, and
 * a client to the shared stack's Cosmos database (to arrange or check records the
 * pages cannot show). One home, so every such suite opens and closes them alike.
 */
import { CosmosClient } from '@azure/cosmos';
import type { Browser } from 'playwright-core';
import { inject } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { launch } from './browser.js';
import { cosmosOf } from './outbox.js';

export interface WebSuite {
  browser: Browser;
  cosmos: CosmosClient;
}

/** Call in `beforeAll`; close with `closeWebSuite` in `afterAll`. */
export async function openWebSuite(): Promise<WebSuite> {
  const browser = await launch(inject('chromium'));
  const at = cosmosOf(inject('appSettings').CosmosDb);
  const cosmos = new CosmosClient({
    endpoint: at.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  return { browser, cosmos };
}

export async function closeWebSuite({ browser, cosmos }: WebSuite): Promise<void> {
  await browser.close();
  cosmos.dispose();
}
