/**
 * The smoke test's partner round trip, on its own because it depends on how back offices
 * talk to Doorstep: which entity a partner sends on, and what its message must say. Adapt
 * this file (only) when the inbound topology changes.
 */
import type { ServiceBusClient } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { backOfficeIds, type BackOfficeId } from '../../shared/catalogue/back-offices.js';
import { partnerInboundQueue } from '../../shared/messaging/topology.js';
import { partnerMessageSchemaId } from '../../shared/partners/contract.js';

/** The entity a back office answers on: its own queue, which is what identifies it. */
function inboundEntity(backOffice: string): string {
  const office = backOfficeIds.find((id): id is BackOfficeId => id === backOffice);
  if (!office) throw new Error(`${backOffice} is not a back office (${backOfficeIds.join(', ')})`);
  return partnerInboundQueue(office);
}

/**
 * As the back office would: take the request's work order from its subscription, then
 * acknowledge it with a reference of its own. Returns that reference.
 */
export async function partnerRoundTrip(
  bus: ServiceBusClient,
  backOffice: string,
  requestId: string,
  deadline: number,
): Promise<string> {
  const receiver = bus.createReceiver('work-orders', backOffice);
  try {
    let found = false;
    while (!found) {
      if (Date.now() > deadline) throw new Error(`no work order for ${requestId} on work-orders/${backOffice}`);
      for (const m of await receiver.receiveMessages(20, { maxWaitTimeInMs: 1000 })) {
        if ((m.body as { requestId?: unknown } | undefined)?.requestId === requestId) {
          found = true;
          await receiver.completeMessage(m);
        } else await receiver.abandonMessage(m);
      }
    }
  } finally {
    await receiver.close();
  }
  const partnerReference = `SMOKE-${randomUUID().slice(0, 8)}`;
  const sender = bus.createSender(inboundEntity(backOffice));
  try {
    await sender.sendMessages({
      messageId: randomUUID(),
      contentType: 'application/json',
      body: {
        schema: partnerMessageSchemaId,
        sentAt: new Date().toISOString(),
        kind: 'acknowledged',
        requestId,
        partnerReference,
      },
    });
  } finally {
    await sender.close();
  }
  return partnerReference;
}
