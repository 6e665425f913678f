/** Where the records hand-off reads the case of a photo: the reports it is attached to. */
import type { Container } from '@azure/cosmos';

/** Cross-partition, but only per records-system fetch of a photo, and at most a few reports carry one. */
export function cosmosRequestsWithPhoto(requests: Container): (photoId: string) => Promise<string[]> {
  return async (photoId) => {
    const { resources } = await requests.items
      .query<{ id: string }>(
        {
          query: "SELECT c.id FROM c WHERE c.type = 'request' AND ARRAY_CONTAINS(c.photos, @id)",
          parameters: [{ name: '@id', value: photoId }],
        },
        { maxItemCount: 20 },
      )
      .fetchNext();
    return resources.map((r) => r.id).sort();
  };
}
