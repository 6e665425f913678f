/** The data map of residents' profiles (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { ContactChallengeDoc } from './contact-verification.js';
import type { ProfileDoc } from './profile.js';

export const profileDataMap: RecordMap<ProfileDoc> = {
  record: 'profile',
  retention: ['profile'],
  title: 'Resident profile',
  kind: 'cosmos',
  where: 'Cosmos DB `residents` (id `profile`, pk = resident id)',
  purpose: 'Hold the contact details and notification choices a resident gives, to tell them about their reports.',
  basis: ['public-task', 'consent'],
  recipients: ['resident', 'govuk-notify'],
  fields: {
    id: { class: 'none' },
    residentId: { class: 'personal', note: 'the resident’s pseudonymous sign-in id (`sub`)' },
    kind: { class: 'none' },
    contact: { class: 'personal', note: 'name, email and phone: optional, given by the resident; sent to Notify only' },
    preferences: { class: 'personal', note: 'which channels and events the resident chose (consent to notifications)' },
    createdAt: { class: 'none' },
    updatedAt: { class: 'none' },
    _etag: { class: 'none' },
  },
};

export const contactChallengeDataMap: RecordMap<ContactChallengeDoc> = {
  record: 'profile',
  retention: ['profile'],
  title: 'Contact confirmation in progress (security code)',
  kind: 'cosmos',
  where: 'Cosmos DB `residents` (kind `contact-challenge`, pk = resident id; item TTL one day)',
  purpose: 'Confirm an email address or mobile number belongs to the resident before anything is sent to it.',
  basis: ['public-task'],
  recipients: ['govuk-notify'],
  fields: {
    id: { class: 'none' },
    residentId: { class: 'personal', note: 'the resident’s pseudonymous sign-in id (`sub`)' },
    kind: { class: 'none' },
    channel: { class: 'none' },
    status: { class: 'none' },
    address: { class: 'personal', note: 'the address being confirmed; null once the challenge is over' },
    codeHash: { class: 'none', note: 'a salted scrypt hash of the code, never the code' },
    salt: { class: 'none' },
    wrongTries: { class: 'none' },
    expiresAt: { class: 'none' },
    sends: { class: 'none', note: 'times codes were sent, for the send limits' },
    createdAt: { class: 'none' },
    ttl: { class: 'none' },
    _etag: { class: 'none' },
  },
};
