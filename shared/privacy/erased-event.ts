/**
 * `uk.gov.doorstep.resident.erased`: what partners hear when a resident's data is
 * erased, so that they erase their own copies (a CRM's contact record, a
 * contractor's notes of who reported). Published on the `events` topic through the
 * outbox like every other event, and in `contracts/` as JSON Schema with an example.
 */
import { z } from 'zod';
import { eventTypePrefix } from '../events/cloud-event.js';

export const residentErasedType = `${eventTypePrefix}resident.erased`;
export const residentErasedSchemaId = 'https://doorstep.example.gov.uk/contracts/resident-erased/v1';

export const residentErasedDataSchema = z.strictObject({
  residentId: z
    .string()
    .min(1)
    .max(255)
    .describe(
      "The resident's pseudonymous account id (the sign-in subject), as partners saw it on requests and payments. Erase or anonymise everything you hold under it.",
    ),
  requestIds: z
    .array(z.uuid())
    .max(100_000)
    .describe(
      'Requests the resident reported. Doorstep keeps them as records of the problem without the person; drop any reporter details, free text and photos you copied from them.',
    ),
});

export const residentErasedEventSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(100).describe('Also the Service Bus messageId: a repeat is the same event'),
  source: z.literal('/doorstep/residents'),
  type: z.literal(residentErasedType),
  subject: z.string().min(1).max(255).describe('The same residentId'),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  data: residentErasedDataSchema,
});
export type ResidentErasedEvent = z.output<typeof residentErasedEventSchema>;

export function residentErasedJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(residentErasedEventSchema, { io: 'output', target: 'draft-2020-12' }),
    $id: residentErasedSchemaId,
    title: 'Doorstep resident erased event, version 1',
    description:
      'A CloudEvent (structured mode) on the events topic, with application property eventFamily = resident. Sent once when a resident’s erasure has removed their data from Doorstep; erase or anonymise your copies within a month (UK GDPR Art. 12(3), 19). Doorstep keeps nothing that links the residentId to a person afterwards, so this is the last time you will see it.',
  };
}
