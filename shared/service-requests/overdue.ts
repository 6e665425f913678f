/**
 * When a request is overdue: still open and past the time its service expects
 * (`expectedDays` in the catalogue). The one definition the staff queue, the
 * managers' reports and the open data figures all use (decision 1021).
 *
 * The deadline is the one fixed when the request was made, `expectedAt`
 * (createdAt + the service's expectedDays then): what the resident was told.
 * Only a request stored without it falls back to the service's time now.
 * A service with no expected days never makes such a request overdue.
 */
import { isOpen, type Status } from './status.js';

export interface OverdueRequest {
  readonly status: Status;
  readonly createdAt: string;
  readonly expectedAt?: string | undefined;
}

export interface OverdueService {
  readonly expectedDays?: number | undefined;
}

const dayMs = 86_400_000;

/** The instant after which an open request is overdue, if it ever is. */
export function overdueAfter(
  request: Pick<OverdueRequest, 'createdAt' | 'expectedAt'>,
  service: OverdueService | undefined,
): Date | undefined {
  if (request.expectedAt !== undefined) return new Date(Date.parse(request.expectedAt));
  if (service?.expectedDays === undefined) return undefined;
  return new Date(Date.parse(request.createdAt) + service.expectedDays * dayMs);
}

export function isOverdue(request: OverdueRequest, service: OverdueService | undefined, now: Date): boolean {
  if (!isOpen(request.status)) return false;
  const due = overdueAfter(request, service);
  return due !== undefined && now.getTime() > due.getTime();
}
