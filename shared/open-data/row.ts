/**
 * One row of the open service-request data: what a council publishes about a
 * request's state at one change (decision 1120). Anonymous by construction: the
 * change feed document is parsed for the few fields the row needs, so nothing
 * else (reporter, resident, description, answers, photos, address, UPRN) is ever
 * read, and the position follows the public view (rounded to about 10 m, and none
 * at all for a service at a home).
 */
import { z } from 'zod';
import type { StoredService } from '../catalogue/catalogue.js';
import { isPublicService, roundCoordinate } from '../open311/public-view.js';
import { isOpen, statuses } from '../service-requests/status.js';

/** The part of a `requests` container document the export reads; anything else in it is ignored. */
export const changedRequestSchema = z.object({
  id: z.string().min(1),
  type: z.literal('request'),
  serviceCode: z.string(),
  serviceName: z.string(),
  serviceGroup: z.string(),
  status: z.enum(statuses),
  source: z.string().optional(),
  ward: z.string().optional(),
  location: z.object({ lat: z.number().optional(), long: z.number().optional() }),
  timeline: z.array(z.object({ at: z.string(), status: z.string().optional() })),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type ChangedRequest = z.infer<typeof changedRequestSchema>;

export interface OpenDataRow {
  readonly request_id: string;
  readonly service_code: string;
  readonly service_name: string;
  readonly service_group: string;
  readonly status: string;
  readonly is_open: boolean;
  readonly source: string;
  readonly ward: string | null;
  readonly reported_at: Date;
  readonly updated_at: Date;
  readonly resolved_at: Date | null;
  readonly expected_days: number | null;
  readonly lat: number | null;
  readonly long: number | null;
}

type Column = keyof OpenDataRow;
type ParquetType = 'STRING' | 'BOOLEAN' | 'TIMESTAMP' | 'INT32' | 'DOUBLE';
type FrictionlessType = 'string' | 'boolean' | 'datetime' | 'integer' | 'number';

/** The published schema, column by column: Parquet's type, the data package's type, and what it means. */
export const columns: Readonly<
  Record<Column, { parquet: ParquetType; type: FrictionlessType; required: boolean; description: string }>
> = {
  request_id: {
    parquet: 'STRING',
    type: 'string',
    required: true,
    description: 'Doorstep’s random id of the request (the same id Open311 shows for public services).',
  },
  service_code: { parquet: 'STRING', type: 'string', required: true, description: 'The service (category) code.' },
  service_name: { parquet: 'STRING', type: 'string', required: true, description: 'The service’s name.' },
  service_group: {
    parquet: 'STRING',
    type: 'string',
    required: true,
    description: 'The group of services (roads, waste, street-cleansing…).',
  },
  status: { parquet: 'STRING', type: 'string', required: true, description: 'The status at this change.' },
  is_open: { parquet: 'BOOLEAN', type: 'boolean', required: true, description: 'Whether the request is open.' },
  source: {
    parquet: 'STRING',
    type: 'string',
    required: true,
    description: 'How it was reported: api (the website and apps), open311 (e.g. FixMyStreet) or sensor.',
  },
  ward: { parquet: 'STRING', type: 'string', required: false, description: 'The ward code, where known.' },
  reported_at: { parquet: 'TIMESTAMP', type: 'datetime', required: true, description: 'When it was reported (UTC).' },
  updated_at: {
    parquet: 'TIMESTAMP',
    type: 'datetime',
    required: true,
    description: 'When this change happened (UTC); the latest row of a request is its current state.',
  },
  resolved_at: {
    parquet: 'TIMESTAMP',
    type: 'datetime',
    required: false,
    description: 'When it was first marked fixed or closed (UTC), if it has been.',
  },
  expected_days: {
    parquet: 'INT32',
    type: 'integer',
    required: false,
    description: 'The days the council aims to resolve this service in; open for longer = overdue.',
  },
  lat: {
    parquet: 'DOUBLE',
    type: 'number',
    required: false,
    description: 'Latitude rounded to about 10 m; empty for services at a home (e.g. a missed bin).',
  },
  long: {
    parquet: 'DOUBLE',
    type: 'number',
    required: false,
    description: 'Longitude rounded to about 10 m; empty for services at a home.',
  },
};
export const columnNames = Object.keys(columns) as Column[];

const resolvedStatuses: ReadonlySet<string> = new Set(['fixed', 'closed']);

/** The row for one change of a request; the service (if still in the catalogue) says whether its place is public. */
export function toOpenDataRow(
  r: ChangedRequest,
  service: Pick<StoredService, 'public' | 'expectedDays'> | undefined,
): OpenDataRow {
  // A service no longer in the catalogue may have been at a home: no position.
  const shown = isPublicService(service);
  const resolved = r.timeline.find((e) => e.status !== undefined && resolvedStatuses.has(e.status));
  return {
    request_id: r.id,
    service_code: r.serviceCode,
    service_name: r.serviceName,
    service_group: r.serviceGroup,
    status: r.status,
    is_open: isOpen(r.status),
    source: r.source ?? 'api',
    ward: r.ward ?? null,
    reported_at: new Date(r.createdAt),
    updated_at: new Date(r.updatedAt),
    resolved_at: resolved ? new Date(resolved.at) : null,
    expected_days: service?.expectedDays ?? null,
    lat: shown ? roundCoordinate(r.location.lat) : null,
    long: shown ? roundCoordinate(r.location.long) : null,
  };
}

/** The day partition a row is written under: the UTC day of the change. */
export const dayOf = (row: Pick<OpenDataRow, 'updated_at'>) => row.updated_at.toISOString().slice(0, 10);
