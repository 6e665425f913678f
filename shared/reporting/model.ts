/**
 * The managers' reporting index (decision 1044): per service (the partition), ward and
 * day a request was opened, the requests opened that day with when each closed. Kept
 * from the `requests` change feed, so a report reads tens of these, never the requests.
 */
import { z } from 'zod';
import { isOpen, type Status } from '../service-requests/status.js';

/** Requests with no ward (no position, or outside every ward) are counted under this. */
export const noWard = 'none';

export interface BucketEntry {
  readonly createdAt: string;
  readonly closedAt?: string;
  /** The request's `updatedAt` this entry was taken from: an older version never overwrites it. */
  readonly seen: string;
}

export interface ReportBucket {
  /** `<ward>:<YYYY-MM-DD>` */
  readonly id: string;
  /** The service code. */
  readonly pk: string;
  readonly kind: 'bucket';
  readonly ward: string;
  readonly day: string;
  /** By request id, so a change delivered twice counts once. */
  readonly requests: Readonly<Record<string, BucketEntry>>;
  readonly _etag?: string;
}

/** What the index needs of a request, as the change feed delivers it. */
export interface IndexedRequest {
  readonly id: string;
  readonly type: string;
  readonly serviceCode: string;
  readonly ward?: string;
  readonly status: Status;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly timeline: readonly { readonly at: string; readonly status?: Status }[];
}

/** When a request closed: its last move to a closed status (not a later note); undefined while open. */
export function closedAtOf(r: IndexedRequest): string | undefined {
  if (isOpen(r.status)) return undefined;
  const moves = r.timeline.filter((t) => t.status !== undefined);
  let closedAt = r.updatedAt;
  for (let i = moves.length - 1; i >= 0; i--) {
    const move = moves[i];
    if (!move?.status || isOpen(move.status)) break;
    closedAt = move.at;
  }
  return closedAt;
}

const day = z.iso.date();
export const reportQuery = z
  .strictObject({
    from: day,
    to: day,
    service: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,39}$/)
      .optional(),
    ward: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,20}$/)
      .optional(),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'to must be on or after from' })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
    path: ['to'],
    message: 'A report covers at most 366 days',
  });
export type ReportQuery = z.output<typeof reportQuery>;

export interface ReportRow {
  readonly service: string;
  readonly ward: string;
  /** Opened in the period. */
  readonly opened: number;
  /** Of those, still open now. */
  readonly open: number;
  /** Of those, open now and older than the service expects (shared/service-requests/overdue.ts). */
  readonly overdue: number;
  /** Of those, closed. */
  readonly closed: number;
  /** Median time from opening to closing of those closed, in hours (one decimal); null when none closed. */
  readonly medianHoursToClose: number | null;
}
