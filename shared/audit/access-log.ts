/**
 * The record of staff and partner access to a resident's personal data: who, when,
 * what and why, in the `audit` container (partition = the resident). Append-only:
 * the app only ever creates entries (its Cosmos role on `audit` grants create, read
 * and query, nothing else; see infra/platform.ts) and there is no route that changes
 * one. An entry is written BEFORE the data is returned: if the write fails, the read
 * fails (503), so no read goes unrecorded.
 */
import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { AppError } from '../errors.js';
import type { Principal } from '../identity/principal.js';

export type AccessActorKind = 'staff' | 'partner';
export type AccessedType = 'request' | 'profile' | 'document' | 'payment' | 'export' | 'enquiry' | 'resident';

export interface AccessEntry {
  readonly id: string;
  /** The resident whose data was read: the partition key. */
  readonly residentId: string;
  readonly kind: 'access';
  readonly at: string;
  readonly actor: { readonly sub: string; readonly roles: readonly string[]; readonly kind: AccessActorKind };
  readonly what: { readonly type: AccessedType; readonly id: string };
  readonly why: string;
}

export type NewAccessEntry = Omit<AccessEntry, 'id' | 'kind' | 'at'> & { readonly at?: string };

export interface AccessLog {
  record(entry: NewAccessEntry): Promise<void>;
  listForResident(residentId: string): Promise<AccessEntry[]>;
}

/** The most entries one `listForResident` returns (a subject access export reads them all in pages of this). */
const maxListed = 10_000;

export function cosmosAccessLog(audit: Container, now: () => Date = () => new Date()): AccessLog {
  return {
    async record(entry) {
      const item: AccessEntry = {
        id: randomUUID(),
        residentId: entry.residentId,
        kind: 'access',
        at: entry.at ?? now().toISOString(),
        actor: { sub: entry.actor.sub, roles: [...entry.actor.roles], kind: entry.actor.kind },
        what: { type: entry.what.type, id: entry.what.id },
        why: entry.why,
      };
      try {
        // create, never upsert: an entry is never replaced.
        await audit.items.create(item);
      } catch (cause) {
        throw new AppError('dependency-unavailable', 'The access record could not be written, so nothing was shown.', {
          retryAfterSeconds: 5,
          cause,
        });
      }
    },
    async listForResident(residentId) {
      const { resources } = await audit.items
        .query<AccessEntry>(
          {
            query:
              'SELECT c.id, c.residentId, c.kind, c.at, c.actor, c.what, c.why FROM c WHERE c.residentId = @r AND c.kind = "access" ORDER BY c.at DESC',
            parameters: [{ name: '@r', value: residentId }],
          },
          { partitionKey: residentId, maxItemCount: 1000 },
        )
        .fetchAll();
      return resources.slice(0, maxListed);
    },
  };
}

/** Why staff read what they read: a fixed purpose per route (decision 0912), with the caller's own reason added. */
export const accessPurposes = {
  'request.read': 'Handling the service request (staff view, with its reporter)',
  'request.list': 'Listing service requests for case work (staff view, with reporters)',
  'request.update': 'Updating the service request (the staff view returned after the change)',
  'request.moderate': 'Moderating the public view of the service request',
  'document.read': 'Checking a document a resident uploaded',
  'document.download': 'Opening a document a resident uploaded',
  'payment.read': 'Reading a payment for finance case work',
  'payment.refund': 'Refunding a payment',
  'records.metadata': 'Filing the document in the council’s records system (its metadata and case)',
  'records.content': 'Filing the document in the council’s records system (the file)',
  'enquiry.read': 'Answering a councillor’s enquiry (the resident it is for, and their consent)',
  'resident.view':
    'Seeing the resident’s requests, payments, documents and contact preferences together (staff single view)',
} as const;
export type AccessPurpose = keyof typeof accessPurposes;

/** Staff may say why they read, in their own words, with this header; it is added to the route's purpose. */
export const accessReasonHeader = 'access-reason';

/** The longest reason staff may give (the `Access-Reason` header); longer ones are cut. */
export const maxReasonLength = 200;

export function accessReason(purpose: AccessPurpose, given?: string | null): string {
  const extra = given
    ?.replace(/[\u0000-\u001f\u007f]/g, ' ')
    .trim()
    .slice(0, maxReasonLength);
  return extra ? `${accessPurposes[purpose]}: ${extra}` : accessPurposes[purpose];
}

/** Records that staff read one resident's data; residents reading their own data are not recorded. */
export async function recordStaffAccess(
  log: AccessLog,
  principal: Principal,
  residentId: string,
  what: AccessEntry['what'],
  purpose: AccessPurpose,
  given?: string | null,
): Promise<void> {
  if (residentId === principal.sub) return;
  await log.record({
    residentId,
    actor: { sub: principal.sub, roles: [...principal.roles].sort(), kind: 'staff' },
    what,
    why: accessReason(purpose, given),
  });
}
