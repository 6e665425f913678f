/**
 * The records system's contract (decision 1100): what Doorstep tells it on its
 * `events/records-system` subscription (`uk.gov.doorstep.document.available`, whose
 * data says where to fetch the file), and what it may send on its own queue,
 * `partner-inbound-records-system`: a filing receipt with its own document id, and
 * legal holds. Published as JSON Schema in `contracts/` (a test keeps them equal).
 */
import { z } from 'zod';

export const recordsMessageSchemaId = 'https://doorstep.example.gov.uk/contracts/records-message/v1';
export const documentAvailableSchemaId = 'https://doorstep.example.gov.uk/contracts/document-available/v1';

const recordsReference = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:-]*$/, 'letters, digits and . _ / : -');

const common = {
  schema: z.literal(recordsMessageSchemaId),
  documentId: z.uuid().describe("Doorstep's document id (the event's subject)"),
  sentAt: z.iso.datetime({ offset: true }),
};

export const recordsMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...common,
    kind: z.literal('filed'),
    recordsDocumentId: recordsReference.describe("The records system's own id for the filed document"),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('legal-hold'),
    reference: recordsReference.describe('The hold’s reference (the legal case or inquiry it is for)'),
  }),
  z.strictObject({
    ...common,
    kind: z.literal('hold-released'),
    reference: recordsReference.describe('The reference the hold was placed with'),
  }),
]);
export type RecordsMessage = z.output<typeof recordsMessageSchema>;

/** The data of a `uk.gov.doorstep.document.available` event. */
export const documentAvailableDataSchema = z.strictObject({
  documentId: z.uuid(),
  purpose: z.enum(['photo', 'evidence']),
  status: z.literal('available'),
  contentType: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
  size: z.int().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  links: z
    .strictObject({
      metadata: z.string().describe('GET with a bearer token of the records system: what it is and its case'),
      content: z.string().describe('GET with the same token: a redirect to a read link valid for a minute'),
    })
    .describe('Paths under the API’s base URL; fetched when the message is handled, so a replay still works'),
});
export type DocumentAvailableData = z.output<typeof documentAvailableDataSchema>;

/** What the metadata endpoint answers: the file, and the case it belongs to. */
export interface RecordsDocumentView {
  readonly documentId: string;
  readonly purpose: 'photo' | 'evidence';
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly uploadedAt: string;
  readonly checkedAt: string;
  /** The case: the resident who uploaded it, and the reports a photo is on. */
  readonly case: { readonly residentId: string; readonly requestIds: readonly string[] };
  readonly recordsDocumentId: string | null;
  readonly legalHold: { readonly reference: string; readonly at: string } | null;
}

export function recordsContracts(): Record<string, Record<string, unknown>> {
  return {
    'records-message.v1.schema.json': {
      ...z.toJSONSchema(recordsMessageSchema, { io: 'input', target: 'draft-2020-12' }),
      $id: recordsMessageSchemaId,
      title: 'Doorstep records system message, version 1',
      description:
        'Sent by the records system to its own queue, partner-inbound-records-system, as JSON (contentType application/json). Set messageId to a value unique to this message (e.g. filed:<documentId>): a repeat within a day is dropped, and a repeat later has no second effect.',
    },
    'document-available.v1.schema.json': {
      ...z.toJSONSchema(documentAvailableDataSchema, { io: 'output', target: 'draft-2020-12' }),
      $id: documentAvailableSchemaId,
      title: 'Doorstep document.available event data, version 1',
      description:
        'The data of the CloudEvent uk.gov.doorstep.document.available (subject = document id) on the events topic, subscription records-system. Fetch the file with the records system’s own token from links.content; Doorstep records each read.',
    },
  };
}
