/**
 * Service Bus down for a while: changes are still accepted (they are in Cosmos with
 * their outbox events), and once Service Bus is back the publisher catches up,
 * each event exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxPublished } from '../support/outbox.js';
import { startSeededApp, type TestPlatform } from '../support/platform.js';
import { readSubscription } from '../support/service-bus.js';
import { waitFor } from '../support/wait.js';

let platform: TestPlatform;
let token: string;

beforeAll(async () => {
  ({ platform, token } = await startSeededApp({ DEPENDENCY_TIMEOUT_MS: '1000' }, 'outage-test'));
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
    const attempts = () => platform.host.invocations().get('outbox-requests')?.count ?? 0;
    await platform.stack.serviceBus.suspend();
    const ids = [await report(1), await report(2), await report(3)];
    // Several failed publish attempts, counted rather than waited for.
    const before = attempts();
    await waitFor(() => attempts() >= before + 3, { what: 'failed publish attempts' });
    await platform.stack.serviceBus.resume();

    // Every entry published, then a marker behind them: anything extra would be read before it.
    await outboxPublished(platform.stack.endpoints.cosmos, ids);
    const seen = await readSubscription(
      platform.stack.appSettings.ServiceBus ?? '',
      'events',
      'crm',
      (m) => ids.includes(String(m.correlationId)),
      { atLeast: 3 },
    );
    expect(seen.map((m) => String(m.correlationId)).sort()).toEqual([...ids].sort());
  });
});
