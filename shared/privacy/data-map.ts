/** The data map of erasure and export jobs, export archives and the erased event (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { ErasureJob, ResidentErasedData } from './erasure.js';
import type { ExportJob } from './export.js';
import type { AccountActivity } from './retention-sweep.js';

export const erasureJobDataMap: RecordMap<ErasureJob> = {
  record: 'privacy-job',
  retention: ['privacy-job', 'erasure-record'],
  title: 'Erasure job',
  kind: 'cosmos',
  where: 'Cosmos DB `privacy` (type `erasure`, pk = job id, a hash of the account id)',
  purpose: 'Carry out a resident’s erasure to the end, resuming after a crash, and keep proof it was done.',
  basis: ['legal-obligation'],
  recipients: ['staff'],
  fields: {
    id: { class: 'none', note: 'a hash of the account id, so asking twice is the same job' },
    pk: { class: 'none' },
    type: { class: 'none' },
    state: { class: 'none' },
    subject: { class: 'personal', note: 'who to erase (id, name, email, phone) while the job runs; removed when done' },
    asked: { class: 'personal', note: 'who asked: the resident, or the staff member' },
    done: { class: 'none' },
    found: { class: 'none', note: 'ids of the records found, while the job runs' },
    counts: { class: 'none' },
    kept: { class: 'none' },
    leaseUntil: { class: 'none' },
    leaseHolder: { class: 'none' },
    createdAt: { class: 'none' },
    updatedAt: { class: 'none' },
    completedAt: { class: 'none' },
    ttl: { class: 'none' },
    _etag: { class: 'none' },
  },
};

export const exportJobDataMap: RecordMap<ExportJob> = {
  record: 'privacy-job',
  retention: ['privacy-job'],
  title: 'Subject access export job',
  kind: 'cosmos',
  where: 'Cosmos DB `privacy` (type `export`, pk = job id)',
  purpose: 'Gather a copy of everything held about a resident who asked for it, resuming after a crash.',
  basis: ['legal-obligation'],
  recipients: ['resident', 'staff'],
  fields: {
    id: { class: 'none' },
    pk: { class: 'none' },
    type: { class: 'none' },
    residentId: { class: 'personal', note: 'the resident’s pseudonymous sign-in id (`sub`)' },
    state: { class: 'none' },
    asked: { class: 'personal', note: 'who asked: the resident, or the staff member' },
    blobName: { class: 'none' },
    readyAt: { class: 'none' },
    expiresAt: { class: 'none' },
    told: { class: 'none', note: 'whether the export-ready notice went (sent), or there was no confirmed contact' },
    leaseUntil: { class: 'none' },
    leaseHolder: { class: 'none' },
    createdAt: { class: 'none' },
    updatedAt: { class: 'none' },
    ttl: { class: 'none' },
    _etag: { class: 'none' },
  },
};

/** The archive's entries: the export's JSON holds every class of the records above it. */
export const exportArchiveDataMap: RecordMap<{ 'export.json': unknown; 'summary.txt': unknown; files: unknown }> = {
  record: 'export-archive',
  retention: ['export-archive'],
  title: 'Subject access export archive (ZIP)',
  kind: 'blob',
  where: 'Blob Storage `exports/` (private; served by a 5-minute read link)',
  purpose: 'Give a resident a copy of their personal data (UK GDPR Art. 15).',
  basis: ['legal-obligation'],
  recipients: ['resident'],
  fields: {
    'export.json': { class: 'personal', note: 'profile, requests, payments, documents, follows, staff access' },
    'summary.txt': { class: 'personal' },
    files: { class: 'free-text', note: 'the resident’s own photos and documents' },
  },
};

export const residentErasedEventDataMap: RecordMap<ResidentErasedData> = {
  record: 'erasure-record',
  title: 'Resident erased event (`uk.gov.doorstep.resident.erased`)',
  kind: 'event',
  where: 'Service Bus topic `events`, type `uk.gov.doorstep.resident.erased` (subscriptions crm, notify-residents)',
  purpose: 'Tell partners holding copies of a resident’s data to erase them too.',
  basis: ['legal-obligation'],
  recipients: ['events'],
  fields: {
    residentId: { class: 'none', note: 'the pseudonymous id partners already hold; nothing more identifying' },
    requestIds: { class: 'none' },
  },
};

export const accountActivityDataMap: RecordMap<AccountActivity> = {
  record: 'account-activity',
  retention: ['account-activity'],
  title: 'Account activity (last day seen)',
  kind: 'cosmos',
  where: 'Cosmos DB `residents` (id `activity`, kind `activity`, pk = resident id)',
  purpose: 'Close accounts nobody has used for 3 years (storage limitation), warning the resident first.',
  basis: ['public-task'],
  recipients: [],
  fields: {
    id: { class: 'none' },
    residentId: { class: 'personal', note: 'the resident’s pseudonymous sign-in id (`sub`)' },
    kind: { class: 'none' },
    lastSeenOn: { class: 'personal', note: 'the UTC day they last used the account: a day, never a time' },
    warnedAt: { class: 'none' },
    closesOn: { class: 'none' },
    _etag: { class: 'none' },
  },
};
