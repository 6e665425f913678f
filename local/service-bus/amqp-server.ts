/**
 * An AMQP 1.0 front for the broker that `@azure/service-bus` talks to unchanged
 * through a `UseDevelopmentEmulator=true` connection string (plain TCP).
 *
 * What the SDK needs, and where it is handled:
 * - `$cbs` put-token before every link: `onCbsRequest` (tokens are accepted, not verified).
 * - send (single and batched) to a queue or topic: `onIncomingMessage`.
 * - receive in peek-lock or receive-and-delete from a queue, subscription or
 *   dead-letter subqueue; settlement by disposition: `LinkConsumer` and `onSettlement`.
 * - `$management` operations: `onManagementRequest`.
 */
import type { AddressInfo, Server } from 'node:net';
import rhea, {
  type Connection,
  type Delivery,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
  type Session,
} from 'rhea';
import type { Topology } from '../../shared/messaging/topology.js';
import {
  Broker,
  BrokerError,
  type AmqpMessage,
  type Consumer,
  type MessageStore,
  type ReceiveMode,
  type StoredMessage,
} from './broker.js';

interface Outcomes {
  accepted(): { described(): unknown };
  rejected(fields: { error: { condition: string; description: string } }): { described(): unknown };
}

const BATCH_FORMAT = 0x80013700;
const MAX_MESSAGE_BYTES = 256 * 1024;
const stateCode = { active: 0, deferred: 1, scheduled: 2 } as const;

/** Service Bus GUIDs travel as .NET-ordered bytes in delivery tags: the SDK swaps them back. */
function lockTokenToTag(token: string): Buffer {
  const b = rhea.string_to_uuid(token);
  return Buffer.from([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], ...b.subarray(8)] as number[]);
}

const asLong = (value: unknown): number => {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return Number(value.readBigInt64BE());
  if (typeof value === 'bigint') return Number(value);
  throw new BrokerError('amqp:invalid-field', `Expected a long, got ${typeof value}`);
};
const asUuidString = (value: unknown): string => (Buffer.isBuffer(value) ? rhea.uuid_to_string(value) : String(value));
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** The message as a receiver sees it: the stored one plus the broker's annotations. */
function outgoing(m: StoredMessage, lockedUntil: number | undefined, priorDeliveries: number): Message {
  const annotations: Record<string, unknown> = {
    ...(m.message.message_annotations ?? {}),
    'x-opt-sequence-number': rhea.types.wrap_long(m.sequenceNumber),
    'x-opt-enqueued-time': new Date(m.enqueuedAt),
  };
  if (m.state !== 'active') annotations['x-opt-message-state'] = rhea.types.wrap_int(stateCode[m.state]);
  if (lockedUntil !== undefined) annotations['x-opt-locked-until'] = new Date(lockedUntil);
  return { ...m.message, message_annotations: annotations, delivery_count: priorDeliveries } as Message;
}

/** Parts of rhea's links that its typings leave out. */
interface AttachFields {
  source?: { address?: string; filter?: Record<string, unknown> } | null;
  target?: { address?: string } | null;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: number;
}
interface LinkInternals {
  remote: { attach: AttachFields };
  local: { attach: AttachFields };
  credit: number;
  session: { outgoing: { next_pending_delivery: number } };
}
const internals = (link: Sender | Receiver): LinkInternals => link as unknown as LinkInternals;

interface Pending {
  readonly store: MessageStore;
  readonly lockToken: string;
}

/** A client's receiving link: the broker pushes into it while it has credit. */
class LinkConsumer implements Consumer {
  readonly mode: ReceiveMode;
  private sent: Delivery[] = [];

  constructor(
    private readonly sender: Sender,
    private readonly store: MessageStore,
    private readonly pending: WeakMap<Delivery, Pending>,
    private readonly onDeliver: () => void = () => undefined,
  ) {
    this.mode = internals(sender).remote.attach.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock';
  }

  // rhea takes credit only when it writes the transfer (next tick), so deliveries queued
  // in this tick still count against the link's credit.
  credit(): number {
    if (!this.sender.is_open()) return 0;
    const link = internals(this.sender);
    this.sent = this.sent.filter((d) => d.id >= link.session.outgoing.next_pending_delivery);
    return Math.max(0, link.credit - this.sent.length);
  }

  deliver(m: StoredMessage, lockToken: string | undefined): void {
    const lockedUntil = m.lock?.until;
    const tag = lockToken ? lockTokenToTag(lockToken) : Buffer.from(String(m.sequenceNumber));
    const delivery = this.sender.send(outgoing(m, lockedUntil, m.deliveryCount - 1), tag);
    this.onDeliver();
    this.sent.push(delivery);
    if (lockToken) this.pending.set(delivery, { store: this.store, lockToken });
  }

  drained(): void {
    this.sender.set_drained(true);
  }
}

export interface ServiceBusEmulatorOptions {
  readonly topology: Topology;
  readonly port?: number;
  readonly host?: string;
  /** Shorter locks for tests of lock expiry. */
  readonly lockDurationMs?: number;
  readonly log?: (line: string) => void;
}

export interface ServiceBusEmulator {
  readonly port: number;
  readonly connectionString: string;
  readonly broker: Broker;
  /** Messages sent to entities, delivered to receivers, and settled (benchmarks count them). */
  counts(): { readonly sent: number; readonly delivered: number; readonly settled: number };
  /** An outage: stops accepting and drops every connection, keeping every message. */
  suspend(): Promise<void>;
  /** Back on the same port, with the same messages. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startServiceBusEmulator(options: ServiceBusEmulatorOptions): Promise<ServiceBusEmulator> {
  const log = options.log ?? ((line: string) => console.error(`[service-bus] ${line}`));
  const broker = new Broker(options.topology, options.lockDurationMs ? { lockDurationMs: options.lockDurationMs } : {});
  const container = rhea.create_container({ id: 'doorstep-service-bus-emulator' });
  const consumers = new Map<Sender, { store: MessageStore; consumer: LinkConsumer }>();
  const pending = new WeakMap<Delivery, Pending>();
  const counts = { sent: 0, delivered: 0, settled: 0 };
  const connections = new Set<Connection>();

  const replyLink = (session: Session, replyTo: string | undefined): Sender | undefined => {
    const links = (session.connection as unknown as { find_sender: (f: (s: Sender) => boolean) => Sender | undefined })
      .find_sender;
    return links.call(
      session.connection,
      (s) => s.name === replyTo || internals(s).remote.attach.target?.address === replyTo,
    );
  };

  const reply = (
    context: EventContext,
    status: number,
    body: unknown,
    description = 'OK',
    condition?: string,
  ): void => {
    const request = context.message as Message;
    const to = replyLink(context.session as Session, request.reply_to);
    if (!to) {
      log(`no reply link for ${request.reply_to ?? '(none)'}`);
      return;
    }
    const properties: Record<string, unknown> = {
      statusCode: status,
      'status-code': status,
      statusDescription: description,
      'status-description': description,
    };
    if (condition) properties['error-condition'] = condition;
    to.send({ correlation_id: request.message_id, application_properties: properties, body });
  };

  function onCbsRequest(context: EventContext): void {
    const operation = (context.message as Message).application_properties?.operation as unknown;
    if (operation !== 'put-token') {
      log(`unknown $cbs operation '${String(operation)}'`);
      reply(context, 501, undefined, 'Not implemented');
      return;
    }
    reply(context, 200, undefined);
  }

  function onManagementRequest(context: EventContext, entity: string): void {
    const request = context.message as Message;
    const operation = request.application_properties?.operation as string | undefined;
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      switch (operation) {
        case 'com.microsoft:renew-lock': {
          const store = broker.store(entity);
          const expirations = asArray(body['lock-tokens']).map((t) => new Date(store.renewLock(asUuidString(t))));
          reply(context, 200, { expirations: rhea.types.wrap_array(expirations, 0x83, undefined) });
          return;
        }
        case 'com.microsoft:schedule-message': {
          const sequenceNumbers = asArray(body.messages).map((entry) => {
            const encoded = (entry as Record<string, unknown>).message as Buffer;
            const message = rhea.message.decode(encoded) as unknown as AmqpMessage;
            const seq = broker.send(entity, message);
            const bytes = Buffer.alloc(8);
            bytes.writeBigInt64BE(BigInt(seq ?? 0));
            return bytes;
          });
          reply(context, 200, { 'sequence-numbers': rhea.types.wrap_array(sequenceNumbers, 0x81, undefined) });
          return;
        }
        case 'com.microsoft:cancel-scheduled-message': {
          broker.cancelScheduled(entity, asArray(body['sequence-numbers']).map(asLong));
          reply(context, 200, undefined);
          return;
        }
        case 'com.microsoft:peek-message': {
          const from = asLong(body['from-sequence-number']);
          const count = Number(body['message-count'] ?? 1);
          const store = broker.store(entity);
          const scheduled = broker.scheduledOf(entity).map(({ sequenceNumber, message }) => ({
            sequenceNumber,
            message,
            enqueuedAt: Date.now(),
            expiresAt: Number.MAX_SAFE_INTEGER,
            deliveryCount: 0,
            state: 'scheduled' as const,
          }));
          const found: StoredMessage[] = [
            ...store.peek(from, count),
            ...scheduled.filter((m) => m.sequenceNumber >= from),
          ]
            .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
            .slice(0, count);
          if (found.length === 0) {
            reply(context, 204, undefined, 'No messages');
            return;
          }
          const messages = found.map((m) => ({
            message: rhea.message.encode(outgoing(m, m.lock?.until, m.deliveryCount)),
          }));
          reply(context, 200, { messages });
          return;
        }
        case 'com.microsoft:receive-by-sequence-number': {
          const mode: ReceiveMode = Number(body['receiver-settle-mode'] ?? 1) === 0 ? 'receiveAndDelete' : 'peekLock';
          const received = broker.store(entity).receiveDeferred(asArray(body['sequence-numbers']).map(asLong), mode);
          const messages = received.map(({ message, lockToken }) => ({
            message: rhea.message.encode(outgoing(message, message.lock?.until, message.deliveryCount - 1)),
            ...(lockToken ? { 'lock-token': rhea.string_to_uuid(lockToken) } : {}),
          }));
          reply(context, 200, { messages });
          return;
        }
        case 'com.microsoft:update-disposition': {
          const store = broker.store(entity);
          const status = String(body['disposition-status']);
          const props = body['properties-to-modify'] as Record<string, unknown> | undefined;
          for (const token of asArray(body['lock-tokens'])) {
            store.updateDisposition(
              asUuidString(token),
              status,
              body['deadletter-reason'] as string | undefined,
              body['deadletter-description'] as string | undefined,
              props,
            );
          }
          reply(context, 200, undefined);
          return;
        }
        default:
          log(`UNKNOWN management operation '${String(operation)}' on '${entity}'`);
          reply(
            context,
            501,
            undefined,
            `Operation ${String(operation)} is not implemented by the emulator`,
            'amqp:not-implemented',
          );
      }
    } catch (error) {
      if (error instanceof BrokerError) {
        const status =
          error.condition === 'amqp:not-found' || error.condition === 'com.microsoft:message-not-found' ? 404 : 410;
        reply(context, status, undefined, error.message, error.condition);
        return;
      }
      log(`management operation '${String(operation)}' failed: ${String(error)}`);
      reply(context, 500, undefined, 'Internal error', 'amqp:internal-error');
    }
  }

  function onIncomingMessage(context: EventContext): void {
    const receiver = context.receiver as Receiver;
    const delivery = context.delivery as Delivery;
    const address = receiver.target.address as string | undefined;
    if (address === '$cbs') {
      onCbsRequest(context);
      delivery.accept();
      return;
    }
    if (address?.endsWith('/$management')) {
      onManagementRequest(context, address.slice(0, -'/$management'.length));
      delivery.accept();
      return;
    }
    try {
      // rhea decodes only format-0 transfers; a batch arrives raw, its data sections each an encoded message.
      const format = (context as unknown as { format?: number }).format;
      let parts: AmqpMessage[];
      if (format === BATCH_FORMAT) {
        const envelope = rhea.message.decode(context.message as unknown as Buffer);
        const content = (envelope.body as { content?: Buffer | Buffer[] } | undefined)?.content;
        parts = (Array.isArray(content) ? content : content ? [content] : []).map(
          (b) => rhea.message.decode(b) as unknown as AmqpMessage,
        );
      } else {
        parts = [context.message as unknown as AmqpMessage];
      }
      counts.sent += parts.length;
      for (const part of parts) {
        const size = rhea.message.encode(part).length;
        if (size > MAX_MESSAGE_BYTES) {
          throw new BrokerError(
            'amqp:link:message-size-exceeded',
            `The message is ${size} bytes; the limit is ${MAX_MESSAGE_BYTES}.`,
          );
        }
      }
      for (const part of parts) broker.send(address ?? '', part);
      delivery.accept();
    } catch (error) {
      const condition = error instanceof BrokerError ? error.condition : 'amqp:internal-error';
      delivery.reject({ condition, description: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * In receiver-settles-second mode (the SDK's peek-lock) the client settles after our
   * settled disposition without another frame, so rhea never sees it remote-settled
   * and keeps the delivery in the session's 2048-slot window: after 2048 messages on
   * one session nothing more could be sent. Once the broker has settled, it is done.
   */
  const finish = (delivery: Delivery) => {
    (delivery as unknown as { remote_settled: boolean }).remote_settled = true;
  };

  function onSettlement(context: EventContext, outcome: 'accepted' | 'rejected' | 'modified' | 'released'): void {
    const delivery = context.delivery as Delivery;
    const entry = pending.get(delivery);
    if (!entry) return;
    pending.delete(delivery);
    counts.settled++;
    const state = delivery.remote_state as
      | {
          undeliverable_here?: boolean;
          message_annotations?: Record<string, unknown>;
          error?: { condition?: string; description?: string; info?: Record<string, unknown> };
        }
      | undefined;
    try {
      if (outcome === 'accepted') {
        entry.store.complete(entry.lockToken);
      } else if (outcome === 'modified' && state?.undeliverable_here) {
        entry.store.defer(entry.lockToken, state.message_annotations);
      } else if (outcome === 'modified' || outcome === 'released') {
        entry.store.abandon(entry.lockToken, state?.message_annotations);
      } else {
        const info = { ...(state?.error?.info ?? {}) };
        const reason = info.DeadLetterReason as string | undefined;
        const description = info.DeadLetterErrorDescription as string | undefined;
        delete info.DeadLetterReason;
        delete info.DeadLetterErrorDescription;
        entry.store.deadLetterMessage(entry.lockToken, reason, description, info);
      }
      delivery.update(true, (rhea.message as unknown as Outcomes).accepted().described());
      finish(delivery);
    } catch (error) {
      const condition = error instanceof BrokerError ? error.condition : 'amqp:internal-error';
      const description = error instanceof Error ? error.message : String(error);
      delivery.update(
        true,
        (rhea.message as unknown as Outcomes).rejected({ error: { condition, description } }).described(),
      );
      finish(delivery);
    }
  }

  container.on('connection_open', (context: EventContext) => {
    connections.add(context.connection);
  });
  container.on('disconnected', (context: EventContext) => {
    connections.delete(context.connection);
    for (const [sender, entry] of consumers) {
      if (sender.connection === context.connection) {
        entry.store.detach(entry.consumer);
        consumers.delete(sender);
      }
    }
  });

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const attach = internals(receiver).remote.attach;
    const address = attach.target?.address;
    receiver.set_target({ address: address ?? '' });
    receiver.set_source((attach.source ?? {}) as never);
    // The SDK sizes its batches from this.
    internals(receiver).local.attach.max_message_size = MAX_MESSAGE_BYTES;
    const entity = address?.endsWith('/$management') ? address.slice(0, -'/$management'.length) : address;
    if (
      address !== '$cbs' &&
      !(entity && broker.hasTarget(entity)) &&
      !(address?.endsWith('/$management') && entity && existsAny(entity))
    ) {
      receiver.close({
        condition: 'amqp:not-found',
        description: `The messaging entity '${address ?? ''}' could not be found.`,
      });
      return;
    }
    receiver.add_credit(500);
  });

  const existsAny = (entity: string): boolean => {
    if (broker.hasTarget(entity)) return true;
    try {
      broker.store(entity);
      return true;
    } catch {
      return false;
    }
  };

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender as Sender;
    const link = internals(sender);
    const source = link.remote.attach.source;
    const address = source?.address;
    sender.set_source((source ?? {}) as never);
    sender.set_target((link.remote.attach.target ?? {}) as never);
    link.local.attach.snd_settle_mode = link.remote.attach.snd_settle_mode;
    link.local.attach.rcv_settle_mode = link.remote.attach.rcv_settle_mode;
    if (address === '$cbs' || address?.endsWith('/$management')) return;
    if (source?.filter && 'com.microsoft:session-filter' in source.filter) {
      sender.close({ condition: 'amqp:not-implemented', description: 'Sessions are not supported by the emulator.' });
      return;
    }
    let store: MessageStore;
    try {
      store = broker.store(address ?? '');
    } catch (error) {
      sender.close({ condition: 'amqp:not-found', description: error instanceof Error ? error.message : 'not found' });
      return;
    }
    const consumer = new LinkConsumer(sender, store, pending, () => {
      counts.delivered++;
    });
    consumers.set(sender, { store, consumer });
    store.attach(consumer);
  });

  const pumpFor = (context: EventContext): void => {
    const entry = consumers.get(context.sender as Sender);
    entry?.store.pump();
  };
  container.on('sendable', pumpFor);
  container.on('sender_draining', pumpFor);
  container.on('sender_close', (context: EventContext) => {
    const sender = context.sender as Sender;
    const entry = consumers.get(sender);
    if (entry) {
      entry.store.detach(entry.consumer);
      consumers.delete(sender);
    }
  });

  container.on('message', onIncomingMessage);
  container.on('accepted', (c: EventContext) => {
    onSettlement(c, 'accepted');
  });
  container.on('rejected', (c: EventContext) => {
    onSettlement(c, 'rejected');
  });
  container.on('modified', (c: EventContext) => {
    onSettlement(c, 'modified');
  });
  container.on('released', (c: EventContext) => {
    onSettlement(c, 'released');
  });
  container.on('error', (error: unknown) => {
    log(`error: ${String(error)}`);
  });

  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<import('node:net').Socket>();
  const listen = async (port: number): Promise<Server> => {
    const server = container.listen({
      port,
      host,
      autoaccept: false,
      treat_modified_as_released: false,
    } as never) as unknown as Server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    server.on('connection', (socket: import('node:net').Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    return server;
  };
  const stopListening = (server: Server) =>
    new Promise<void>((resolve) => {
      for (const c of connections) c.close();
      server.close(() => {
        resolve();
      });
      // Clients reconnect as soon as they are told to close: cut every socket.
      for (const socket of sockets) socket.destroy();
    });
  let server = await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  let suspended = false;

  return {
    port,
    broker,
    counts: () => ({ ...counts }),
    connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;`,
    async suspend() {
      if (suspended) return;
      suspended = true;
      await stopListening(server);
    },
    async resume() {
      if (!suspended) return;
      server = await listen(port);
      suspended = false;
    },
    async close() {
      broker.close();
      if (!suspended) await stopListening(server);
    },
  };
}
