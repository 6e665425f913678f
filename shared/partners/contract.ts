/**
 * What partners and back offices may send on `partner-inbound`: one versioned
 * schema that validates each message and is also published, as JSON Schema, in
 * `contracts/` (a test keeps the published file equal to this one).
 */
import { z } from 'zod';
import { serviceGroups } from '../catalogue/service-definition.js';
import { backOfficeIds } from '../dispatch/back-offices.js';

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
  partner: z.enum(backOfficeIds).describe('Who is sending: must be the back office the request was sent to'),
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

export const workOrderSchemaId = 'https://doorstep.example.gov.uk/contracts/work-order/v1';

/** What Doorstep sends a back office on its `work-orders` subscription: the job, not the reporter. */
export const workOrderSchema = z.strictObject({
  schema: z.literal(workOrderSchemaId),
  workOrderId: z.string().describe('<requestId>.<generation>: a resend has a new generation'),
  requestId: z.uuid(),
  backOffice: z.enum(backOfficeIds),
  serviceCode: z.string(),
  serviceName: z.string(),
  serviceGroup: z.enum(serviceGroups),
  description: z.string().describe("The resident's description of the problem"),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string()).readonly()])),
  location: z.strictObject({
    lat: z.number().optional(),
    long: z.number().optional(),
    uprn: z.string().optional(),
    address: z.string().optional(),
  }),
  photoPaths: z.array(z.string()).describe('Relative to the API base URL given at onboarding'),
  reportedAt: z.iso.datetime({ offset: true }),
  expectedAt: z.iso.datetime({ offset: true }).nullable(),
  replyTo: z.literal('partner-inbound'),
});
export type WorkOrder = z.output<typeof workOrderSchema>;

/** The published JSON Schemas, by file name under `contracts/`. */
export function publishedContracts(): Record<string, Record<string, unknown>> {
  return {
    'partner-message.v1.schema.json': partnerMessageJsonSchema(),
    'work-order.v1.schema.json': {
      ...z.toJSONSchema(workOrderSchema, { io: 'output', target: 'draft-2020-12' }),
      $id: workOrderSchemaId,
      title: 'Doorstep work order, version 1',
      description:
        'Sent on the work-orders topic with `to` set to the back office and messageId work-order:<workOrderId>. Acknowledge it on partner-inbound with your own reference.',
    },
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
      'Sent by a back office to the partner-inbound queue as JSON (contentType application/json). Set messageId to a value unique to this message: a repeat within a day is dropped.',
    anyOf: [{ required: ['requestId'] }, { required: ['partnerReference'] }],
  };
}
