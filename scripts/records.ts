/**
 * `npm run records -- <command>`: the council's records system (an EDRMS) as its own
 * system would talk to Doorstep, over the real Service Bus SDK and the API:
 *
 *   simulate [--max 10]                       take document.available events from our
 *                                             subscription, fetch each file with our own token,
 *                                             file it against its case and send the receipt
 *   hold <documentId> --ref <case reference>  place a legal hold
 *   release <documentId> --ref <reference>    release it
 *
 * Follows contracts/document-available.v1.schema.json and
 * contracts/records-message.v1.schema.json. Connects like `npm run partner` (local stack
 * by default; the API at --api, an app-only token from the local workforce issuer by the
 * client credentials grant, as the records system gets one from Entra: decision 1103).
 */
import type { ServiceBusClient, ServiceBusMessage } from '@azure/service-bus';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { recordsSystemId } from '../shared/catalogue/partners.js';
import { partnerInboundQueue } from '../shared/messaging/topology.js';
import {
  documentAvailableDataSchema,
  recordsMessageSchema,
  recordsMessageSchemaId,
  type RecordsMessage,
} from '../shared/records/contract.js';
import { connect } from './service-bus-connection.js';

/** A valid records message (checked against the contract before it leaves), with a message id that repeats for a repeat. */
type RecordsBody = RecordsMessage extends infer M
  ? M extends RecordsMessage
    ? Omit<M, 'schema' | 'sentAt'>
    : never
  : never;

export function recordsMessage(body: RecordsBody): ServiceBusMessage {
  const message = recordsMessageSchema.parse({
    schema: recordsMessageSchemaId,
    sentAt: new Date().toISOString(),
    ...body,
  });
  const key = message.kind === 'filed' ? message.recordsDocumentId : message.reference;
  return {
    messageId: `${message.kind}:${message.documentId}:${key}`,
    contentType: 'application/json',
    subject: `records.${message.kind}`,
    body: message,
  };
}

const cloudEvent = z.object({
  type: z.literal('uk.gov.doorstep.document.available'),
  data: documentAvailableDataSchema,
});
const metadata = z.object({
  documentId: z.uuid(),
  fileName: z.string(),
  sha256: z.string(),
  case: z.object({ residentId: z.string(), requestIds: z.array(z.string()) }),
});

/** The records system's own files: Doorstep document id → its record. A real EDRMS keeps this in its database. */
export type FilingCabinet = Map<string, { recordsDocumentId: string; caseKey: string; bytes: number }>;

export interface RecordsSystemOptions {
  readonly apiBaseUrl: string;
  readonly token: () => Promise<string>;
  readonly cabinet: FilingCabinet;
  /** Documents whose filing fails this many more times (its database is down), to show a delivery retried. */
  readonly failing?: Map<string, number>;
}

/**
 * Takes up to `max` document.available events, files each once, sends the receipt.
 * A failure abandons the message, so Service Bus delivers it again; a repeat of one
 * already filed sends the same receipt again (Doorstep treats it as a duplicate).
 */
export async function fileAvailableDocuments(
  client: ServiceBusClient,
  options: RecordsSystemOptions,
  max: number,
  log: (line: string) => void = () => undefined,
): Promise<number> {
  const receiver = client.createReceiver('events', recordsSystemId);
  const sender = client.createSender(partnerInboundQueue(recordsSystemId));
  let handled = 0;
  try {
    while (handled < max) {
      const batch = await receiver.receiveMessages(Math.min(20, max - handled), { maxWaitTimeInMs: 2000 });
      if (batch.length === 0) break;
      for (const m of batch) {
        const event = cloudEvent.safeParse(m.body);
        if (!event.success) {
          await receiver.deadLetterMessage(m, {
            deadLetterReason: 'NotADocumentEvent',
            deadLetterErrorDescription: event.error.message.slice(0, 500),
          });
          continue;
        }
        try {
          const receipt = await file(event.data.data, options);
          await sender.sendMessages(
            recordsMessage({ kind: 'filed', documentId: event.data.data.documentId, recordsDocumentId: receipt }),
          );
          await receiver.completeMessage(m);
          handled++;
          log(`${event.data.data.documentId} filed as ${receipt} (delivery ${m.deliveryCount ?? 1})`);
        } catch (error) {
          log(
            `${event.data.data.documentId} not filed: ${error instanceof Error ? error.message : 'error'}; delivered again`,
          );
          await receiver.abandonMessage(m);
        }
      }
    }
    return handled;
  } finally {
    await sender.close();
    await receiver.close();
  }
}

async function file(
  data: z.output<typeof documentAvailableDataSchema>,
  options: RecordsSystemOptions,
): Promise<string> {
  const already = options.cabinet.get(data.documentId);
  if (already) return already.recordsDocumentId;
  const failures = options.failing?.get(data.documentId) ?? 0;
  if (failures > 0) {
    options.failing?.set(data.documentId, failures - 1);
    throw new Error('the records database is unavailable');
  }
  const auth = { authorization: `Bearer ${await options.token()}` };
  const meta = await fetch(new URL(data.links.metadata, options.apiBaseUrl), { headers: auth });
  if (!meta.ok) throw new Error(`metadata: ${meta.status}`);
  const about = metadata.parse(await meta.json());
  // The content link answers with a redirect to a read link valid for a minute, followed at once.
  const content = await fetch(new URL(data.links.content, options.apiBaseUrl), { headers: auth });
  if (!content.ok) throw new Error(`content: ${content.status}`);
  const bytes = Buffer.from(await content.arrayBuffer());
  if (createHash('sha256').update(bytes).digest('hex') !== data.sha256)
    throw new Error('the file does not match its hash');
  const caseKey = about.case.requestIds[0] ? `request:${about.case.requestIds[0]}` : `person:${about.case.residentId}`;
  const recordsDocumentId = `EDRMS/${new Date().getFullYear()}/${String(options.cabinet.size + 1).padStart(6, '0')}`;
  options.cabinet.set(data.documentId, { recordsDocumentId, caseKey, bytes: bytes.length });
  return recordsDocumentId;
}

async function localSettings(): Promise<{ api: string; issuer: string }> {
  const file = join(import.meta.dirname, '../.local/endpoints.json');
  // The records system is an app of the council's own directory, so it signs in at the workforce issuer.
  const endpoints = JSON.parse(await readFile(file, 'utf8')) as { workforceIdentity: { issuer: string } };
  return { api: 'http://127.0.0.1:7071', issuer: endpoints.workforceIdentity.issuer };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { max: { type: 'string', default: '10' }, ref: { type: 'string' }, api: { type: 'string' } },
  });
  const client = await connect();
  try {
    const [command, documentId = ''] = positionals;
    if (command === 'simulate') {
      const local = await localSettings();
      const { localAppClients, requestClientCredentialsToken } = await import('../local/identity/provider.js');
      const n = await fileAvailableDocuments(
        client,
        {
          apiBaseUrl: values.api ?? local.api,
          // As in Entra: the client credentials grant, an app-only token with its app role (decision 1103).
          token: () => requestClientCredentialsToken(local.issuer, localAppClients.recordsSystem),
          cabinet: new Map(),
        },
        Number(values.max),
        console.log,
      );
      console.log(`${n} document(s) filed`);
    } else if ((command === 'hold' || command === 'release') && values.ref) {
      const sender = client.createSender(partnerInboundQueue(recordsSystemId));
      await sender.sendMessages(
        recordsMessage({
          kind: command === 'hold' ? 'legal-hold' : 'hold-released',
          documentId,
          reference: values.ref,
        }),
      );
      await sender.close();
      console.log(`sent ${command} for ${documentId}`);
    } else {
      throw new Error(
        'usage: npm run records -- simulate [--max N] | hold <documentId> --ref R | release <documentId> --ref R',
      );
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await client.close();
  }
}
