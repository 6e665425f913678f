/**
 * When a request is overdue: still open and past the time its service expects
 * (`expectedDays` in the catalogue). The one definition the triage queue and
 * managers' reporting both use (areas contract "Overdue"; decision 1021).
 *
 * The deadline is the one fixed when the request was made, `expectedAt`
 * (createdAt + the service's expectedDays then): what the resident was told.
 * Only a request stored without it falls back to the service's time now.
 */
import type { ServiceDefinition } from '../catalogue/service-definition.js';
import type { ServiceRequestDoc } from './model.js';
import { isOpen } from './status.js';

const dayMs = 86_400_000;

export function isOverdue(
  request: Pick<ServiceRequestDoc, 'status' | 'createdAt' | 'expectedAt'>,
  service: Pick<ServiceDefinition, 'expectedDays'> | undefined,
  now: Date,
): boolean {
  if (!isOpen(request.status)) return false;
  const due =
    request.expectedAt !== undefined
      ? Date.parse(request.expectedAt)
      : service?.expectedDays !== undefined
        ? Date.parse(request.createdAt) + service.expectedDays * dayMs
        : undefined;
  return due !== undefined && due < now.getTime();
}
