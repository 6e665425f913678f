/**
 * Care events by consent (decision 1102): when the outbox publisher publishes an event
 * about a care service's request, it sends one copy to the `care-events` topic for each
 * care partner the resident has consent standing for, addressed with `to` (the
 * partner's subscription filters on it). Consent is read at that moment, so a
 * withdrawal stops the next event, and nobody else's consent can reach this
 * resident's events: the copy is made from this resident's records only.
 */
import type { ServiceBusMessage } from '@azure/service-bus';
import type { CarePartnerId } from '../catalogue/partners.js';
import type { OutboxDoc } from '../events/cloud-event.js';
import { consentedPartners } from './consents.js';
import type { ConsentStore } from './store.js';

/** Services whose events matter for care: an assisted collection asked for, or missed. */
export const careServiceCodes: readonly string[] = ['assisted-collection', 'missed-assisted-collection'];

export const careEventSchemaId = 'https://doorstep.example.gov.uk/contracts/care-event/v1';

export interface CareEventBody {
  readonly schema: typeof careEventSchemaId;
  readonly partnerId: CarePartnerId;
  /** Whose event it is: the partner matches it to its own record of the person. */
  readonly residentId: string;
  readonly event: OutboxDoc['event'];
}

export interface CareCopyDeps {
  /** The resident a request is about (its reporter), or undefined if it is gone. */
  residentOf(requestId: string): Promise<string | undefined>;
  readonly consents: Pick<ConsentStore, 'list'>;
}

export const isCareEvent = (entry: OutboxDoc) =>
  entry.routing.eventFamily === 'request' && careServiceCodes.includes(entry.routing.serviceCode ?? '');

export async function careCopies(pending: readonly OutboxDoc[], deps: CareCopyDeps): Promise<ServiceBusMessage[]> {
  const copies: ServiceBusMessage[] = [];
  for (const entry of pending.filter(isCareEvent)) {
    const residentId = await deps.residentOf(entry.event.subject);
    if (!residentId) continue;
    for (const partnerId of await consentedPartners(residentId, deps.consents)) {
      const body: CareEventBody = { schema: careEventSchemaId, partnerId, residentId, event: entry.event };
      copies.push({
        // One copy per event and partner: a publisher retry is dropped by duplicate detection.
        messageId: `${entry.event.id}:${partnerId}`,
        to: partnerId,
        subject: entry.event.type,
        correlationId: entry.event.subject,
        contentType: 'application/json',
        body,
      });
    }
  }
  return copies;
}
