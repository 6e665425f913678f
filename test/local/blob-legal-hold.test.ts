/**
 * What Azurite does with Set Legal Hold (decision 1104), found by trying: azurite 3.37.0's
 * BlobHandler.setLegalHold throws NotImplementedError (dist/src/blob/handlers/BlobHandler.js),
 * which reaches the SDK as 501 APINotImplemented, and a blob it was asked to hold can still be
 * deleted. So the local stack runs with LEGAL_HOLD_ON_BLOBS=off, and the hold's state machine
 * is tested with a plain fake (test/unit/records-blob-hold.test.ts). When Azurite implements it,
 * this test fails and the local stack can turn blob holds on.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../local/azurite.js';
import { azureBlobLegalHolds } from '../../shared/uploads/legal-hold.js';

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite.close());

describe('blob legal holds on Azurite', () => {
  it('when a blob legal hold is set through the adapter, then Azurite answers 501 APINotImplemented and holds nothing', async () => {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient('documents');
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient('evidence/held.pdf');
    await blob.uploadData(Buffer.from('%PDF-1.7 held'));

    const refused = await azureBlobLegalHolds(service, 'documents')
      .set('evidence/held.pdf', true)
      .then(
        () => undefined,
        (error: unknown) => error as { statusCode?: number; code?: string },
      );
    expect(refused).toMatchObject({ statusCode: 501, code: 'APINotImplemented' });
    expect((await blob.getProperties()).legalHold).toBeUndefined();
    await blob.delete();
    expect(await blob.exists()).toBe(false);
  });
});
