/** The data map of dispatch state and work orders (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { DispatchDoc } from './model.js';
import type { WorkOrder } from './work-order.js';

export const dispatchDataMap: RecordMap<DispatchDoc> = {
  record: 'request',
  retention: ['dispatch'],
  title: 'Dispatch (send state of a request to its back office)',
  kind: 'cosmos',
  where: 'Cosmos DB `requests` (type `dispatch`, pk = request id)',
  purpose: 'Send each new request to the back office that does the job, and follow it up.',
  basis: ['public-task'],
  recipients: ['staff'],
  fields: {
    id: { class: 'none' },
    pk: { class: 'none' },
    type: { class: 'none' },
    requestId: { class: 'none' },
    backOffice: { class: 'none' },
    state: { class: 'none' },
    generation: { class: 'none' },
    attempts: { class: 'none' },
    nextAttemptAt: { class: 'none' },
    lastError: { class: 'none', note: 'an SDK error code and message' },
    partnerReference: { class: 'none', note: 'the back office’s job number' },
    sentAt: { class: 'none' },
    acknowledgedAt: { class: 'none' },
    createdAt: { class: 'none' },
    updatedAt: { class: 'none' },
    _etag: { class: 'none' },
  },
};

export const workOrderDataMap: RecordMap<WorkOrder> = {
  record: 'request',
  title: 'Work order (to the back office doing the job)',
  kind: 'work-order',
  where: 'Service Bus topic `work-orders`, the back office’s own subscription (contracts/work-order.v1.schema.json)',
  purpose:
    'Give the contractor or back office what it needs to do the job: what the problem is and where. Never who reported it.',
  basis: ['public-task'],
  recipients: ['work-orders'],
  fields: {
    schema: { class: 'none' },
    workOrderId: { class: 'none' },
    requestId: { class: 'none' },
    backOffice: { class: 'none' },
    serviceCode: { class: 'none' },
    serviceName: { class: 'none' },
    serviceGroup: { class: 'none' },
    description: { class: 'free-text', note: 'the problem as the resident described it: the crew needs it' },
    attributes: { class: 'free-text', note: 'answers to the service’s questions' },
    location: {
      class: 'home-location',
      note: 'coordinates of the problem; UPRN and address only for services at a home (missed bin) or when no coordinates were given (decision 0911)',
    },
    photoPaths: { class: 'none', note: 'links to checked, stripped photos' },
    reportedAt: { class: 'none' },
    expectedAt: { class: 'none' },
    replyTo: { class: 'none' },
  },
};
