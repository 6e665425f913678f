/** What the moderation, refund and dead-letter pages read from the API, parsed at the boundary. */
import { z } from 'zod';

const published = z.union([z.literal('hidden'), z.object({ text: z.string() })]);

/**
 * A request as a moderator reads it (`GET /staff/requests/{id}/moderation`, decision 1032):
 * what was written beside what the public sees, never the reporter or the address.
 */
export const moderationRequestView = z.object({
  id: z.string(),
  serviceCode: z.string(),
  serviceName: z.string(),
  status: z.string(),
  description: z.string().optional(),
  photos: z.array(z.string()).default([]),
  mediaUrls: z.number().default(0),
  timeline: z.array(
    z.object({ id: z.string(), at: z.string(), kind: z.string(), text: z.string().optional(), by: z.string() }).loose(),
  ),
  moderation: z
    .object({
      description: published.optional(),
      photos: z.enum(['shown', 'hidden']).optional(),
      updates: z.record(z.string(), published).optional(),
    })
    .default({}),
  moderationLog: z
    .array(
      z.object({
        at: z.string(),
        by: z.string(),
        target: z.enum(['description', 'photos', 'update']),
        updateId: z.string().optional(),
        action: z.enum(['published', 'edited', 'hidden', 'shown']),
      }),
    )
    .default([]),
});
export type ModerationRequestView = z.infer<typeof moderationRequestView>;

/** What awaits a moderator (decision 1032): kinds of thing, never the words. */
export const moderationQueueView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      serviceCode: z.string(),
      serviceName: z.string(),
      status: z.string(),
      createdAt: z.string(),
      updatedAt: z.string(),
      description: z.boolean(),
      photos: z.boolean(),
      updates: z.number(),
    }),
  ),
  continuation: z.string().optional(),
});

const refundStatus = z.enum(['awaiting-approval', 'declined', 'requested', 'submitted', 'success', 'error']);
export type RefundStatus = z.infer<typeof refundStatus>;

export const staffPaymentView = z.object({
  id: z.string(),
  itemCode: z.string(),
  description: z.string(),
  amount: z.number(),
  status: z.string(),
  finished: z.boolean(),
  noticeReference: z.string().optional(),
  refunded: z.number(),
  refunds: z.array(z.object({ id: z.string(), amount: z.number(), status: refundStatus, at: z.string() })),
  createdAt: z.string(),
  refund: z.object({ id: z.string(), amount: z.number(), status: refundStatus }).optional(),
});
export type StaffPaymentView = z.infer<typeof staffPaymentView>;

/** Finance's list of refunds waiting for a second approver (decision 1031). */
export const refundsAwaitingView = z.object({
  items: z.array(
    z.object({
      paymentId: z.string(),
      refundId: z.string(),
      itemCode: z.string(),
      description: z.string(),
      paymentAmount: z.number(),
      amount: z.number(),
      requestedAt: z.string(),
      requestedByYou: z.boolean(),
    }),
  ),
  continuation: z.string().optional(),
});

export const deadLetterCountsView = z.object({
  entities: z.array(z.object({ entity: z.string(), count: z.number(), atLeast: z.boolean(), replayable: z.boolean() })),
});

export const deadLetterView = z.object({
  entity: z.string(),
  sequenceNumber: z.string(),
  messageId: z.string().optional(),
  subject: z.string().optional(),
  enqueuedAt: z.string().optional(),
  reason: z.string().optional(),
  description: z.string().optional(),
  deliveryCount: z.number().optional(),
});
export type DeadLetterView = z.infer<typeof deadLetterView>;
export const deadLettersView = z.object({ items: z.array(deadLetterView) });
