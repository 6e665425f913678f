import { CosmosClient } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { aServiceRequest, call } from '../support/api.js';
import { messagesAbout, type ReadOptions } from '../support/service-bus.js';
import { waitFor } from '../support/wait.js';

interface CloudEventBody {
  specversion: string;
  id: string;
  type: string;
  subject: string;
  source: string;
  data: { requestId: string; serviceGroup: string };
}

const eventsAbout = (subject: string, subscription: string, options?: ReadOptions) =>
  messagesAbout('events', subscription, subject, options);

describe('the outbox publisher', () => {
  it('publishes a new request once, as a CloudEvent, to the subscriptions whose filters match', async () => {
    const created = await call('POST', 'requests', {
      as: `resident-${randomUUID().slice(0, 8)}`,
      body: aServiceRequest(),
    });
    const { id } = (await created.json()) as { id: string };
    const [crm, roads] = await Promise.all([
      eventsAbout(id, 'crm', { atLeast: 1 }),
      eventsAbout(id, 'highways-contractor', {
        atLeast: 1,
        marker: { applicationProperties: { serviceGroup: 'roads' } },
      }),
    ]);
    // The event was published (the others have it): had the waste filter matched, it would be there already.
    const waste = await eventsAbout(id, 'waste-contractor', {
      marker: { applicationProperties: { serviceGroup: 'waste' } },
    });
    expect(crm).toHaveLength(1);
    const event = crm[0]?.body as CloudEventBody;
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'uk.gov.doorstep.request.submitted',
      subject: id,
      source: '/doorstep/requests',
      data: { requestId: id, serviceGroup: 'roads' },
    });
    expect(crm[0]?.messageId).toBe(event.id);
    expect(crm[0]?.contentType).toMatch(/^application\/cloudevents\+json/);
    expect(JSON.stringify(event)).not.toContain('resident-');
    expect(roads).toHaveLength(1);
    expect(waste).toHaveLength(0);
  });

  it('when the publisher runs again for an entry it already sent (a crash before marking), subscribers still get it once', async () => {
    const created = await call('POST', 'requests', {
      as: `resident-${randomUUID().slice(0, 8)}`,
      body: aServiceRequest({ serviceCode: 'graffiti', attributes: { offensive: 'no' } }),
    });
    const { id } = (await created.json()) as { id: string };
    const cosmos = new CosmosClient({
      endpoint: inject('appSettings').CosmosDb?.match(/AccountEndpoint=([^;]+)/)?.[1] ?? '',
      key: emulatorKey,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const outbox = cosmos.database('doorstep').container('requests');
    const entry = await waitFor(
      async () => {
        const { resources } = await outbox.items
          .query<Record<string, unknown>>({
            query: "SELECT * FROM c WHERE c.pk = @p AND c.type = 'outbox'",
            parameters: [{ name: '@p', value: id }],
          })
          .fetchAll();
        return resources[0]?.state === 'sent' ? resources[0] : undefined;
      },
      { what: 'the outbox entry to be marked sent' },
    );
    expect(entry.state).toBe('sent');
    cosmos.dispose();
    // The same entry, as the change feed would deliver it again after a crash before the mark.
    const replay = await fetch(`${inject('hostUrl')}/admin/functions/outbox-requests`, {
      method: 'POST',
      body: JSON.stringify({ input: [{ ...entry, state: 'pending' }] }),
    });
    expect(replay.status).toBe(202);
    // The replay has returned, so its send is done: the marker comes after any copy of it.
    expect(await eventsAbout(id, 'crm', { atLeast: 1 })).toHaveLength(1);
  });
});
