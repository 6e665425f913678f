/**
 * Staff triage: the queue (filters, overdue against each service's expected time,
 * counts per service) and the checks an assignment must pass. The changes
 * themselves go through `updateByStaff`, the one way a request changes.
 */
import type { CatalogueStore } from '../catalogue/catalogue.js';
import { validationFailed } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import type { ServiceRequestDoc } from './model.js';
import { isOverdue } from './overdue.js';
import type { StaffListQuery, StaffUpdate } from './schemas.js';
import { isOpen, statuses } from './status.js';
import type { RequestStore, StaffFilters } from './store.js';
import { parseAssignee, type Team } from './teams.js';

export interface TriageDeps {
  readonly requests: RequestStore;
  readonly catalogue: CatalogueStore;
  readonly teams: readonly Team[];
  readonly now: () => Date;
}

export interface QueueItem {
  readonly request: ServiceRequestDoc;
  readonly overdue: boolean;
}

export interface ServiceCount {
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly count: number;
}

export interface Queue {
  readonly items: readonly QueueItem[];
  readonly continuation?: string;
  /**
   * On the first page only: how many requests each service has under every filter but
   * the service one (so the queue can say where the work is). One aggregate query per
   * catalogue service, bounded by the catalogue, not by the caller.
   */
  readonly counts?: readonly ServiceCount[];
}

const dayMs = 86_400_000;

function filtersFor(query: StaffListQuery, now: Date): StaffFilters {
  const bbox = query.bbox?.split(',').map(Number) as [number, number, number, number] | undefined;
  const openFilter =
    query.open === undefined ? undefined : statuses.filter((s) => isOpen(s) === (query.open === 'true'));
  return {
    ...(query.status ? { status: query.status } : {}),
    ...(openFilter ? { statuses: openFilter } : {}),
    ...(query.serviceCode ? { serviceCode: query.serviceCode } : {}),
    ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
    ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
    ...(bbox ? { bbox } : {}),
    ...(query.assignedTo ? { assignedTo: query.assignedTo } : {}),
    ...(query.ward ? { ward: query.ward } : {}),
    ...(query.olderThanDays !== undefined
      ? { createdBefore: new Date(now.getTime() - query.olderThanDays * dayMs).toISOString() }
      : {}),
    ...(query.overdue
      ? { overdue: { is: query.overdue === 'true', open: statuses.filter(isOpen), now: now.toISOString() } }
      : {}),
  };
}

export async function triageQueue(query: StaffListQuery, principal: Principal, deps: TriageDeps): Promise<Queue> {
  requireRole(principal, 'staff');
  const now = deps.now();
  const services = await deps.catalogue.list();
  const filters = filtersFor(query, now);
  const byCode = new Map(services.map((s) => [s.code, s]));
  const [page, counts] = await Promise.all([
    deps.requests.staffList(filters, query.pageSize, query.continuation),
    query.continuation
      ? undefined
      : Promise.all(
          services.map(async (s) => ({
            serviceCode: s.code,
            serviceName: s.name,
            count: await deps.requests.staffCount({ ...filters, serviceCode: s.code }),
          })),
        ),
  ]);
  return {
    items: page.items.map((request) => ({
      request,
      overdue: isOverdue(request, byCode.get(request.serviceCode), now),
    })),
    ...(page.continuation ? { continuation: page.continuation } : {}),
    ...(counts ? { counts } : {}),
  };
}

/** The teams requests can be assigned to. */
export function listTeams(principal: Principal, deps: Pick<TriageDeps, 'teams'>): readonly Team[] {
  requireRole(principal, 'staff');
  return deps.teams;
}

/** An assignment names one of the configured teams, or an officer; anything else is refused. */
export function checkAssignment(update: StaffUpdate, deps: Pick<TriageDeps, 'teams'>): void {
  if (update.assignedTo === undefined || update.assignedTo === null) return;
  const assignee = parseAssignee(update.assignedTo);
  if (assignee && 'team' in assignee && !deps.teams.some((t) => t.code === assignee.team))
    throw validationFailed([{ pointer: '/assignedTo', detail: `There is no team ${assignee.team}` }]);
}
