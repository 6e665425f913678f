/**
 * `npm run partner -- <command>`: a back office (works contractor, CRM) talking to
 * Doorstep through the real Service Bus SDK, as a partner's own system would.
 *
 *   work-orders [--as highways-contractor] [--max 10]   take work orders from our subscription
 *   ack <requestId> --ref <our reference>               acknowledge a work order
 *   status <requestId|ref> <status> [--text …]          investigating, action-scheduled, in-progress, fixed, no-further-action
 *   update <requestId|ref> --text … [--photo https://…] a public update
 *   complete <requestId|ref> --notes … [--photo …]      the job is done
 *   simulate [--as …] [--max 10]                        act as the contractor: take each work order,
 *                                                       acknowledge, schedule, start and complete it
 *
 * Every message follows contracts/partner-message.v1.schema.json and goes to the
 * back office's own queue, `partner-inbound-<office>`: the queue, not the body, says
 * who sent it (in Azure only that back office's principal may send there). Connects
 * like `npm run dlq` (local stack by default).
 */
import type { ServiceBusClient, ServiceBusMessage } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backOfficeIds, type BackOfficeId } from '../shared/catalogue/back-offices.js';
import {
  partnerMessageSchema,
  partnerMessageSchemaId,
  workOrderSchema,
  type PartnerMessage,
  type WorkOrder,
} from '../shared/partners/contract.js';
import { partnerInboundQueue } from '../shared/messaging/topology.js';
import { connect } from './service-bus-connection.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A valid partner message (checked against the published contract before it
 * leaves). It names no sender: send it to `partnerInboundQueue(office)`.
 */
export function partnerMessage(
  key: string,
  body: Record<string, unknown> & { kind: PartnerMessage['kind'] },
): ServiceBusMessage {
  const message = {
    schema: partnerMessageSchemaId,
    ...(uuid.test(key) ? { requestId: key } : { partnerReference: key }),
    sentAt: new Date().toISOString(),
    ...body,
  };
  partnerMessageSchema.parse(message);
  return { messageId: randomUUID(), contentType: 'application/json', subject: `partner.${body.kind}`, body: message };
}

/** Takes up to `max` work orders from the partner's subscription, completing each once handled. */
export async function takeWorkOrders(
  client: ServiceBusClient,
  partner: BackOfficeId,
  max: number,
  handle: (order: WorkOrder) => Promise<void>,
): Promise<number> {
  const receiver = client.createReceiver('work-orders', partner);
  let taken = 0;
  try {
    while (taken < max) {
      const batch = await receiver.receiveMessages(Math.min(50, max - taken), { maxWaitTimeInMs: 2000 });
      if (batch.length === 0) break;
      for (const m of batch) {
        const order = workOrderSchema.safeParse(m.body);
        if (!order.success) {
          await receiver.deadLetterMessage(m, {
            deadLetterReason: 'NotAWorkOrder',
            deadLetterErrorDescription: order.error.message.slice(0, 500),
          });
          continue;
        }
        await handle(order.data);
        await receiver.completeMessage(m);
        taken++;
      }
    }
    return taken;
  } finally {
    await receiver.close();
  }
}

export async function runPartner(client: ServiceBusClient, argv: string[]): Promise<string[]> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      as: { type: 'string', default: 'highways-contractor' },
      max: { type: 'string', default: '10' },
      ref: { type: 'string' },
      text: { type: 'string' },
      notes: { type: 'string' },
      photo: { type: 'string' },
    },
  });
  const partner = values.as as BackOfficeId;
  if (!backOfficeIds.includes(partner)) throw new Error(`--as must be one of ${backOfficeIds.join(', ')}`);
  const [command, key = '', status] = positionals;
  const out: string[] = [];
  const sender = client.createSender(partnerInboundQueue(partner));
  const send = async (message: ServiceBusMessage) => {
    await sender.sendMessages(message);
    out.push(`sent ${(message.body as { kind: string }).kind} ${String(message.messageId)}`);
  };
  const photo = values.photo ? { photoUrl: values.photo } : {};
  try {
    switch (command) {
      case 'work-orders':
        await takeWorkOrders(client, partner, Number(values.max), (o) => {
          out.push(JSON.stringify(o));
          return Promise.resolve();
        });
        break;
      case 'ack':
        await send(
          partnerMessage(key, {
            kind: 'acknowledged',
            partnerReference: values.ref ?? `REF-${key.slice(0, 8)}`,
          }),
        );
        break;
      case 'status':
        await send(
          partnerMessage(key, {
            kind: 'status-change',
            status,
            ...(values.text ? { publicUpdate: values.text } : {}),
          }),
        );
        break;
      case 'update':
        await send(partnerMessage(key, { kind: 'public-update', text: values.text ?? '', ...photo }));
        break;
      case 'complete':
        await send(partnerMessage(key, { kind: 'completion', notes: values.notes ?? 'Work completed.', ...photo }));
        break;
      case 'simulate': {
        const taken = await takeWorkOrders(client, partner, Number(values.max), async (order) => {
          const ref = `${partner === 'highways-contractor' ? 'HW' : partner === 'waste-contractor' ? 'WS' : 'CRM'}-${order.requestId.slice(0, 8).toUpperCase()}`;
          await sender.sendMessages([
            partnerMessage(order.requestId, { kind: 'acknowledged', partnerReference: ref }),
            partnerMessage(ref, {
              kind: 'status-change',
              status: 'action-scheduled',
              publicUpdate: 'A crew is booked to attend within five working days.',
              updateId: `${ref}/1`,
            }),
            partnerMessage(ref, { kind: 'status-change', status: 'in-progress', updateId: `${ref}/2` }),
            partnerMessage(ref, {
              kind: 'completion',
              notes: 'Repair completed and the area made safe.',
              updateId: `${ref}/3`,
            }),
          ]);
          out.push(`${order.workOrderId} ${order.serviceName}: acknowledged as ${ref}, scheduled, started, completed`);
        });
        out.push(`${taken} work order(s) handled`);
        break;
      }
      default:
        throw new Error(
          'usage: npm run partner -- work-orders | ack <id> --ref R | status <id|ref> <status> | update <id|ref> --text T | complete <id|ref> --notes N | simulate [--as office] [--max N]',
        );
    }
    return out;
  } finally {
    await sender.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const client = await connect();
  try {
    for (const line of await runPartner(client, process.argv.slice(2))) console.log(line);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await client.close();
  }
}
