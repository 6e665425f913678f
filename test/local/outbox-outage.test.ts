/**
 * Service Bus down for a while: changes are still accepted (they are in Cosmos with
 * their outbox events), and once Service Bus is back the publisher catches up,
 * each event exactly once.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { seedLocalData } from '../../local/seed.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
let token: string;

beforeAll(async () => {
  platform = await startTestPlatform(join(import.meta.dirname, '../../functions/index.ts'), {
    DEPENDENCY_TIMEOUT_MS: '1000',
  });
  await seedLocalData(platform.stack);
  token = await requestDevToken(platform.stack.endpoints.identity.issuer, 'outage-test', ['resident']);
});
afterAll(() => platform.close());

const report = async (n: number) => {
  const response = await fetch(`${platform.host.url}/api/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      serviceCode: 'pothole',
      description: `Storm damage ${n}`,
      location: { lat: 51.45, long: -2.59 },
      attributes: { where: 'road', size: 'large' },
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
};

describe('the outbox during a Service Bus outage', () => {
  it('accepts reports while Service Bus is down and publishes every event once when it is back', async () => {
    await platform.stack.serviceBus.suspend();
    const ids = [await report(1), await report(2), await report(3)];
    // Long enough for several failed publish attempts.
    await new Promise((r) => setTimeout(r, 3000));
    await platform.stack.serviceBus.resume();

    const client = new ServiceBusClient(platform.stack.appSettings.ServiceBus ?? '');
    const receiver = client.createReceiver('events', 'crm', { receiveMode: 'receiveAndDelete' });
    const seen: string[] = [];
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && seen.length < 3) {
      for (const m of await receiver.receiveMessages(10, { maxWaitTimeInMs: 500 })) seen.push(String(m.correlationId));
    }
    // Anything extra would have arrived by now.
    for (const m of await receiver.receiveMessages(10, { maxWaitTimeInMs: 1500 })) seen.push(String(m.correlationId));
    await receiver.close();
    await client.close();
    expect(seen.sort()).toEqual([...ids].sort());
  });
});
