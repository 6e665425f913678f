/** The data map of residents' profiles (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { ProfileDoc } from './profile.js';

export const profileDataMap: RecordMap<ProfileDoc> = {
  record: 'profile',
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
