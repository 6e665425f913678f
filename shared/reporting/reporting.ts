/**
 * Reporting for managers: per service and ward, over a period, how many requests were
 * opened, how many of those are still open and overdue, and the median time to close
 * them. Requests are counted by the day they were opened (a cohort), so a report is a
 * sum over the index's day buckets and never reads the requests (decision 1044).
 */
import type { CatalogueStore } from '../catalogue/catalogue.js';
import { requireRole, type Principal } from '../identity/principal.js';
import { isOverdue } from '../service-requests/overdue.js';
import { closedAtOf, noWard, type IndexedRequest, type ReportQuery, type ReportRow } from './model.js';
import type { ReportIndex } from './store.js';

export interface ReportingDeps {
  readonly reports: ReportIndex;
  readonly catalogue: Pick<CatalogueStore, 'list'>;
  readonly now: () => Date;
}

const isIndexable = (doc: unknown): doc is IndexedRequest => {
  const d = doc as Partial<IndexedRequest> | null;
  return (
    d?.type === 'request' &&
    typeof d.id === 'string' &&
    typeof d.serviceCode === 'string' &&
    typeof d.createdAt === 'string' &&
    typeof d.updatedAt === 'string' &&
    Array.isArray(d.timeline)
  );
};

/**
 * The change feed's handler: each changed request is put in (or updated in) its opening
 * day's bucket. Keyed by request id and guarded by the request's `updatedAt`, so a batch
 * delivered again changes nothing. A batch's requests are grouped by bucket and each
 * bucket is read and written once: one round trip per request fell behind a busy feed,
 * where most of a batch lands in the same few buckets (today's, per service and ward).
 */
export async function indexRequests(docs: readonly unknown[], deps: Pick<ReportingDeps, 'reports'>): Promise<number> {
  const requests = docs.filter(isIndexable);
  const buckets = new Map<string, { service: string; ward: string; day: string; requests: IndexedRequest[] }>();
  for (const r of requests) {
    const ward = r.ward ?? noWard;
    const day = r.createdAt.slice(0, 10);
    const key = `${r.serviceCode}|${ward}:${day}`;
    const bucket = buckets.get(key) ?? { service: r.serviceCode, ward, day, requests: [] };
    bucket.requests.push(r);
    buckets.set(key, bucket);
  }
  for (const { service, ward, day, requests: changed } of buckets.values())
    await deps.reports.update(service, `${ward}:${day}`, (current) => {
      const entries = { ...(current?.requests ?? {}) };
      let changes = 0;
      for (const r of changed) {
        const seen = entries[r.id]?.seen;
        if (seen !== undefined && seen >= r.updatedAt) continue;
        const closedAt = closedAtOf(r);
        entries[r.id] = { createdAt: r.createdAt, ...(closedAt ? { closedAt } : {}), seen: r.updatedAt };
        changes++;
      }
      if (current && changes === 0) return current;
      return {
        id: `${ward}:${day}`,
        pk: service,
        kind: 'bucket',
        ward,
        day,
        requests: entries,
        ...(current?._etag ? { _etag: current._etag } : {}),
      };
    });
  return requests.length;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(m * 10) / 10;
}

/**
 * Staff may read reports: they hold no personal data (counts and durations), so no
 * separate manager role is asked of the directory (decision 1044).
 */
export async function reportFor(
  query: ReportQuery,
  principal: Principal,
  deps: ReportingDeps,
): Promise<{ rows: ReportRow[]; index: { itemsRead: number; requestCharge: number } }> {
  requireRole(principal, 'staff');
  const [{ buckets, itemsRead, requestCharge }, services] = await Promise.all([
    deps.reports.read(query),
    deps.catalogue.list(),
  ]);
  const expected = new Map(services.map((s) => [s.code, s]));
  const now = deps.now();
  const groups = new Map<
    string,
    { service: string; ward: string; entries: { createdAt: string; closedAt?: string }[] }
  >();
  for (const b of buckets) {
    const key = `${b.pk}|${b.ward}`;
    const group = groups.get(key) ?? { service: b.pk, ward: b.ward, entries: [] };
    group.entries.push(...Object.values(b.requests));
    groups.set(key, group);
  }
  const rows = [...groups.values()]
    .map(({ service, ward, entries }): ReportRow => {
      const open = entries.filter((e) => e.closedAt === undefined);
      const closed = entries.flatMap((e) =>
        e.closedAt === undefined ? [] : [(Date.parse(e.closedAt) - Date.parse(e.createdAt)) / 3_600_000],
      );
      const definition = expected.get(service) ?? {};
      return {
        service,
        ward,
        opened: entries.length,
        open: open.length,
        overdue: open.filter((e) => isOverdue({ status: 'submitted', createdAt: e.createdAt }, definition, now)).length,
        closed: closed.length,
        medianHoursToClose: median(closed),
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.ward.localeCompare(b.ward));
  return { rows, index: { itemsRead, requestCharge } };
}
