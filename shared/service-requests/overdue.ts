/**
 * When a request is overdue: open, and older than its service's expected days.
 * The staff queue and the managers' reports both ask this, so there is one answer.
 * A service with no expected days never makes a request overdue.
 */
import { isOpen, type Status } from './status.js';

export interface OverdueRequest {
  readonly status: Status;
  readonly createdAt: string;
}

export interface OverdueService {
  readonly expectedDays?: number | undefined;
}

const dayMs = 86_400_000;

/** The instant after which an open request of this service is overdue, if it ever is. */
export function overdueAfter(request: Pick<OverdueRequest, 'createdAt'>, service: OverdueService): Date | undefined {
  if (service.expectedDays === undefined) return undefined;
  return new Date(Date.parse(request.createdAt) + service.expectedDays * dayMs);
}

export function isOverdue(request: OverdueRequest, service: OverdueService, now: Date): boolean {
  if (!isOpen(request.status)) return false;
  const due = overdueAfter(request, service);
  return due !== undefined && now.getTime() > due.getTime();
}
