/**
 * What the sweep timer is for: a webhook that never arrives, and a payment the
 * resident abandons until GOV.UK Pay expires it. Own stack, so webhooks can be
 * lost on purpose and the stand-in's clock moved.
 */
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { startSeededApp, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
let token: string;
let api: string;

beforeAll(async () => {
  // No webhook target: every webhook is lost.
  ({ platform, token } = await startSeededApp({ PAYMENT_SWEEP_AFTER_MINUTES: '0' }, 'sweeper-test'));
  api = `${platform.host.url}/api`;
});
afterAll(() => platform.close());

const auth = () => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
const startPayment = async (itemCode: string, extra: Record<string, unknown> = {}) =>
  (await (
    await fetch(`${api}/payments`, { method: 'POST', headers: auth(), body: JSON.stringify({ itemCode, ...extra }) })
  ).json()) as { id: string; nextUrl: string };
const myPayments = async () =>
  (
    (await (await fetch(`${api}/me/payments`, { headers: auth() })).json()) as {
      items: { id: string; status: string }[];
    }
  ).items;
const sweep = async () =>
  expect(
    (await fetch(`${platform.host.url}/admin/functions/payments-sweep`, { method: 'POST', body: '{}' })).status,
  ).toBe(202);

describe('the payment sweep', () => {
  it('finishes a paid payment whose webhook was lost, publishes its final event once, and marks the notice paid', async () => {
    const payment = await startPayment('parking-penalty', { reference: 'BS87654321' });
    await fetch(payment.nextUrl);
    await fetch(payment.nextUrl, {
      method: 'POST',
      body: new URLSearchParams({ card_number: '4444333322221111', action: 'pay' }),
      redirect: 'manual',
    });
    // Nothing has told Doorstep yet: the resident did not come back and the webhook was lost.
    expect((await myPayments()).find((p) => p.id === payment.id)?.status).toBe('created');
    await sweep();
    await sweep();
    expect((await myPayments()).find((p) => p.id === payment.id)?.status).toBe('success');

    const client = new CosmosClient({
      endpoint: platform.stack.endpoints.cosmos.endpoint,
      key: emulatorKey,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const { resources } = await client
      .database('doorstep')
      .container('payments')
      .items.query({
        query: "SELECT * FROM c WHERE c.pk = @p AND c.type = 'outbox'",
        parameters: [{ name: '@p', value: payment.id }],
      })
      .fetchAll();
    expect(
      resources.map((e: { event: { type: string; data: { status: string } } }) => [e.event.type, e.event.data.status]),
    ).toEqual([['uk.gov.doorstep.payment.finished', 'success']]);
    client.dispose();

    const again = await fetch(`${api}/payments`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ itemCode: 'parking-penalty', reference: 'BS87654321' }),
    });
    expect(again.status).toBe(422);
  });

  it('records an abandoned payment as failed once GOV.UK Pay has expired it', async () => {
    const payment = await startPayment('garden-waste');
    const [atProvider] = (
      (await (
        await fetch(`${platform.stack.govukPay.url}/v1/payments?reference=${payment.id}`, {
          headers: { authorization: `Bearer ${platform.stack.govukPay.apiKey}` },
        })
      ).json()) as { results: { payment_id: string }[] }
    ).results;
    platform.stack.govukPay.age(atProvider?.payment_id ?? '', 91 * 60_000);
    await sweep();
    expect((await myPayments()).find((p) => p.id === payment.id)?.status).toBe('failed');
  });
});
