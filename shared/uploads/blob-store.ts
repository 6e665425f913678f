/**
 * Blob Storage for uploads: write-only upload URLs into quarantine (a user
 * delegation SAS through the managed identity in Azure; the emulator's account
 * key locally), bounded reads, and short read-only download URLs.
 */
import type { BlobServiceClient, UserDelegationKey } from '@azure/storage-blob';
import { documentContainers } from '../data/blob-containers.js';

export interface UploadBlobs {
  uploadUrl(blobName: string, contentType: string, expiresOn: Date): Promise<string>;
  /** The blob's bytes, or `too-large` if it holds more than `maxBytes`; undefined if gone. */
  readQuarantine(
    blobName: string,
    maxBytes: number,
  ): Promise<{ bytes: Buffer; size: number } | 'too-large' | undefined>;
  quarantineTags(blobName: string): Promise<Record<string, string>>;
  deleteQuarantine(blobName: string): Promise<void>;
  putDocument(blobName: string, bytes: Buffer, contentType: string, fileName: string): Promise<void>;
  downloadUrl(blobName: string, fileName: string, expiresOn: Date): Promise<string>;
}

const asciiName = (name: string) => name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');

export function azureUploadBlobs(service: BlobServiceClient, signing: 'user-delegation' | 'account-key'): UploadBlobs {
  const quarantine = service.getContainerClient(documentContainers.quarantine);
  const documents = service.getContainerClient(documentContainers.documents);
  let delegation: { key: UserDelegationKey; until: number } | undefined;

  const sign = async (
    client: ReturnType<typeof quarantine.getBlockBlobClient>,
    options: Parameters<typeof client.generateSasUrl>[0],
  ) => {
    if (signing === 'account-key') return client.generateSasUrl(options);
    const now = Date.now();
    // One delegation key serves every URL for an hour; it is renewed before it runs out.
    if (!delegation || delegation.until - now < 30 * 60_000) {
      const until = now + 60 * 60_000;
      const key = await service.getUserDelegationKey(new Date(now - 5 * 60_000), new Date(until));
      delegation = { key, until };
    }
    return client.generateUserDelegationSasUrl(options, delegation.key);
  };

  return {
    async uploadUrl(blobName, contentType, expiresOn) {
      const { BlobSASPermissions, SASProtocol } = await import('@azure/storage-blob');
      return sign(quarantine.getBlockBlobClient(blobName), {
        permissions: BlobSASPermissions.parse('cw'),
        expiresOn,
        startsOn: new Date(Date.now() - 60_000),
        protocol: signing === 'account-key' ? SASProtocol.HttpsAndHttp : SASProtocol.Https,
        contentType,
      });
    },
    async readQuarantine(blobName, maxBytes) {
      const client = quarantine.getBlobClient(blobName);
      try {
        const properties = await client.getProperties();
        const size = properties.contentLength ?? 0;
        if (size > maxBytes) return 'too-large';
        return { bytes: size === 0 ? Buffer.alloc(0) : await client.downloadToBuffer(0, size), size };
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
    },
    async quarantineTags(blobName) {
      return (await quarantine.getBlobClient(blobName).getTags()).tags;
    },
    async deleteQuarantine(blobName) {
      await quarantine.getBlobClient(blobName).deleteIfExists({ deleteSnapshots: 'include' });
    },
    async putDocument(blobName, bytes, contentType, fileName) {
      await documents.getBlockBlobClient(blobName).uploadData(bytes, {
        blobHTTPHeaders: {
          blobContentType: contentType,
          blobContentDisposition: `attachment; filename="${asciiName(fileName)}"`,
        },
      });
    },
    async downloadUrl(blobName, fileName, expiresOn) {
      const { BlobSASPermissions, SASProtocol } = await import('@azure/storage-blob');
      return sign(documents.getBlockBlobClient(blobName), {
        permissions: BlobSASPermissions.parse('r'),
        expiresOn,
        startsOn: new Date(Date.now() - 60_000),
        protocol: signing === 'account-key' ? SASProtocol.HttpsAndHttp : SASProtocol.Https,
        contentDisposition: `attachment; filename="${asciiName(fileName)}"`,
      });
    },
  };
}
