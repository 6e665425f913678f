/**
 * Following a report (as FixMyStreet's `new_updates` alerts): a resident asks to
 * hear about a public report they did not make. The record lives in the
 * follower's own partition of the `residents` container (`following:<requestId>`),
 * so "what I follow" is one single-partition query and erasing a resident takes
 * their follows with them. Personal data: only the follower's own id.
 */
import { z } from 'zod';

export interface FollowingDoc {
  readonly id: `following:${string}`;
  readonly residentId: string;
  readonly kind: 'following';
  readonly requestId: string;
  /** When they started following: the list's order (the `kind, at` index). */
  readonly at: string;
}

export const followingId = (requestId: string) => `following:${requestId}` as const;

/**
 * The most reports one resident may follow. FixMyStreet sets no limit, but every
 * follow is a row read on each update of that report and a read per row of the
 * list: 100 is more than a street's worth of reports (a resident keeping an eye
 * on their neighbourhood), and keeps a resident's partition and their list's
 * status reads small (decision 0830).
 */
export const maxFollowedPerResident = 100;
/**
 * The most residents who may follow one report: bounds the notifications one
 * update fans out to (one job per follower and channel).
 */
export const maxFollowersPerRequest = 500;

export const requestIdParam = z.uuid({ message: 'A request id is a UUID' });

export const listFollowingQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
  continuation: z.string().min(1).max(4000).optional(),
});
export type ListFollowingQuery = z.output<typeof listFollowingQuery>;
