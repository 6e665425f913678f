/**
 * The staff single view of a resident (#17, decision 1060): their requests, payments,
 * documents and contact preferences on one page, read from the stores that already
 * hold them: the profile, and each slice's My Account entries in the resident's own
 * partition (one single-partition query per section, one page each). Every opening is
 * recorded in the access audit BEFORE anything is read, so a failed record (503)
 * shows nothing, and the entry reaches the resident's subject access export.
 */
import { z } from 'zod';
import { recordStaffAccess, type AccessLog } from '../audit/access-log.js';
import { decodeToken, type Page } from '../data/page-token.js';
import { notFound } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import type { MyPaymentEntry } from '../payments/model.js';
import type { PaymentStore } from '../payments/store.js';
import type { MyRequestEntry } from '../service-requests/model.js';
import type { RequestStore } from '../service-requests/store.js';
import type { MyDocumentEntry } from '../uploads/model.js';
import type { DocumentStore } from '../uploads/store.js';
import { toProfileView, type ProfileStore } from './profile.js';

export interface SingleViewDeps {
  readonly profiles: Pick<ProfileStore, 'get'>;
  readonly requests: Pick<RequestStore, 'listMine'>;
  readonly payments: Pick<PaymentStore, 'listMine'>;
  readonly documents: Pick<DocumentStore, 'listMine'>;
  readonly accessLog: AccessLog;
}

/**
 * A resident is named by the directory's object id (a GUID in Entra; dev accounts use
 * plain names): pseudonymous, never a name or contact, so it may stand in a path.
 */
export const residentIdParam = z.strictObject({
  residentId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, 'A resident id is letters, digits, dots, dashes or @'),
});

const continuation = z.string().min(1).max(4000).optional();
/** Each section is one page of its own; a token moves that section on and the others start again. */
export const singleViewQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(50).default(10),
  requests: continuation.describe('Continuation of the requests section'),
  payments: continuation.describe('Continuation of the payments section'),
  documents: continuation.describe('Continuation of the documents section'),
});
export type SingleViewQuery = z.output<typeof singleViewQuery>;

export interface SingleView {
  readonly residentId: string;
  readonly profile: ReturnType<typeof toProfileView> | null;
  readonly requests: Page<MyRequestEntry>;
  readonly payments: Page<MyPaymentEntry>;
  readonly documents: Page<MyDocumentEntry>;
}

export async function residentSingleView(
  residentId: string,
  query: SingleViewQuery,
  principal: Principal,
  deps: SingleViewDeps,
  reason?: string | null,
): Promise<SingleView> {
  requireRole(principal, 'staff');
  // A token this API never issued is refused before the audit, as any other bad input.
  for (const token of [query.requests, query.payments, query.documents]) decodeToken(token);
  // First, before any read: if this cannot be written, it throws (503) and nothing is read.
  await recordStaffAccess(
    deps.accessLog,
    principal,
    residentId,
    { type: 'resident', id: residentId },
    'resident.view',
    reason,
  );
  const [profile, requests, payments, documents] = await Promise.all([
    deps.profiles.get(residentId),
    deps.requests.listMine(residentId, query.pageSize, query.requests),
    deps.payments.listMine(residentId, query.pageSize, query.payments),
    deps.documents.listMine(residentId, query.pageSize, query.documents),
  ]);
  const nothing = [requests, payments, documents].every((p) => p.items.length === 0 && !p.continuation);
  if (!profile && nothing && !query.requests && !query.payments && !query.documents) throw notFound('The resident');
  return { residentId, profile: profile ? toProfileView(profile) : null, requests, payments, documents };
}

const page = <T, V>(p: Page<T>, view: (t: T) => V) => ({
  items: p.items.map(view),
  ...(p.continuation ? { continuation: p.continuation } : {}),
});

/** The answer: the entries' summaries only (each links to its own audited staff read). */
export const toSingleViewResponse = (v: SingleView) => ({
  residentId: v.residentId,
  profile: v.profile,
  requests: page(v.requests, (e) => ({
    id: e.requestId,
    createdAt: e.at,
    serviceCode: e.summary.serviceCode,
    serviceName: e.summary.serviceName,
    status: e.summary.status,
    updatedAt: e.summary.updatedAt,
  })),
  payments: page(v.payments, (e) => ({
    id: e.paymentId,
    createdAt: e.at,
    description: e.summary.description,
    amount: e.summary.amount,
    status: e.summary.status,
    refunded: e.summary.refunded,
  })),
  documents: page(v.documents, (e) => ({
    id: e.documentId,
    createdAt: e.at,
    purpose: e.summary.purpose,
    fileName: e.summary.fileName,
    status: e.summary.status,
  })),
});
