/**
 * Events Doorstep tells partners about: CloudEvents 1.0, written to the outbox in
 * the same transactional batch as the change that caused them. They carry ids,
 * codes, statuses, amounts and times: never personal data, free text or where
 * anything is (every subscription may read them; the place of a job travels only
 * in its work order). Each event's data is classified in its family's data map
 * (shared/data-map/) and test/unit/data-map.test.ts holds every event to it.
 */
import { randomUUID } from 'node:crypto';

export const eventTypePrefix = 'uk.gov.doorstep.';

export type EventFamily = 'request' | 'payment' | 'document' | 'resident';

export interface CloudEvent<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: T;
}

/** An outbox entry: lives in the partition of the entity whose change it reports. */
export interface OutboxDoc<T = unknown> {
  readonly id: string;
  readonly pk: string;
  readonly type: 'outbox';
  readonly state: 'pending';
  readonly event: CloudEvent<T>;
  /** Service Bus application properties that subscriptions filter on. */
  readonly routing: { readonly eventFamily: EventFamily } & Readonly<Record<string, string>>;
  readonly createdAt: string;
}

export function outboxEvent<T>(args: {
  partition: string;
  family: EventFamily;
  name: string;
  subject: string;
  data: T;
  routing?: Readonly<Record<string, string>>;
  now: Date;
}): OutboxDoc<T> {
  const id = randomUUID();
  return {
    id,
    pk: args.partition,
    type: 'outbox',
    state: 'pending',
    event: {
      specversion: '1.0',
      id,
      source: `/doorstep/${args.family}s`,
      type: `${eventTypePrefix}${args.family}.${args.name}`,
      subject: args.subject,
      time: args.now.toISOString(),
      datacontenttype: 'application/json',
      data: args.data,
    },
    routing: { eventFamily: args.family, ...(args.routing ?? {}) },
    createdAt: args.now.toISOString(),
  };
}
