/**
 * The work order: what Doorstep sends a back office on its `work-orders`
 * subscription. The job, never the reporter. The schema is published in
 * `contracts/` (see partners/contract.ts) and validates what we send.
 */
import type { ServiceBusMessage } from '@azure/service-bus';
import { z } from 'zod';
import { backOfficeIds } from '../catalogue/back-offices.js';
import type { AttributeValue, ServiceGroup } from '../catalogue/service-definition.js';
import { serviceGroups } from '../catalogue/service-groups.js';
import { partnerInboundQueue } from '../messaging/topology.js';
import type { DispatchDoc } from './model.js';

export const workOrderSchemaId = 'https://doorstep.example.gov.uk/contracts/work-order/v1';

const replyQueues = backOfficeIds.map(partnerInboundQueue);

export const workOrderSchema = z.strictObject({
  schema: z.literal(workOrderSchemaId),
  workOrderId: z.string().describe('<requestId>.<generation>: a resend has a new generation'),
  requestId: z.uuid(),
  backOffice: z.enum(backOfficeIds),
  serviceCode: z.string(),
  serviceName: z.string(),
  serviceGroup: z.enum(serviceGroups),
  description: z
    .string()
    .describe(
      "The resident's description of the problem, as they wrote it: free text that may hold personal data; use it for this job only",
    ),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string()).readonly()])),
  location: z
    .strictObject({
      lat: z.number().optional(),
      long: z.number().optional(),
      uprn: z.string().optional(),
      address: z.string().optional(),
    })
    .describe(
      'Where the job is. Coordinates for a problem in a public place; uprn and address only for a service at a home (such as a missed bin), or when no coordinates were given. Never who reported it: work orders carry no reporter.',
    ),
  photoPaths: z.array(z.string()).describe('Relative to the API base URL given at onboarding'),
  reportedAt: z.iso.datetime({ offset: true }),
  expectedAt: z.iso.datetime({ offset: true }).nullable(),
  replyTo: z
    .enum(replyQueues as [string, ...string[]])
    .describe("The back office's own queue for its answers: partner-inbound-<backOffice>"),
});
export type WorkOrder = z.output<typeof workOrderSchema>;

/** What a work order is made from: the parts of a request a back office needs. */
export interface WorkOrderSource {
  readonly id: string;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly serviceGroup: ServiceGroup;
  readonly description: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly location: WorkOrder['location'];
  /**
   * Whether the service's place is a resident's home (a service the public never sees,
   * such as a missed bin): then the crew needs the address; otherwise it does not.
   */
  readonly atHome: boolean;
  readonly photos: readonly string[];
  readonly createdAt: string;
  readonly expectedAt?: string;
}

/**
 * Where the job is, and no more (decision 0911). At a home: the UPRN, the address and any
 * coordinates, because the crew must go there. Anywhere else (a pothole): the coordinates;
 * an address or UPRN only when no coordinates were given, as the only place there is.
 */
export function workOrderLocation(request: Pick<WorkOrderSource, 'location' | 'atHome'>): WorkOrder['location'] {
  const { lat, long, uprn, address } = request.location;
  const point = lat !== undefined && long !== undefined ? { lat, long } : undefined;
  if (request.atHome || !point)
    return { ...(point ?? {}), ...(uprn !== undefined ? { uprn } : {}), ...(address !== undefined ? { address } : {}) };
  return point;
}

export function workOrderMessage(request: WorkOrderSource, dispatch: DispatchDoc): ServiceBusMessage {
  const workOrderId = `${request.id}.${dispatch.generation}`;
  const body: WorkOrder = {
    schema: workOrderSchemaId,
    workOrderId,
    requestId: request.id,
    backOffice: dispatch.backOffice,
    serviceCode: request.serviceCode,
    serviceName: request.serviceName,
    serviceGroup: request.serviceGroup,
    description: request.description,
    attributes: request.attributes,
    location: workOrderLocation(request),
    photoPaths: request.photos.map((_, i) => `/api/media/requests/${request.id}/photos/${i}`),
    reportedAt: request.createdAt,
    expectedAt: request.expectedAt ?? null,
    replyTo: partnerInboundQueue(dispatch.backOffice),
  };
  return {
    messageId: `work-order:${workOrderId}`,
    to: dispatch.backOffice,
    subject: 'uk.gov.doorstep.work-order',
    correlationId: request.id,
    contentType: 'application/json',
    body,
    applicationProperties: { serviceCode: request.serviceCode, serviceGroup: request.serviceGroup },
  };
}
