/**
 * The Service Bus emulator's broker: entities, message state and the rules of
 * peek-lock delivery. It knows nothing of AMQP; `amqp-server.ts` maps links and
 * management requests onto it.
 */
import { randomUUID } from 'node:crypto';
import {
  durationToMs,
  type EntitySettings,
  type SubscriptionFilter,
  type Topology,
} from '../../shared/messaging/topology.js';
import { compileSqlFilter, type FilterValue, type FilterableMessage } from './sql-filter.js';

/** A message as the AMQP layer hands it over: rhea's decoded message object. */
export type AmqpMessage = Record<string, unknown> & {
  message_id?: unknown;
  ttl?: number;
  subject?: string;
  correlation_id?: unknown;
  content_type?: string;
  to?: string;
  reply_to?: string;
  group_id?: string;
  application_properties?: Record<string, unknown>;
  message_annotations?: Record<string, unknown>;
};

export type MessageState = 'active' | 'deferred' | 'scheduled';

export interface StoredMessage {
  readonly sequenceNumber: number;
  readonly message: AmqpMessage;
  readonly enqueuedAt: number;
  readonly expiresAt: number;
  /** Delivery attempts so far (the AMQP header's delivery-count counts the earlier ones). */
  deliveryCount: number;
  state: MessageState;
  lock?: { token: string; until: number; consumer: Consumer | undefined };
  deadLetterReason?: string;
}

export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

/** A receiving link with credit. The AMQP layer implements it. */
export interface Consumer {
  readonly mode: ReceiveMode;
  credit(): number;
  deliver(message: StoredMessage, lockToken: string | undefined): void;
  /** Called when the link has credit but nothing is left to send (drain). */
  drained(): void;
}

export class BrokerError extends Error {
  constructor(
    readonly condition: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (what: string) =>
  new BrokerError('amqp:not-found', `The messaging entity '${what}' could not be found.`);
const lockLost = () =>
  new BrokerError(
    'com.microsoft:message-lock-lost',
    'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
  );

const ttlOf = (message: AmqpMessage, entityDefault: number): number =>
  typeof message.ttl === 'number' && message.ttl > 0 ? Math.min(message.ttl, entityDefault) : entityDefault;

/** A queue, a subscription, or either's dead-letter subqueue. */
export class MessageStore {
  private readonly messages = new Map<number, StoredMessage>();
  private readonly locks = new Map<string, StoredMessage>();
  private readonly consumers = new Set<Consumer>();
  readonly deadLetter: MessageStore | undefined;
  private pumping = false;

  constructor(
    readonly path: string,
    readonly settings: { lockMs: number; maxDeliveryCount: number; deadLetterOnExpiry: boolean },
    isDeadLetter = false,
  ) {
    this.deadLetter = isDeadLetter
      ? undefined
      : new MessageStore(
          `${path}/$deadletterqueue`,
          { ...settings, maxDeliveryCount: Number.MAX_SAFE_INTEGER, deadLetterOnExpiry: false },
          true,
        );
  }

  get size(): number {
    return this.messages.size;
  }

  enqueue(stored: StoredMessage): void {
    this.messages.set(stored.sequenceNumber, stored);
    this.pump();
  }

  attach(consumer: Consumer): void {
    this.consumers.add(consumer);
    this.pump();
  }

  detach(consumer: Consumer): void {
    this.consumers.delete(consumer);
    // Locks held by a closed link stay until they expire, as in Service Bus.
  }

  /** Hands available messages to consumers with credit, oldest first. */
  pump(now = Date.now()): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (const consumer of this.consumers) {
        while (consumer.credit() > 0) {
          const next = this.nextAvailable(now);
          if (!next) break;
          this.deliverTo(consumer, next, now);
        }
        if (consumer.credit() > 0) consumer.drained();
      }
    } finally {
      this.pumping = false;
    }
  }

  private nextAvailable(now: number): StoredMessage | undefined {
    for (const m of this.messages.values()) {
      if (m.state !== 'active' || m.lock) continue;
      if (m.expiresAt <= now) {
        this.expire(m);
        continue;
      }
      return m;
    }
    return undefined;
  }

  private deliverTo(consumer: Consumer, m: StoredMessage, now: number): void {
    if (consumer.mode === 'receiveAndDelete') {
      this.messages.delete(m.sequenceNumber);
      m.deliveryCount += 1;
      consumer.deliver(m, undefined);
      return;
    }
    const token = randomUUID();
    m.lock = { token, until: now + this.settings.lockMs, consumer };
    this.locks.set(token, m);
    m.deliveryCount += 1;
    consumer.deliver(m, token);
  }

  private locked(token: string, now = Date.now()): StoredMessage {
    const m = this.locks.get(token);
    if (!m?.lock || m.lock.until <= now) throw lockLost();
    return m;
  }

  private release(m: StoredMessage): void {
    if (m.lock) this.locks.delete(m.lock.token);
    delete m.lock;
  }

  complete(token: string): void {
    const m = this.locked(token);
    this.release(m);
    this.messages.delete(m.sequenceNumber);
  }

  abandon(token: string, propertiesToModify?: Record<string, unknown>): void {
    const m = this.locked(token);
    this.release(m);
    applyModifications(m, propertiesToModify);
    this.afterFailedDelivery(m);
    this.pump();
  }

  defer(token: string, propertiesToModify?: Record<string, unknown>): void {
    const m = this.locked(token);
    this.release(m);
    applyModifications(m, propertiesToModify);
    m.state = 'deferred';
  }

  deadLetterMessage(
    token: string,
    reason: string | undefined,
    description: string | undefined,
    props?: Record<string, unknown>,
  ): void {
    const m = this.locked(token);
    this.release(m);
    applyModifications(m, props);
    this.moveToDeadLetter(m, reason, description);
  }

  renewLock(token: string, now = Date.now()): number {
    const m = this.locked(token, now);
    const lock = m.lock as NonNullable<StoredMessage['lock']>;
    lock.until = now + this.settings.lockMs;
    return lock.until;
  }

  /** Receives deferred messages by sequence number, locking them (peek-lock) or removing them. */
  receiveDeferred(
    sequenceNumbers: readonly number[],
    mode: ReceiveMode,
    now = Date.now(),
  ): { message: StoredMessage; lockToken?: string }[] {
    return sequenceNumbers.map((seq) => {
      const m = this.messages.get(seq);
      if (!m || m.state !== 'deferred') {
        throw new BrokerError(
          'com.microsoft:message-not-found',
          `Deferred message with sequence number ${seq} not found.`,
        );
      }
      m.deliveryCount += 1;
      if (mode === 'receiveAndDelete') {
        this.messages.delete(seq);
        return { message: m };
      }
      const token = randomUUID();
      m.lock = { token, until: now + this.settings.lockMs, consumer: undefined };
      this.locks.set(token, m);
      return { message: m, lockToken: token };
    });
  }

  /** Settles a message received through the management link (deferred messages). */
  updateDisposition(
    token: string,
    status: string,
    reason?: string,
    description?: string,
    props?: Record<string, unknown>,
  ): void {
    const m = this.locked(token);
    const wasDeferred = m.state === 'deferred';
    switch (status) {
      case 'completed':
        this.complete(token);
        return;
      case 'abandoned':
        this.release(m);
        applyModifications(m, props);
        // An abandoned deferred message stays deferred.
        if (!wasDeferred) this.afterFailedDelivery(m);
        else if (m.deliveryCount >= this.settings.maxDeliveryCount)
          this.moveToDeadLetter(m, 'MaxDeliveryCountExceeded', undefined);
        this.pump();
        return;
      case 'defered':
        this.defer(token, props);
        return;
      case 'suspended':
        this.deadLetterMessage(token, reason, description, props);
        return;
      default:
        throw new BrokerError('amqp:not-implemented', `Unknown disposition status '${status}'.`);
    }
  }

  peek(fromSequenceNumber: number, count: number): StoredMessage[] {
    const result: StoredMessage[] = [];
    for (const m of [...this.messages.values()].sort((a, b) => a.sequenceNumber - b.sequenceNumber)) {
      if (m.sequenceNumber < fromSequenceNumber) continue;
      result.push(m);
      if (result.length >= count) break;
    }
    return result;
  }

  /** Periodic housekeeping: expired locks come back (or dead-letter), expired messages leave. */
  sweep(now = Date.now()): void {
    for (const m of this.locks.values()) {
      if (m.lock && m.lock.until <= now) {
        this.release(m);
        if (m.state === 'active') this.afterFailedDelivery(m);
        else if (m.deliveryCount >= this.settings.maxDeliveryCount)
          this.moveToDeadLetter(m, 'MaxDeliveryCountExceeded', undefined);
      }
    }
    for (const m of this.messages.values()) {
      if (!m.lock && m.state === 'active' && m.expiresAt <= now) this.expire(m);
    }
    this.pump(now);
    this.deadLetter?.sweep(now);
  }

  purgeForTests(): void {
    this.messages.clear();
    this.locks.clear();
    this.deadLetter?.purgeForTests();
  }

  private afterFailedDelivery(m: StoredMessage): void {
    // A dead-letter queue keeps its messages however often they are abandoned.
    if (this.deadLetter && m.deliveryCount >= this.settings.maxDeliveryCount) {
      this.moveToDeadLetter(
        m,
        'MaxDeliveryCountExceeded',
        `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      );
    }
  }

  private expire(m: StoredMessage): void {
    if (this.settings.deadLetterOnExpiry) {
      this.moveToDeadLetter(m, 'TTLExpiredException', 'The message expired and was dead lettered.');
    } else {
      this.messages.delete(m.sequenceNumber);
    }
  }

  private moveToDeadLetter(m: StoredMessage, reason: string | undefined, description: string | undefined): void {
    this.messages.delete(m.sequenceNumber);
    if (!this.deadLetter) return;
    const applicationProperties = { ...(m.message.application_properties ?? {}) };
    if (reason !== undefined) applicationProperties.DeadLetterReason = reason;
    if (description !== undefined) applicationProperties.DeadLetterErrorDescription = description;
    this.deadLetter.enqueue({
      sequenceNumber: m.sequenceNumber,
      message: { ...m.message, application_properties: applicationProperties },
      enqueuedAt: m.enqueuedAt,
      // Dead-lettered messages do not expire.
      expiresAt: Number.MAX_SAFE_INTEGER,
      deliveryCount: m.deliveryCount,
      state: 'active',
      ...(reason !== undefined ? { deadLetterReason: reason } : {}),
    });
  }
}

/** Message ids and correlation ids may be strings, numbers, UUID bytes or binary. */
function stringOf(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')
    return String(v);
  return JSON.stringify(v);
}

function applyModifications(m: StoredMessage, props: Record<string, unknown> | undefined): void {
  if (!props || Object.keys(props).length === 0) return;
  m.message.application_properties = { ...(m.message.application_properties ?? {}), ...props };
}

function toFilterable(message: AmqpMessage): FilterableMessage {
  const scalar = (v: unknown): FilterValue =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? v
      : v === undefined
        ? undefined
        : stringOf(v);
  const user: Record<string, FilterValue> = {};
  for (const [k, v] of Object.entries(message.application_properties ?? {})) user[k] = scalar(v);
  return {
    system: {
      subject: scalar(message.subject),
      messageid: scalar(message.message_id),
      correlationid: scalar(message.correlation_id),
      to: scalar(message.to),
      replyto: scalar(message.reply_to),
      contenttype: scalar(message.content_type),
      sessionid: scalar(message.group_id),
    },
    user,
  };
}

export function compileFilter(filter: SubscriptionFilter): (m: AmqpMessage) => boolean {
  switch (filter.kind) {
    case 'true':
      return () => true;
    case 'sql': {
      const predicate = compileSqlFilter(filter.expression);
      return (m) => predicate(toFilterable(m));
    }
    case 'correlation':
      return (m) => {
        const f = toFilterable(m);
        if (filter.subject !== undefined && f.system.subject !== filter.subject) return false;
        if (filter.correlationId !== undefined && f.system.correlationid !== filter.correlationId) return false;
        if (filter.contentType !== undefined && f.system.contenttype !== filter.contentType) return false;
        if (filter.to !== undefined && f.system.to !== filter.to) return false;
        return Object.entries(filter.applicationProperties ?? {}).every(([k, v]) => f.user[k] === v);
      };
  }
}

interface SendTarget {
  readonly path: string;
  readonly defaultTtlMs: number;
  readonly duplicateWindowMs: number | undefined;
  readonly seen: Map<string, number>;
  readonly scheduled: Map<number, { timer: NodeJS.Timeout; message: AmqpMessage }>;
  /** Where an enqueued message goes: the queue itself, or each matching subscription. */
  readonly route: (message: AmqpMessage) => MessageStore[];
}

const settingsOf = (s: EntitySettings) => ({
  lockMs: durationToMs(s.lockDuration),
  maxDeliveryCount: s.maxDeliveryCount,
  deadLetterOnExpiry: s.deadLetteringOnMessageExpiration,
});

export interface BrokerOptions {
  /** Overrides lock duration for every entity (tests use short locks). */
  readonly lockDurationMs?: number;
  readonly sweepIntervalMs?: number;
}

/** All entities of one namespace, built from the shared topology. */
export class Broker {
  private readonly targets = new Map<string, SendTarget>();
  private readonly stores = new Map<string, MessageStore>();
  private sequence = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(topology: Topology, options: BrokerOptions = {}) {
    const lock = (s: EntitySettings) => ({
      ...settingsOf(s),
      ...(options.lockDurationMs ? { lockMs: options.lockDurationMs } : {}),
    });
    for (const q of topology.queues) {
      const store = new MessageStore(q.name, lock(q));
      this.addStore(store);
      this.targets.set(key(q.name), {
        path: q.name,
        defaultTtlMs: durationToMs(q.defaultMessageTimeToLive),
        duplicateWindowMs: q.requiresDuplicateDetection
          ? durationToMs(q.duplicateDetectionHistoryTimeWindow)
          : undefined,
        seen: new Map(),
        scheduled: new Map(),
        route: () => [store],
      });
    }
    for (const t of topology.topics) {
      const subscriptions = t.subscriptions.map((s) => ({
        store: new MessageStore(`${t.name}/Subscriptions/${s.name}`, lock(s)),
        matches: compileFilter(s.filter),
      }));
      for (const s of subscriptions) this.addStore(s.store);
      this.targets.set(key(t.name), {
        path: t.name,
        defaultTtlMs: durationToMs(t.defaultMessageTimeToLive),
        duplicateWindowMs: t.requiresDuplicateDetection
          ? durationToMs(t.duplicateDetectionHistoryTimeWindow)
          : undefined,
        seen: new Map(),
        scheduled: new Map(),
        route: (m) => subscriptions.filter((s) => s.matches(m)).map((s) => s.store),
      });
    }
    this.sweeper = setInterval(() => {
      this.sweep();
    }, options.sweepIntervalMs ?? 100);
    this.sweeper.unref();
  }

  private addStore(store: MessageStore): void {
    this.stores.set(key(store.path), store);
    if (store.deadLetter) this.stores.set(key(store.deadLetter.path), store.deadLetter);
  }

  /** The store behind a receiver address: a queue, a subscription or a dead-letter subqueue. */
  store(address: string): MessageStore {
    const s = this.stores.get(key(address));
    if (!s) throw notFound(address);
    return s;
  }

  hasTarget(address: string): boolean {
    return this.targets.has(key(address));
  }

  /** Accepts a sent message. Returns its sequence number, or undefined for a dropped duplicate. */
  send(address: string, message: AmqpMessage, now = Date.now()): number | undefined {
    const target = this.target(address);
    // Service Bus gives every message an id when the sender did not.
    if (message.message_id === undefined || message.message_id === null)
      message.message_id = randomUUID().replace(/-/g, '');
    if (target.duplicateWindowMs !== undefined && message.message_id !== undefined && message.message_id !== null) {
      const id = stringOf(message.message_id);
      const seenUntil = target.seen.get(id);
      if (seenUntil !== undefined && seenUntil > now) return undefined;
      target.seen.set(id, now + target.duplicateWindowMs);
    }
    const scheduledFor = message.message_annotations?.['x-opt-scheduled-enqueue-time'];
    const at =
      scheduledFor instanceof Date
        ? scheduledFor.getTime()
        : typeof scheduledFor === 'number'
          ? scheduledFor
          : undefined;
    const sequenceNumber = ++this.sequence;
    if (at !== undefined && at > now) {
      const timer = setTimeout(() => {
        target.scheduled.delete(sequenceNumber);
        this.enqueue(target, message, sequenceNumber, Date.now());
      }, at - now);
      timer.unref();
      target.scheduled.set(sequenceNumber, { timer, message });
      return sequenceNumber;
    }
    this.enqueue(target, message, sequenceNumber, now);
    return sequenceNumber;
  }

  cancelScheduled(address: string, sequenceNumbers: readonly number[]): void {
    const target = this.target(address);
    for (const seq of sequenceNumbers) {
      const entry = target.scheduled.get(seq);
      if (!entry) throw new BrokerError('com.microsoft:message-not-found', `Scheduled message ${seq} not found.`);
      clearTimeout(entry.timer);
      target.scheduled.delete(seq);
    }
  }

  /** Scheduled messages of a queue, for peek. */
  scheduledOf(address: string): { sequenceNumber: number; message: AmqpMessage }[] {
    const target = this.targets.get(key(address));
    if (!target) return [];
    return [...target.scheduled].map(([sequenceNumber, { message }]) => ({ sequenceNumber, message }));
  }

  sweep(now = Date.now()): void {
    for (const target of this.targets.values()) {
      for (const [id, until] of target.seen) if (until <= now) target.seen.delete(id);
    }
    for (const store of this.stores.values()) if (!store.path.endsWith('$deadletterqueue')) store.sweep(now);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const target of this.targets.values()) for (const { timer } of target.scheduled.values()) clearTimeout(timer);
  }

  /** Empties every entity: for test isolation only. */
  purgeAll(): void {
    for (const store of this.stores.values()) store.purgeForTests();
    for (const target of this.targets.values()) {
      target.seen.clear();
      for (const { timer } of target.scheduled.values()) clearTimeout(timer);
      target.scheduled.clear();
    }
  }

  private target(address: string): SendTarget {
    const t = this.targets.get(key(address));
    if (!t) throw notFound(address);
    return t;
  }

  private enqueue(target: SendTarget, message: AmqpMessage, sequenceNumber: number, now: number): void {
    const ttl = ttlOf(message, target.defaultTtlMs);
    for (const store of target.route(message)) {
      store.enqueue({
        sequenceNumber,
        message: { ...message, application_properties: { ...(message.application_properties ?? {}) } },
        enqueuedAt: now,
        expiresAt: now + ttl,
        deliveryCount: 0,
        state: 'active',
      });
    }
  }
}

// Service Bus entity paths are case-insensitive.
const key = (path: string) => path.toLowerCase();
