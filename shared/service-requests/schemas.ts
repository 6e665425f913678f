/**
 * The shapes residents and staff send: each schema validates and types one input.
 */
import { z } from 'zod';
import { statuses } from './status.js';
import { assigneePattern } from './teams.js';

const uprn = z.string().regex(/^\d{1,12}$/, 'A UPRN is 1 to 12 digits');

export const locationSchema = z
  .strictObject({
    lat: z.number().min(-90).max(90).optional(),
    long: z.number().min(-180).max(180).optional(),
    uprn: uprn.optional(),
    address: z.string().trim().min(3).max(300).optional(),
  })
  .refine((l) => (l.lat === undefined) === (l.long === undefined), {
    message: 'Send both lat and long, or neither',
    path: ['long'],
  })
  .refine((l) => l.lat !== undefined || l.uprn !== undefined || l.address !== undefined, {
    message: 'Send lat and long, a UPRN, or an address',
  });

export const newServiceRequestSchema = z.strictObject({
  serviceCode: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  description: z.string().trim().min(1).max(2000),
  location: locationSchema,
  attributes: z.record(z.string().max(40), z.unknown()).default({}),
  /** Ids of photos uploaded through /api/uploads. */
  photos: z.array(z.uuid()).max(5).default([]),
});
export type NewServiceRequest = z.output<typeof newServiceRequestSchema>;

export const staffUpdateSchema = z
  .strictObject({
    status: z.enum(statuses).optional(),
    /** `team:<code>` (one of STAFF_TEAMS) or `officer:<staff sign-in id>`; null unassigns. */
    assignedTo: z
      .string()
      .trim()
      .max(140)
      .regex(assigneePattern, 'team:<code> or officer:<staff id>')
      .nullable()
      .optional(),
    publicUpdate: z.string().trim().min(1).max(2000).optional(),
    internalNote: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((u) => Object.keys(u).length > 0, {
    message: 'Send at least one of status, assignedTo, publicUpdate, internalNote',
  });
export type StaffUpdate = z.output<typeof staffUpdateSchema>;

const continuation = z.string().min(1).max(4000).optional();
const pageSize = z.coerce.number().int().min(1).max(100).default(20);

export const listMineQuery = z.strictObject({ pageSize, continuation });

export const nearbyQuery = z.strictObject({
  lat: z.coerce.number().min(-90).max(90),
  long: z.coerce.number().min(-180).max(180),
  /** Metres; with the cell cap this keeps a call to a handful of single-partition queries. */
  radius: z.coerce.number().int().min(10).max(1000).default(250),
  serviceCode: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,39}$/)
    .optional(),
});

const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}/.test(s), 'An ISO 8601 date or date-time');

export const staffListQuery = z.strictObject({
  status: z.enum(statuses).optional(),
  open: z.enum(['true', 'false']).optional(),
  serviceCode: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,39}$/)
    .optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** minLong,minLat,maxLong,maxLat */
  bbox: z
    .string()
    .max(100)
    .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'minLong,minLat,maxLong,maxLat')
    .refine((b) => {
      const [minLong, minLat, maxLong, maxLat] = b.split(',').map(Number) as [number, number, number, number];
      return (
        Math.abs(minLong) <= 180 &&
        Math.abs(maxLong) <= 180 &&
        Math.abs(minLat) <= 90 &&
        Math.abs(maxLat) <= 90 &&
        minLong <= maxLong &&
        minLat <= maxLat
      );
    }, 'minLong,minLat,maxLong,maxLat within ±180, ±90, minimum first')
    .optional(),
  assignedTo: z.string().max(140).optional(),
  /** A ward code (the request's `ward`, set from its position when it was made). */
  ward: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,20}$/)
    .optional(),
  /** Open and older than the service's expected time (shared/service-requests/overdue.ts), or not. */
  overdue: z.enum(['true', 'false']).optional(),
  /** Age: made at least this many days ago. */
  olderThanDays: z.coerce.number().int().min(0).max(3650).optional(),
  pageSize,
  continuation,
});
export type StaffListQuery = z.output<typeof staffListQuery>;
