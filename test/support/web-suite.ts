/**
 * What a browser test of the website with a look into its data needs: a browser, and
 * a client to the shared stack's Cosmos database (to arrange or check records the
 * pages cannot show). One home, so every such suite opens and closes them alike.
 */
import type { CosmosClient } from '@azure/cosmos';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { launch } from './browser.js';
import { stackCosmos } from './cosmos.js';

export interface WebSuite {
  browser: Browser;
  cosmos: CosmosClient;
}

/** Call in `beforeAll`; close with `closeWebSuite` in `afterAll`. */
export async function openWebSuite(): Promise<WebSuite> {
  const browser = await launch(inject('chromium'));
  return { browser, cosmos: stackCosmos(inject('appSettings')).client };
}

export async function closeWebSuite({ browser, cosmos }: WebSuite): Promise<void> {
  await browser.close();
  cosmos.dispose();
}

/**
 * For a file that needs only the browser: connects in `beforeAll` and closes in `afterAll` (call once,
 * at the file's top level); the returned function gives the browser inside a test.
 */
export function browserForFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch(inject('chromium'));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is connected in beforeAll; use it inside a test');
    return browser;
  };
}
