/**
 * The API description (OpenAPI 3.1), generated from the same zod schemas that
 * validate requests, so the document cannot drift from what the API accepts.
 */
import { z } from 'zod';
import { addressSearchQuery } from '../addresses/addresses.js';
import { deadLetterListQuery, deadLetterTargetQuery } from '../operations/dead-letters.js';
import { serviceDefinitionSchema } from '../catalogue/service-definition.js';
import { dispatchListQuery } from '../dispatch/model.js';
import { newClientSchema } from '../open311/clients.js';
import { moderationSchema } from '../open311/moderation.js';
import { newPaymentSchema, refundDecisionSchema, refundSchema } from '../payments/model.js';
import { profilePatchSchema } from '../residents/profile.js';
import { confirmCodeSchema, newEmailSchema, newPhoneSchema } from '../residents/contact-verification.js';
import { listFollowingQuery } from '../following/model.js';
import { staffErasureSchema } from '../privacy/erasure.js';
import { staffExportSchema } from '../privacy/export.js';
import { newUploadSchema } from '../uploads/model.js';
import {
  councillorNotificationsSchema,
  councillorWardsSchema,
  newEnquirySchema,
  wardRequestsQuery,
} from '../casework/model.js';
import { reportQuery } from '../reporting/model.js';
import { singleViewQuery } from '../residents/single-view.js';
import {
  listMineQuery,
  nearbyQuery,
  newServiceRequestSchema,
  staffListQuery,
  staffUpdateSchema,
} from '../service-requests/schemas.js';

type Auth =
  'public' | 'resident' | 'staff' | 'admin' | 'moderator' | 'finance' | 'councillor' | 'operator' | 'records-system';
/** The workforce roles an operation may need (decision 1000: only workforce tokens carry them). */
const workforceAuth: ReadonlySet<Auth> = new Set(['staff', 'admin', 'moderator', 'finance', 'councillor', 'operator']);

interface Operation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: string;
  readonly summary: string;
  readonly auth: Auth;
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  readonly pathParams?: readonly string[];
  readonly headers?: readonly { name: string; required: boolean; description: string }[];
  readonly success: number;
  /** Answers 409 when the current state forbids it. */
  readonly conflicts?: boolean;
}

/** The queues of roles without a triage queue (decisions 1031, 1032). */
const queueOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/staff/refunds/awaiting-approval',
    summary:
      'Refunds held for a second finance approver, longest waiting first (finance; amounts and ids only; the requester’s own are marked, and a finance user’s own payments are left out)',
    auth: 'finance',
    query: listMineQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/moderation',
    summary:
      'Reports of public services with a description, photos or outside updates no moderator has decided on, longest waiting first (no text, no reporter)',
    auth: 'moderator',
    query: listMineQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/requests/{id}/moderation',
    summary:
      'A report as a moderator needs it: what was written and what the public sees, without the reporter, address or internal notes (audited); its ETag is the If-Match of a change',
    auth: 'moderator',
    pathParams: ['id'],
    headers: [{ name: 'Access-Reason', required: false, description: 'Why you are reading it (added to the audit)' }],
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/requests/{id}/moderation/photos/{photoId}',
    summary:
      'One of a report’s stored photos, for the moderator deciding whether the public sees them: a short-lived read link (302), once the photo is checked (audited)',
    auth: 'moderator',
    pathParams: ['id', 'photoId'],
    headers: [{ name: 'Access-Reason', required: false, description: 'Why you are reading it (added to the audit)' }],
    success: 302,
  },
];

/** Wards, councillors' casework and managers' reports (decisions 1040-1044). */
const caseworkOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/wards',
    summary: 'The council’s wards, with their boundaries (GeoJSON)',
    auth: 'public',
    success: 200,
  },
  {
    method: 'post',
    path: '/councillor/enquiries',
    summary:
      'Raise an enquiry for a resident, with their consent: a service request flagged as the enquiry, answered within the configured working days',
    auth: 'councillor',
    body: newEnquirySchema,
    headers: [{ name: 'Idempotency-Key', required: false, description: 'Makes a retried enquiry safe' }],
    success: 201,
  },
  {
    method: 'get',
    path: '/councillor/enquiries',
    summary: 'My enquiries, newest first',
    auth: 'councillor',
    success: 200,
  },
  {
    method: 'get',
    path: '/councillor/enquiries/{id}',
    summary: 'One of my enquiries, with the resident and their consent',
    auth: 'councillor',
    pathParams: ['id'],
    success: 200,
  },
  {
    method: 'get',
    path: '/councillor/requests',
    summary: 'Requests in my wards (or one of them), newest first: service, status and dates, never who reported them',
    auth: 'councillor',
    query: wardRequestsQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/councillor/notifications',
    summary:
      'Where I am emailed each update on my enquiries (my directory’s address, refreshed as I use casework) and whether',
    auth: 'councillor',
    success: 200,
  },
  {
    method: 'put',
    path: '/councillor/notifications',
    summary: 'Turn the emails about my enquiries on or off',
    auth: 'councillor',
    body: councillorNotificationsSchema,
    success: 200,
  },
  {
    method: 'put',
    path: '/admin/councillors/{sub}/wards',
    summary: 'Which wards a councillor serves',
    auth: 'admin',
    pathParams: ['sub'],
    body: councillorWardsSchema,
    success: 200,
  },
  {
    method: 'get',
    path: '/admin/councillors/{sub}/wards',
    summary: 'Which wards a councillor serves today (none recorded: an empty list)',
    auth: 'admin',
    pathParams: ['sub'],
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/enquiries',
    summary: 'Councillors’ enquiries awaiting a response, soonest deadline first (no resident details)',
    auth: 'staff',
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/enquiries/{id}',
    summary: 'One councillor’s enquiry with the resident and their consent (recorded in the access audit)',
    auth: 'staff',
    pathParams: ['id'],
    headers: [{ name: 'Access-Reason', required: false, description: 'Why you are reading it (added to the audit)' }],
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/reports',
    summary:
      'Per service and ward, of the requests opened in the period: opened, still open, overdue, closed, median hours to close; read from the reporting index only',
    auth: 'staff',
    query: reportQuery,
    success: 200,
  },
];

const operations: readonly Operation[] = [
  { method: 'get', path: '/health', summary: 'Whether each dependency answers', auth: 'public', success: 200 },
  {
    method: 'get',
    path: '/me',
    summary: 'The signed-in resident’s profile (created on first sign-in)',
    auth: 'resident',
    success: 200,
  },
  {
    method: 'patch',
    path: '/me',
    summary: 'Change contact details and notification preferences',
    auth: 'resident',
    body: profilePatchSchema,
    headers: [{ name: 'If-Match', required: false, description: 'The ETag last read' }],
    success: 200,
  },
  ...(['email', 'phone'] as const).flatMap((channel): Operation[] => {
    const what = channel === 'email' ? 'email address' : 'mobile number';
    return [
      {
        method: 'post',
        path: `/me/contact/${channel}`,
        summary: `Send a security code (GOV.UK Notify) to a new ${what}; the ${what} in use stays until the code is confirmed. 429 with Retry-After past 5 codes an hour or 10 a day`,
        auth: 'resident',
        body: channel === 'email' ? newEmailSchema : newPhoneSchema,
        success: 202,
      },
      {
        method: 'post',
        path: `/me/contact/${channel}/confirm`,
        summary: `Confirm the ${what} with its code (5 digits, 30 minutes, once, 5 wrong tries); it then receives notifications. 409 when no code is waiting`,
        auth: 'resident',
        body: confirmCodeSchema,
        success: 200,
      },
    ];
  }),
  {
    method: 'get',
    path: '/me/requests',
    summary: 'The resident’s own requests, newest first',
    auth: 'resident',
    query: listMineQuery,
    success: 200,
  },
  { method: 'get', path: '/services', summary: 'The service catalogue', auth: 'public', success: 200 },
  {
    method: 'get',
    path: '/services/{code}',
    summary: 'One service and its questions',
    auth: 'public',
    pathParams: ['code'],
    success: 200,
  },
  {
    method: 'put',
    path: '/admin/services/{code}',
    summary: 'Add or change a service',
    auth: 'admin',
    pathParams: ['code'],
    body: serviceDefinitionSchema,
    success: 200,
  },
  {
    method: 'post',
    path: '/requests',
    summary: 'Report a problem',
    auth: 'resident',
    body: newServiceRequestSchema,
    headers: [
      { name: 'Idempotency-Key', required: false, description: 'Retries with the same key return the first result' },
    ],
    success: 201,
  },
  {
    method: 'get',
    path: '/requests/nearby',
    summary: 'Open requests near a point (no personal data)',
    auth: 'public',
    query: nearbyQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/requests/{id}',
    summary: 'One request, for its reporter or staff (a staff read is audited, with the reason given)',
    auth: 'resident',
    pathParams: ['id'],
    headers: [
      { name: 'Access-Reason', required: false, description: 'Staff: why they are reading it (kept in the audit)' },
    ],
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/requests',
    summary:
      'Requests for triage, filtered (status, service, ward, age, overdue against the service’s expected time) and paged; the first page also counts requests per service',
    auth: 'staff',
    query: staffListQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/teams',
    summary: 'The teams requests can be assigned to (STAFF_TEAMS)',
    auth: 'staff',
    success: 200,
  },
  {
    method: 'patch',
    path: '/staff/requests/{id}',
    summary: 'Change status, assign, add a public update or an internal note',
    auth: 'staff',
    pathParams: ['id'],
    body: staffUpdateSchema,
    headers: [{ name: 'If-Match', required: true, description: 'The ETag last read; 412 if it changed since' }],
    success: 200,
  },
  {
    method: 'get',
    path: '/staff/dispatches',
    summary: 'Where new requests were sent, and how it went (attempts, errors, partner references)',
    auth: 'staff',
    query: dispatchListQuery,
    success: 200,
  },
  {
    method: 'post',
    path: '/staff/requests/{id}/dispatch',
    summary: 'Send the work order to its back office again',
    auth: 'staff',
    pathParams: ['id'],
    success: 202,
  },
  {
    method: 'post',
    path: '/uploads',
    summary: 'A create-only upload URL for one file, checked before anyone sees it',
    auth: 'resident',
    body: newUploadSchema,
    success: 201,
  },
  {
    method: 'get',
    path: '/documents/{id}',
    summary: 'An uploaded document’s state',
    auth: 'resident',
    pathParams: ['id'],
    success: 200,
  },
  {
    method: 'get',
    path: '/documents/{id}/content',
    summary: 'A short-lived read link to a checked document (302)',
    auth: 'resident',
    pathParams: ['id'],
    success: 302,
  },
  {
    method: 'get',
    path: '/records/documents/{id}',
    summary:
      'For the records system only (its own identity): a checked document’s metadata and case, the read recorded',
    auth: 'records-system',
    pathParams: ['id'],
    success: 200,
    conflicts: true,
  },
  {
    method: 'get',
    path: '/records/documents/{id}/content',
    summary: 'For the records system only: a read link valid for a minute (302), minted now, the read recorded',
    auth: 'records-system',
    pathParams: ['id'],
    success: 302,
    conflicts: true,
  },
  {
    method: 'get',
    path: '/me/consents',
    summary: 'The care partners the resident may share care events with, and their consent for each',
    auth: 'resident',
    success: 200,
  },
  {
    method: 'get',
    path: '/me/consents/{partnerId}',
    summary: 'The resident’s consent for one care partner',
    auth: 'resident',
    pathParams: ['partnerId'],
    success: 200,
  },
  {
    method: 'put',
    path: '/me/consents/{partnerId}',
    summary: 'Give consent to share care events (e.g. a missed assisted collection) with a care partner (idempotent)',
    auth: 'resident',
    pathParams: ['partnerId'],
    success: 200,
  },
  {
    method: 'delete',
    path: '/me/consents/{partnerId}',
    summary:
      'Withdraw consent: no further care event goes to that partner (idempotent; the record is kept as withdrawn)',
    auth: 'resident',
    pathParams: ['partnerId'],
    success: 200,
  },
  {
    method: 'get',
    path: '/me/documents',
    summary: 'The resident’s documents',
    auth: 'resident',
    query: listMineQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/media/requests/{id}/photos/{index}',
    summary: 'A report’s checked photo (302 to a short-lived link)',
    auth: 'public',
    pathParams: ['id', 'index'],
    success: 302,
  },
  { method: 'get', path: '/payable-items', summary: 'What can be paid for', auth: 'public', success: 200 },
  {
    method: 'post',
    path: '/payments',
    summary: 'Start a payment through GOV.UK Pay (the amount is the council’s, never the client’s)',
    auth: 'resident',
    body: newPaymentSchema,
    headers: [
      { name: 'Idempotency-Key', required: false, description: 'Retries with the same key return the first result' },
    ],
    success: 201,
  },
  {
    method: 'get',
    path: '/payments/{id}',
    summary:
      'A payment and its refunds, refreshed from GOV.UK Pay while unfinished (at most every PAYMENT_REFRESH_SECONDS)',
    auth: 'resident',
    pathParams: ['id'],
    success: 200,
  },
  {
    method: 'post',
    path: '/payments/webhook',
    summary:
      'GOV.UK Pay’s signed webhook (`resource_type` `payment` or `PAYMENT`); messages about payments Doorstep did not create are acknowledged and noted as ignored',
    auth: 'public',
    headers: [
      { name: 'Pay-Signature', required: true, description: 'HMAC-SHA256 of the raw body with the signing secret' },
    ],
    success: 200,
  },
  {
    method: 'get',
    path: '/me/payments',
    summary: 'The resident’s payments and refunds',
    auth: 'resident',
    query: listMineQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/penalty-notices/{reference}',
    summary:
      'What is owed on a penalty charge notice (`amount` in pence, `payable`), before paying it; 404 when there is no such notice',
    auth: 'resident',
    pathParams: ['reference'],
    success: 200,
  },
  {
    method: 'post',
    path: '/staff/payments/{id}/refunds',
    summary:
      'Refund some or all of a payment (finance; never one’s own payment). 201 when asked of GOV.UK Pay; 202 when above REFUND_SECOND_APPROVAL_ABOVE_PENCE, held for a second finance approver',
    auth: 'finance',
    pathParams: ['id'],
    body: refundSchema,
    headers: [
      { name: 'Idempotency-Key', required: true, description: 'Retries with the same key return the first result' },
    ],
    success: 201,
  },
  {
    method: 'patch',
    path: '/staff/requests/{id}/moderation',
    summary:
      'Choose what the public sees of a report: publish, edit or hide its description, photos and updates (audited)',
    auth: 'moderator',
    pathParams: ['id'],
    body: moderationSchema,
    headers: [{ name: 'If-Match', required: true, description: 'The ETag last read; 412 if it changed since' }],
    success: 200,
  },
  {
    method: 'post',
    path: '/staff/payments/{id}/refunds/{refundId}/approval',
    summary: 'Approve or decline a refund held for approval (a finance user other than the one who asked)',
    auth: 'finance',
    pathParams: ['id', 'refundId'],
    body: refundDecisionSchema,
    success: 200,
  },
  {
    method: 'post',
    path: '/admin/open311-clients',
    summary: 'Issue an Open311 API key (shown once)',
    auth: 'admin',
    body: newClientSchema,
    success: 201,
  },
  {
    method: 'delete',
    path: '/admin/open311-clients/{id}',
    summary: 'Revoke an Open311 API key',
    auth: 'admin',
    pathParams: ['id'],
    success: 204,
  },
  {
    method: 'get',
    path: '/addresses',
    summary: 'Addresses matching a postcode or street, with UPRN and position',
    auth: 'public',
    query: addressSearchQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/me/following',
    summary: 'Reports the resident follows, most recently followed first, each with its current public status',
    auth: 'resident',
    query: listFollowingQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/me/following/{requestId}',
    summary: 'A public report as the resident may see it, and whether they follow it',
    auth: 'resident',
    pathParams: ['requestId'],
    success: 200,
  },
  {
    method: 'put',
    path: '/me/following/{requestId}',
    summary: 'Follow a public report: hear about its public progress through the chosen channels (idempotent)',
    auth: 'resident',
    pathParams: ['requestId'],
    success: 204,
    conflicts: true,
  },
  {
    method: 'delete',
    path: '/me/following/{requestId}',
    summary: 'Stop following a report (idempotent)',
    auth: 'resident',
    pathParams: ['requestId'],
    success: 204,
  },
  {
    method: 'delete',
    path: '/me',
    summary:
      'Erase my account: profile, documents and photos deleted; requests kept as records of the problem without me; payments kept as financial records without me (202 while the job runs)',
    auth: 'resident',
    success: 202,
  },
  {
    method: 'post',
    path: '/admin/residents/{residentId}/erasure',
    summary: 'Erase a resident who asked by letter or phone (recorded in the access audit)',
    auth: 'admin',
    pathParams: ['residentId'],
    body: staffErasureSchema,
    success: 202,
  },
  {
    method: 'get',
    path: '/admin/residents/{residentId}/erasure',
    summary: 'How a resident’s erasure is going: steps done, records handled, and the retention rules that kept some',
    auth: 'admin',
    pathParams: ['residentId'],
    success: 200,
  },
  {
    method: 'post',
    path: '/me/exports',
    summary: 'Ask for a copy of everything held about me (subject access): one ZIP, ready shortly',
    auth: 'resident',
    success: 202,
  },
  {
    method: 'get',
    path: '/me/exports/{id}',
    summary: 'An export’s state and, once ready, a read link valid for 5 minutes (the archive is deleted after 7 days)',
    auth: 'resident',
    pathParams: ['id'],
    success: 200,
  },
  {
    method: 'post',
    path: '/admin/residents/{residentId}/exports',
    summary: 'Export a resident’s data for a subject access request made by letter (recorded in the access audit)',
    auth: 'admin',
    pathParams: ['residentId'],
    body: staffExportSchema,
    success: 202,
  },
  {
    method: 'get',
    path: '/operator/dead-letters',
    summary:
      'How many dead-lettered messages each queue and subscription holds (platform operator; `atLeast` past 1000)',
    auth: 'operator',
    success: 200,
  },
  {
    method: 'get',
    path: '/operator/dead-letters/messages',
    summary:
      'An entity’s dead-lettered messages, oldest first: sequence number, subject, when, reason and description; never the body',
    auth: 'operator',
    query: deadLetterListQuery,
    success: 200,
  },
  {
    method: 'post',
    path: '/operator/dead-letters/messages/{sequenceNumber}/replay',
    summary:
      'Send a dead-lettered message back to its queue (a new message id) and remove the dead letter; 409 for a subscription, whose topic would deliver it to all',
    auth: 'operator',
    pathParams: ['sequenceNumber'],
    query: deadLetterTargetQuery,
    success: 200,
    conflicts: true,
  },
  {
    method: 'delete',
    path: '/operator/dead-letters/messages/{sequenceNumber}',
    summary: 'Discard a dead-lettered message',
    auth: 'operator',
    pathParams: ['sequenceNumber'],
    query: deadLetterTargetQuery,
    success: 204,
  },
  ...caseworkOperations,
  {
    method: 'get',
    path: '/staff/residents/{residentId}',
    summary:
      'The single view of a resident: one page each of their requests, payments and documents, and their contact preferences (recorded in the access audit first; 503 if it cannot be)',
    auth: 'staff',
    pathParams: ['residentId'],
    query: singleViewQuery,
    headers: [{ name: 'Access-Reason', required: false, description: 'Why you are opening it (added to the audit)' }],
    success: 200,
  },
  ...queueOperations,
];

/** Every route `functions/index.ts` serves that this document describes (Open311 has its own specification). */
export const describedRoutes = () => operations.map((o) => `${o.method.toUpperCase()} ${o.path}`);

/** Who may call each operation, so tests can prove role separation for every route, later ones included. */
export const describedAuth = () =>
  operations.map((o) => ({
    method: o.method.toUpperCase(),
    path: o.path,
    auth: o.auth,
    workforce: workforceAuth.has(o.auth),
  }));

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });

const problem = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters: Record<string, unknown>[] = [
      ...(op.pathParams ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(op.headers ?? []).map((h) => ({
        name: h.name,
        in: 'header',
        required: h.required,
        description: h.description,
        schema: { type: 'string' },
      })),
    ];
    if (op.query) {
      const json = schema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s });
      }
    }
    const responses: Record<string, unknown> = {
      [String(op.success)]:
        op.success === 204
          ? { description: 'Done; no content' }
          : { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } },
      '400': problem,
      '422': problem,
      '503': problem,
    };
    if (op.auth !== 'public') responses['401'] = problem;
    if (workforceAuth.has(op.auth)) responses['403'] = problem;
    if (op.pathParams) responses['404'] = problem;
    if (op.conflicts) responses['409'] = problem;
    if (op.headers?.some((h) => h.name === 'If-Match')) responses['412'] = problem;
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      operationId: `${op.method}${op.path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, '')}`,
      ...(op.auth === 'public' ? { security: [] } : { 'x-doorstep-role': op.auth }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema(op.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Doorstep API',
      version: '1.0.0',
      description: 'The digital front door for residents, staff and partners of a UK council.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', format: 'uri' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
