/** What the staff pages read from the API's staff answers, parsed at the boundary. */
import { z } from 'zod';
import { requestHeadFields, statusNames, timelineEntry } from '../api/views.js';

const status = z.enum(Object.keys(statusNames) as [keyof typeof statusNames, ...(keyof typeof statusNames)[]]);
export type StaffStatus = z.infer<typeof status>;

const listItem = z.object({
  id: z.string(),
  serviceCode: z.string(),
  serviceName: z.string(),
  status,
  createdAt: z.string(),
  expectedAt: z.string().optional(),
  ward: z.string().nullish(),
  assignedTo: z.string().nullish(),
  overdue: z.boolean(),
});

export const queueView = z.object({
  items: z.array(listItem),
  continuation: z.string().optional(),
  counts: z.array(z.object({ serviceCode: z.string(), serviceName: z.string(), count: z.number() })).optional(),
});

export const teamsView = z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) });

export const dispatchView = z
  .object({
    backOffice: z.string(),
    state: z.string(),
    attempts: z.number(),
    nextAttemptAt: z.string().nullish(),
    lastError: z.string().nullish(),
    partnerReference: z.string().nullish(),
    sentAt: z.string().nullish(),
    acknowledgedAt: z.string().nullish(),
    updatedAt: z.string().nullish(),
  })
  .loose();

export const staffRequestView = z.object({
  ...requestHeadFields,
  location: z
    .object({ lat: z.number().optional(), long: z.number().optional(), address: z.string().optional() })
    .loose(),
  photos: z.array(z.string()).default([]),
  timeline: z.array(timelineEntry.extend({ by: z.string() })),
  internalNotes: z.array(z.object({ at: z.string(), by: z.string(), text: z.string() })),
  createdAt: z.string(),
  expectedAt: z.string().optional(),
  residentId: z.string(),
  source: z.string(),
  reporter: z
    .object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() })
    .loose()
    .nullable(),
  assignedTo: z.string().nullable(),
  ward: z.string().nullish(),
  nextStatuses: z.array(status),
  dispatch: dispatchView.nullish(),
});
export type StaffRequestView = z.infer<typeof staffRequestView>;

export const staffServicesView = z.object({ items: z.array(z.object({ code: z.string(), name: z.string() }).loose()) });
