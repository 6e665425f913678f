/**
 * Care partners by consent (#18 item 3, decision 1102): a care event reaches a care
 * partner's own `care-events` subscription only while the resident's consent for that
 * partner stands. "Nothing was sent" is judged after the request's outbox entries are
 * marked sent (the care copies go before that) and a marker sent after them came back.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { aServiceRequest, call } from '../support/api.js';
import { cosmosOf, outboxPublished } from '../support/outbox.js';
import { messagesAbout } from '../support/service-bus.js';

const resident = () => `resident-${randomUUID().slice(0, 8)}`;
const cosmos = () => cosmosOf(inject('appSettings').CosmosDb);

/** Reports a missed assisted collection and waits until its events are published. */
async function missedAssisted(as: string): Promise<string> {
  const res = await call('POST', 'requests', {
    as,
    body: aServiceRequest({
      serviceCode: 'missed-assisted-collection',
      description: 'The crew did not collect the bins from the side of the house.',
      attributes: {},
    }),
  });
  expect(res.status).toBe(201);
  const id = ((await res.json()) as { id: string }).id;
  await outboxPublished(cosmos(), [id]);
  return id;
}

const careCopies = (partner: string, requestId: string, atLeast = 0) =>
  messagesAbout('care-events', partner, requestId, { atLeast, marker: { to: partner }, timeout: 60_000 });

describe('care partners by consent', { timeout: 120_000 }, () => {
  it('when the resident has not consented, then nothing is sent to any care partner', async () => {
    const id = await missedAssisted(resident());
    expect(await careCopies('adult-social-care', id)).toHaveLength(0);
    expect(await careCopies('community-health', id)).toHaveLength(0);
  });

  it('when the resident consents to one partner, then that partner alone gets the event; after withdrawal nothing more is sent', async () => {
    const who = resident();
    const given = await call('PUT', 'me/consents/adult-social-care', { as: who });
    expect(given.status).toBe(200);
    expect(await given.json()).toMatchObject({ partnerId: 'adult-social-care', state: 'given' });

    const first = await missedAssisted(who);
    const copies = await careCopies('adult-social-care', first, 1);
    expect(copies).toHaveLength(1);
    expect(copies[0]?.body).toMatchObject({
      partnerId: 'adult-social-care',
      residentId: who,
      event: { type: 'uk.gov.doorstep.request.submitted', subject: first },
    });
    expect(await careCopies('community-health', first)).toHaveLength(0);

    const withdrawn = await call('DELETE', 'me/consents/adult-social-care', { as: who });
    expect(await withdrawn.json()).toMatchObject({ state: 'withdrawn' });
    const list = (await (await call('GET', 'me/consents', { as: who })).json()) as { items: { state: string }[] };
    expect(list.items.map((c) => c.state).sort()).toEqual(['not-given', 'withdrawn']);

    const second = await missedAssisted(who);
    expect(await careCopies('adult-social-care', second)).toHaveLength(0);
  });

  it('when another resident has consented, then this resident’s events still go nowhere', async () => {
    const consenting = resident();
    expect((await call('PUT', 'me/consents/adult-social-care', { as: consenting })).status).toBe(200);
    const id = await missedAssisted(resident());
    expect(await careCopies('adult-social-care', id)).toHaveLength(0);
  });

  it('when the partner is not a care partner, then 404, and nothing is recorded', async () => {
    const who = resident();
    expect((await call('PUT', 'me/consents/waste-contractor', { as: who })).status).toBe(404);
    const list = (await (await call('GET', 'me/consents', { as: who })).json()) as { items: { state: string }[] };
    expect(list.items.every((c) => c.state === 'not-given')).toBe(true);
  });
});
