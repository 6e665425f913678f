/**
 * One definition of "overdue" for the staff queue, managers' reporting and open
 * data (agreed contract): open, and older than its service's `expectedDays`. A
 * service with no expected time is never overdue.
 */
import type { StoredService } from '../catalogue/catalogue.js';
import type { ServiceRequestDoc } from './model.js';
import { isOpen } from './status.js';

const dayMs = 86_400_000;

export function isOverdue(
  request: Pick<ServiceRequestDoc, 'status' | 'createdAt'>,
  service: Pick<StoredService, 'expectedDays'> | undefined,
  now: Date,
): boolean {
  const days = service?.expectedDays;
  if (days === undefined || !isOpen(request.status)) return false;
  return now.getTime() - Date.parse(request.createdAt) > days * dayMs;
}
