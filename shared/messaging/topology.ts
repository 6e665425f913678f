/**
 * The one declarative definition of Doorstep's Service Bus entities.
 *
 * The local AMQP emulator is configured from this object and the Pulumi program
 * provisions exactly these entities, so local and Azure cannot drift apart.
 */

import { backOffices, backOfficeIds } from '../catalogue/back-offices.js';
import { carePartnerIds, carePartners, recordsSystemId, type PartnerId } from '../catalogue/partners.js';

/** ISO 8601 durations are what Azure takes; the emulator converts them. */
export type IsoDuration = `P${string}`;

/**
 * A subscription rule. Correlation filters are cheap and exact; SQL filters
 * cover the rest (Service Bus' SQL-92 subset, of which the emulator implements
 * comparisons, IN, LIKE, IS [NOT] NULL, EXISTS, AND/OR/NOT).
 */
export type SubscriptionFilter =
  | { readonly kind: 'true' }
  | {
      readonly kind: 'correlation';
      readonly subject?: string;
      readonly correlationId?: string;
      readonly contentType?: string;
      readonly to?: string;
      readonly applicationProperties?: Readonly<Record<string, string | number | boolean>>;
    }
  | { readonly kind: 'sql'; readonly expression: string };

export interface EntitySettings {
  readonly lockDuration: IsoDuration;
  readonly maxDeliveryCount: number;
  readonly defaultMessageTimeToLive: IsoDuration;
  readonly deadLetteringOnMessageExpiration: boolean;
}

export interface QueueDefinition extends EntitySettings {
  readonly name: string;
  readonly requiresDuplicateDetection: boolean;
  readonly duplicateDetectionHistoryTimeWindow: IsoDuration;
  /** Who may use it: drives least-privilege role assignments in infra. */
  readonly appAccess: readonly ('send' | 'receive')[];
  /** The back office that sends to it: infra grants that partner's principal send here, and nowhere else. */
  readonly partnerSends?: PartnerId;
  readonly description: string;
}

export interface SubscriptionDefinition extends EntitySettings {
  readonly name: string;
  readonly filter: SubscriptionFilter;
  /** True when the function app itself consumes this subscription. */
  readonly appReceives: boolean;
  /** The back office that reads it: infra grants that partner's principal receive here. */
  readonly partnerReceives?: PartnerId;
  readonly description: string;
}

export interface TopicDefinition {
  readonly name: string;
  readonly requiresDuplicateDetection: boolean;
  readonly duplicateDetectionHistoryTimeWindow: IsoDuration;
  readonly defaultMessageTimeToLive: IsoDuration;
  readonly appAccess: readonly ('send' | 'receive')[];
  readonly subscriptions: readonly SubscriptionDefinition[];
  readonly description: string;
}

export interface Topology {
  readonly queues: readonly QueueDefinition[];
  readonly topics: readonly TopicDefinition[];
}

const standard: EntitySettings = {
  lockDuration: 'PT1M',
  maxDeliveryCount: 10,
  defaultMessageTimeToLive: 'P14D',
  deadLetteringOnMessageExpiration: true,
};

/**
 * Where a back office sends its messages: a queue of its own, so that who sent a
 * message is the entity it arrived on (only that partner holds send rights on
 * it), never a field of its body.
 */
export const partnerInboundQueue = (id: PartnerId): string => `partner-inbound-${id}`;

export const topology: Topology = {
  queues: [
    ...backOfficeIds.map((id): QueueDefinition => ({
      ...standard,
      name: partnerInboundQueue(id),
      description: `Acknowledgements, status changes, public updates and completions from the ${backOffices[id].name.toLowerCase()}.`,
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'P1D',
      appAccess: ['receive'],
      partnerSends: id,
    })),
    {
      ...standard,
      name: partnerInboundQueue(recordsSystemId),
      description: 'Filing receipts (the records system’s own document id) and legal holds from the records system.',
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'P1D',
      appAccess: ['receive'],
      partnerSends: recordsSystemId,
    },
    {
      ...standard,
      name: 'notifications',
      description: 'Resident notifications waiting to be sent through GOV.UK Notify.',
      maxDeliveryCount: 8,
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'P1D',
      appAccess: ['send', 'receive'],
    },
    {
      ...standard,
      // IoT Hub's route to Service Bus delivers here (infra/sensors.ts); the local stack stands in for IoT Hub.
      name: 'device-readings',
      description: 'Sensor readings routed from IoT Hub, applied against the device rules (decision 1125).',
      defaultMessageTimeToLive: 'P1D',
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'PT1H',
      appAccess: ['receive'],
    },
  ],
  topics: [
    {
      name: 'work-orders',
      description: 'New requests sent to the back office responsible for each (see shared/dispatch).',
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'P1D',
      defaultMessageTimeToLive: 'P14D',
      appAccess: ['send'],
      subscriptions: backOfficeIds.map((id) => ({
        ...standard,
        name: id,
        description: `Work orders for the ${backOffices[id].name.toLowerCase()}.`,
        filter: { kind: 'correlation', to: id },
        appReceives: false,
        partnerReceives: id,
      })),
    },
    {
      name: 'events',
      description: 'CloudEvents published from the outbox: every state change partners hear about.',
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'P1D',
      defaultMessageTimeToLive: 'P14D',
      appAccess: ['send', 'receive'],
      subscriptions: [
        {
          ...standard,
          name: 'notify-residents',
          description: 'Turns events into resident notifications per their preferences.',
          filter: { kind: 'sql', expression: "sys.label LIKE 'uk.gov.doorstep.%'" },
          appReceives: true,
        },
        {
          ...standard,
          name: 'highways-contractor',
          description: 'Roads and street lighting requests for the highways works contractor.',
          filter: { kind: 'sql', expression: "serviceGroup IN ('roads', 'street-lighting')" },
          appReceives: false,
        },
        {
          ...standard,
          name: 'waste-contractor',
          description: 'Waste, fly-tipping and street cleansing requests for the waste contractor.',
          filter: { kind: 'sql', expression: "serviceGroup IN ('waste', 'street-cleansing')" },
          appReceives: false,
        },
        {
          ...standard,
          name: 'crm',
          description: 'Every event, for the council CRM.',
          filter: { kind: 'true' },
          appReceives: false,
        },
        {
          ...standard,
          name: 'finance',
          description: 'Final payment states and refunds, for the finance system.',
          filter: { kind: 'correlation', applicationProperties: { eventFamily: 'payment' } },
          appReceives: false,
        },
        {
          ...standard,
          name: recordsSystemId,
          description: 'Documents and photos once checked and available, for the council’s records system to file.',
          filter: { kind: 'correlation', subject: 'uk.gov.doorstep.document.available' },
          appReceives: false,
          partnerReceives: recordsSystemId,
        },
      ],
    },
    {
      name: 'care-events',
      description:
        'Events that matter for care, one copy per care partner the resident consented to (decision 1102), addressed with `to`.',
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'P1D',
      defaultMessageTimeToLive: 'P14D',
      appAccess: ['send'],
      subscriptions: carePartnerIds.map((id) => ({
        ...standard,
        name: id,
        description: `Care events about residents who consented to share with ${carePartners[id].name.toLowerCase()}.`,
        filter: { kind: 'correlation', to: id },
        appReceives: false,
        partnerReceives: id,
      })),
    },
  ],
};

/** Parses the subset of ISO 8601 durations the topology uses (days, hours, minutes, seconds). */
export function durationToMs(duration: IsoDuration): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) {
    throw new Error(`Unsupported ISO 8601 duration: ${duration}`);
  }
  const [, d, h, m, s] = match;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}
