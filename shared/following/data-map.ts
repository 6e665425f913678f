/** The data map of follow records (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { FollowingDoc } from './model.js';

export const followingDataMap: RecordMap<FollowingDoc> = {
  record: 'following',
  retention: ['following'],
  title: 'Report a resident follows',
  kind: 'cosmos',
  where: 'Cosmos DB `residents` (kind `following`, pk = the follower’s resident id)',
  purpose: 'Tell a resident about the public progress of a report they chose to follow, as FixMyStreet’s alerts.',
  basis: ['public-task'],
  recipients: ['resident', 'govuk-notify'],
  fields: {
    id: { class: 'none', note: '`following:` and the request id' },
    residentId: { class: 'personal', note: 'the follower’s pseudonymous sign-in id (`sub`)' },
    kind: { class: 'none' },
    requestId: { class: 'personal', note: 'which report they follow says where they take an interest' },
    at: { class: 'none' },
  },
};
