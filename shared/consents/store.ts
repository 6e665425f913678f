/** Consent records in the `residents` container (pk = resident). */
import type { Container } from '@azure/cosmos';
import type { CarePartnerId } from '../catalogue/partners.js';
import { consentId, type ConsentDoc } from './model.js';

export interface ConsentStore {
  get(residentId: string, partnerId: CarePartnerId): Promise<ConsentDoc | undefined>;
  list(residentId: string): Promise<ConsentDoc[]>;
  put(doc: ConsentDoc): Promise<ConsentDoc>;
}

export function cosmosConsentStore(residents: Container): ConsentStore {
  return {
    async get(residentId, partnerId) {
      const { resource } = await residents.item(consentId(partnerId), residentId).read<ConsentDoc>();
      return resource?.kind === 'consent' ? resource : undefined;
    },
    async list(residentId) {
      const { resources } = await residents.items
        .query<ConsentDoc>(
          {
            // The resident in the filter too: the local Cosmos server ignores the partitionKey option (0930).
            query: "SELECT * FROM c WHERE c.residentId = @r AND c.kind = 'consent'",
            parameters: [{ name: '@r', value: residentId }],
          },
          { partitionKey: residentId },
        )
        .fetchAll();
      return resources;
    },
    async put(doc) {
      const { _etag: _ignored, ...body } = doc;
      const { resource } = await residents.items.upsert<ConsentDoc>(body);
      return (resource as ConsentDoc | undefined) ?? doc;
    },
  };
}
