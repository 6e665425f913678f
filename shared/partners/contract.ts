/**
 * What partners and back offices may send on their own `partner-inbound-<id>`
 * queue: one versioned schema that validates each message and is also published,
 * as JSON Schema, in `contracts/` with the work order (a test keeps the published
 * files equal to these).
 */
import { z } from 'zod';
import { backOfficeIds } from '../catalogue/back-offices.js';
import { workOrderSchema, workOrderSchemaId } from '../dispatch/work-order.js';
import { residentErasedJsonSchema } from '../privacy/erased-event.js';
import { recordsContracts } from '../records/contract.js';

export { workOrderSchema, workOrderSchemaId, type WorkOrder } from '../dispatch/work-order.js';

export const partnerMessageSchemaId = 'https://doorstep.example.gov.uk/contracts/partner-message/v1';

/** The statuses a works contractor may report; closing for other reasons stays with the council. */
export const partnerStatuses = [
  'investigating',
  'action-scheduled',
  'in-progress',
  'fixed',
  'no-further-action',
] as const;

const text = z.string().trim().min(1).max(2000);
const reference = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'letters, digits and . _ / -')
  .describe("The back office's own reference for the job");
const photoUrl = z
  .url({ protocol: /^https$/ })
  .max(1000)
  // The protocol rule does not reach JSON Schema; the pattern does.
  .regex(/^https:\/\//, 'must be an https link')
  .describe('An https link to a photo the partner hosts, shown to the resident');

const common = {
  schema: z.literal(partnerMessageSchemaId),
  partner: z
    .enum(backOfficeIds)
    .optional()
    .describe(
      'Optional: the sender is the queue the message arrives on (only its back office may send there). If given, it must name that back office, or the message is dead-lettered (PartnerMismatch).',
    ),
  requestId: z.uuid().optional().describe("Doorstep's request id (from the work order)"),
  partnerReference: reference.optional(),
  updateId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("The partner's id for this update: a repeat with the same id has no second effect"),
  sentAt: z.iso.datetime({ offset: true }),
};

export const partnerMessageSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      ...common,
      kind: z.literal('acknowledged'),
      requestId: z.uuid(),
      partnerReference: reference,
    }),
    z.strictObject({
      ...common,
      kind: z.literal('status-change'),
      status: z.enum(partnerStatuses),
      publicUpdate: text.optional().describe('Shown to the resident with the new status'),
    }),
    z.strictObject({ ...common, kind: z.literal('public-update'), text, photoUrl: photoUrl.optional() }),
    z.strictObject({
      ...common,
      kind: z.literal('completion'),
      outcome: z.enum(['fixed', 'no-further-action']).default('fixed'),
      notes: text.describe('What was done, shown to the resident'),
      photoUrl: photoUrl.optional(),
    }),
  ])
  .refine((m) => m.requestId !== undefined || m.partnerReference !== undefined, {
    message: 'Give requestId or partnerReference',
    path: ['requestId'],
  });

export type PartnerMessage = z.output<typeof partnerMessageSchema>;

/** The published JSON Schemas, by file name under `contracts/`. */
export function publishedContracts(): Record<string, Record<string, unknown>> {
  return {
    'partner-message.v1.schema.json': partnerMessageJsonSchema(),
    'work-order.v1.schema.json': {
      ...z.toJSONSchema(workOrderSchema, { io: 'output', target: 'draft-2020-12' }),
      $id: workOrderSchemaId,
      title: 'Doorstep work order, version 1',
      description:
        'Sent on the work-orders topic with `to` set to the back office and messageId work-order:<workOrderId>. Acknowledge it on your own queue (replyTo: partner-inbound-<backOffice>) with your own reference.',
    },
    'resident-erased.v1.schema.json': residentErasedJsonSchema(),
    ...recordsContracts(),
  };
}

/** The published JSON Schema: zod's, plus the "one of the two keys" rule zod cannot express there. */
export function partnerMessageJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(partnerMessageSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    ...generated,
    $id: partnerMessageSchemaId,
    title: 'Doorstep partner message, version 1',
    description:
      'Sent by a back office to its own queue, partner-inbound-<backOffice>, as JSON (contentType application/json); the queue says who sent it. Set messageId to a value unique to this message: a repeat within a day is dropped. Once a job is acknowledged, its reference changes only by the council.',
    anyOf: [{ required: ['requestId'] }, { required: ['partnerReference'] }],
  };
}
