/**
 * The order in which one received batch of partner messages is applied, decided
 * once, from each body parsed once. Pure: no I/O, so the rules are unit-tested.
 *
 * - The sender is the queue the batch came from. A body that names another
 *   back office is rejected (PartnerMismatch), as are bodies that are not JSON or
 *   break the contract.
 * - Messages about one job apply in the order received; different jobs apply in
 *   parallel. A job is its request id; a partner reference that an acknowledgement
 *   in the same batch ties to a request id is the same job.
 * - Acknowledgements go first, since later messages may name the reference they give.
 * - The same message, or the same update of a job, twice in one batch: the first
 *   decides, the repeat is a duplicate.
 * - A message held back earlier in this run and delivered again at once is
 *   released untouched, for the next run.
 */
import type { BackOfficeId } from '../catalogue/back-offices.js';
import { jsonBody } from '../messaging/message-body.js';
import { partnerMessageSchema, type PartnerMessage } from './contract.js';

export const rejectReasons = [
  'InvalidJson',
  'SchemaValidationFailed',
  'PartnerMismatch',
  'UnknownRequest',
  'NotSentToThisPartner',
  'TransitionNotAllowed',
  'ReferenceAlreadyAcknowledged',
  'TooManyUpdates',
] as const;
export type RejectReason = (typeof rejectReasons)[number];

/** One received message: `handle` is whatever the receiver settles (the SDK's message). */
export interface Received<M> {
  readonly handle: M;
  readonly messageId: string;
  readonly body: unknown;
  readonly deliveryCount: number;
}

export interface Planned<M> extends Received<M> {
  readonly message: PartnerMessage;
}

export interface Rejected<M> {
  readonly handle: M;
  readonly messageId: string;
  readonly reason: RejectReason;
  readonly description: string;
}

export interface InboundPlan<M> {
  readonly release: readonly M[];
  readonly rejected: readonly Rejected<M>[];
  readonly duplicates: readonly M[];
  /** Acknowledgements, then the rest; in each phase, one list per job, in the order to apply. */
  readonly phases: readonly (readonly (readonly Planned<M>[])[])[];
}

const describeIssues = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
  issues
    .map((i) => `/${i.path.map(String).join('/')}: ${i.message}`)
    .join('; ')
    .slice(0, 1000);

export function planBatch<M>(
  batch: readonly Received<M>[],
  sender: BackOfficeId,
  heldThisRun: ReadonlySet<string> = new Set(),
): InboundPlan<M> {
  const release: M[] = [];
  const rejected: Rejected<M>[] = [];
  const duplicates: M[] = [];
  const valid: Planned<M>[] = [];
  for (const received of batch) {
    if (heldThisRun.has(received.messageId)) {
      release.push(received.handle);
      continue;
    }
    const reject = (reason: RejectReason, description: string) =>
      rejected.push({ handle: received.handle, messageId: received.messageId, reason, description });
    const body = jsonBody(received.body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      reject('InvalidJson', 'The body must be a JSON object.');
      continue;
    }
    const parsed = partnerMessageSchema.safeParse(body);
    if (!parsed.success) {
      reject('SchemaValidationFailed', describeIssues(parsed.error.issues));
      continue;
    }
    if (parsed.data.partner !== undefined && parsed.data.partner !== sender) {
      reject(
        'PartnerMismatch',
        `/partner: names another back office, but the message arrived on ${sender}'s queue; the sender is the queue.`,
      );
      continue;
    }
    valid.push({ ...received, message: parsed.data });
  }

  // References that acknowledgements in this batch tie to a request: the same job.
  const requestOfReference = new Map<string, string>();
  for (const { message } of valid)
    if (message.kind === 'acknowledged') requestOfReference.set(message.partnerReference, message.requestId);
  const jobOf = (m: PartnerMessage) =>
    m.requestId ?? requestOfReference.get(m.partnerReference ?? '') ?? `ref:${m.partnerReference ?? ''}`;

  const seen = new Set<string>();
  const acks = new Map<string, Planned<M>[]>();
  const rest = new Map<string, Planned<M>[]>();
  for (const planned of valid) {
    const job = jobOf(planned.message);
    const marks = [
      `message:${planned.messageId}`,
      ...(planned.message.updateId ? [`update:${job}:${planned.message.updateId}`] : []),
    ];
    if (marks.some((mark) => seen.has(mark))) {
      duplicates.push(planned.handle);
      continue;
    }
    for (const mark of marks) seen.add(mark);
    const phase = planned.message.kind === 'acknowledged' ? acks : rest;
    phase.set(job, [...(phase.get(job) ?? []), planned]);
  }
  return { release, rejected, duplicates, phases: [[...acks.values()], [...rest.values()]] };
}
