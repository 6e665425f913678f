/**
 * What the site reads from the API's answers, parsed (never cast): an answer of
 * another shape fails here, at the boundary, not somewhere in a template.
 */
import { z } from 'zod';

/** The API's statuses (shared/service-requests/status.ts: FixMyStreet's), as residents read them. */
const status = z.enum([
  'submitted',
  'investigating',
  'action-scheduled',
  'in-progress',
  'fixed',
  'closed',
  'duplicate',
  'not-councils-responsibility',
  'no-further-action',
  'referred',
]);

export const statusNames: Record<z.infer<typeof status>, string> = {
  submitted: 'Received',
  investigating: 'Being investigated',
  'action-scheduled': 'Action scheduled',
  'in-progress': 'In progress',
  fixed: 'Fixed',
  closed: 'Closed',
  duplicate: 'Closed: already reported',
  'not-councils-responsibility': 'Closed: not the council’s responsibility',
  'no-further-action': 'Closed: no further action',
  referred: 'Passed to another organisation',
};

export const profileView = z.object({
  residentId: z.string(),
  contact: z.object({
    name: z.string().nullish(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
    /** Only a confirmed contact receives notifications. */
    emailVerified: z.boolean().default(false),
    phoneVerified: z.boolean().default(false),
  }),
  preferences: z.object({ email: z.boolean(), sms: z.boolean(), events: z.array(z.string()) }),
});
export type ProfileView = z.infer<typeof profileView>;

export const myRequestsView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      reportedAt: z.string(),
      serviceCode: z.string(),
      serviceName: z.string(),
      status,
      updatedAt: z.string(),
    }),
  ),
  continuation: z.string().optional(),
});

const attributeValue = z.union([z.string(), z.number(), z.array(z.string())]);

/** What every view of one request starts with, the resident's and staff's (web/staff/views.ts) alike. */
export const requestHeadFields = {
  id: z.string(),
  serviceCode: z.string(),
  serviceName: z.string(),
  status,
  open: z.boolean(),
  description: z.string().optional(),
};

export const requestView = z.object({
  ...requestHeadFields,
  attributes: z.record(z.string(), attributeValue).default({}),
  location: z.object({ lat: z.number(), long: z.number(), address: z.string().optional() }).loose(),
  photos: z.array(z.string()).default([]),
  timeline: z.array(
    z.object({
      at: z.string(),
      kind: z.string(),
      status: status.optional(),
      text: z.string().optional(),
      photoUrl: z.string().optional(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
  expectedAt: z.string().optional(),
});
export type RequestView = z.infer<typeof requestView>;

export const attributeView = z.object({
  code: z.string(),
  description: z.string(),
  datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
  required: z.boolean(),
  variable: z.boolean().default(true),
  datatypeDescription: z.string().optional(),
  order: z.number(),
  values: z.array(z.object({ key: z.string(), name: z.string() })).optional(),
});
export type AttributeView = z.infer<typeof attributeView>;

export const serviceView = z.object({
  code: z.string(),
  name: z.string(),
  description: z.string(),
  group: z.string(),
  attributes: z.array(attributeView).default([]),
});
export type ServiceView = z.infer<typeof serviceView>;

export const myPaymentsView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      description: z.string(),
      amount: z.number(),
      status: z.string(),
      refunded: z.number().default(0),
      failureReason: z.string().optional(),
    }),
  ),
  continuation: z.string().optional(),
});

export const myDocumentsView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      uploadedAt: z.string(),
      purpose: z.string(),
      fileName: z.string(),
      status: z.string(),
    }),
  ),
  continuation: z.string().optional(),
});

/** One entry of a request's timeline as the API shows it beyond the resident's own view (followers, staff). */
export const timelineEntry = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  status: status.optional(),
  text: z.string().optional(),
});

/** A public report as a follower may see it (GET /api/me/following/{id}). */
export const followableView = z.object({
  following: z.boolean(),
  since: z.string().optional(),
  reportedByYou: z.boolean(),
  request: z.object({
    id: z.string(),
    serviceCode: z.string(),
    serviceName: z.string(),
    status,
    open: z.boolean(),
    description: z.string().nullable(),
    location: z.object({ lat: z.number(), long: z.number() }).nullable(),
    timeline: z.array(timelineEntry),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
});
export type FollowableView = z.infer<typeof followableView>;

export const followingListView = z.object({
  items: z.array(
    z.object({
      requestId: z.string(),
      since: z.string(),
      request: z
        .object({ serviceCode: z.string(), serviceName: z.string(), status, open: z.boolean(), updatedAt: z.string() })
        .nullable(),
    }),
  ),
  continuation: z.string().optional(),
});

/** Open reports near a point (GET /api/requests/nearby): no personal data. */
export const nearbyView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      serviceCode: z.string(),
      serviceName: z.string(),
      status,
      lat: z.number(),
      long: z.number(),
      distanceM: z.number(),
      reportedOn: z.string(),
    }),
  ),
});
export type NearbyView = z.infer<typeof nearbyView>;
